// The order overlapping entries need in the kernel (newest first wins), and which registrations
// get it there.
#include "presets.hpp"
#include "priority.hpp"

#include <catch2/catch.hpp>

using namespace binfmt;

namespace {
Entry magic(std::string name, Bytes m, Bytes mask = {}, std::uint32_t offset = 0) {
    Entry e;
    e.name = std::move(name);
    e.magic = std::move(m);
    e.mask = std::move(mask);
    e.offset = offset;
    return e;
}
Entry extension(std::string name, std::string ext) {
    Entry e;
    e.name = std::move(name);
    e.kind = Kind::Extension;
    e.extension = std::move(ext);
    return e;
}
Entry preset(const char* name) {
    const Preset* p = find_preset(name);
    return magic(name, p->magic, p->mask);
}
} // namespace

TEST_CASE("priority: entries overlap when some file could match both", "[priority]") {
    CHECK(can_overlap(extension("a", "pyc"), extension("b", "pyc")));
    CHECK_FALSE(can_overlap(extension("a", "pyc"), extension("b", "py")));
    CHECK_FALSE(can_overlap(extension("a", "pyc"), magic("b", {'p'})));
    CHECK(can_overlap(magic("a", {'A', 'B'}), magic("b", {'A', 'B', 'C'})));
    CHECK_FALSE(can_overlap(magic("a", {'A', 'B'}), magic("b", {'A', 'X'})));
    // Masks: a bit only one side ignores cannot separate them.
    CHECK(can_overlap(magic("a", {0x10}, {0xf0}), magic("b", {0x1f})));
    CHECK_FALSE(can_overlap(magic("a", {0x10}, {0xf0}), magic("b", {0x2f})));
    // Offsets: compared where the file positions meet; apart, nothing separates them.
    CHECK(can_overlap(magic("a", {'x', 'A'}), magic("b", {'A'}, {}, 1)));
    CHECK_FALSE(can_overlap(magic("a", {'x', 'A'}), magic("b", {'B'}, {}, 1)));
    CHECK(can_overlap(magic("a", {'A'}), magic("b", {'B'}, {}, 1)));
    // QEMU's own table: its architectures never overlap, one endianness apart or not.
    CHECK_FALSE(can_overlap(preset("qemu-arm"), preset("qemu-armeb")));
    CHECK_FALSE(can_overlap(preset("qemu-aarch64"), preset("qemu-arm")));
    CHECK(can_overlap(preset("qemu-aarch64"), preset("qemu-aarch64")));
}

TEST_CASE("priority: only what is out of order, or new, is registered, lowest rank first", "[priority]") {
    const Entry a = extension("a", "pyc"), b = extension("b", "pyc"), c = extension("c", "pyc"),
                other = extension("other", "lua");
    const std::vector<const Entry*> ranks{&a, &b, &c}; // c outranks b outranks a
    // Already right (c newest, a oldest): nothing to write.
    CHECK(registration_order(ranks, {{"c", 0}, {"b", 1}, {"a", 2}}, {}).empty());
    // a newest: b and c must be registered after it, b first.
    CHECK(registration_order(ranks, {{"a", 0}, {"b", 1}, {"c", 2}}, {}) == std::vector<std::string>{"b", "c"});
    // Only b out of place above a: b moves, and c then too, as b would be newer than it.
    CHECK(registration_order(ranks, {{"c", 0}, {"a", 1}, {"b", 2}}, {}) == std::vector<std::string>{"b", "c"});
    // The top one out of place: only it moves.
    CHECK(registration_order(ranks, {{"b", 0}, {"c", 1}, {"a", 2}}, {}) == std::vector<std::string>{"c"});
    // A new or changed entry low in the ranks lifts everything that overlaps it above it again.
    CHECK(registration_order(ranks, {{"c", 0}, {"b", 1}}, {}) == std::vector<std::string>{"a", "b", "c"});
    CHECK(registration_order(ranks, {{"c", 0}, {"b", 1}, {"a", 2}}, {"b"}) == std::vector<std::string>{"b", "c"});
    // What overlaps nothing stays where it is, whatever its place.
    const std::vector<const Entry*> mixed{&other, &a, &b};
    CHECK(registration_order(mixed, {{"other", 2}, {"b", 0}, {"a", 1}}, {}).empty());
}

namespace {
Entry ranked(std::string name, std::int32_t priority, Source source, std::string file, int line,
             std::uint32_t dir_rank = 0) {
    Entry e = extension(std::move(name), "pyc");
    e.priority = priority;
    e.source = source;
    e.origin = {std::move(file), line, 1};
    e.dir_rank = dir_rank;
    return e;
}
} // namespace

TEST_CASE("priority: who wins, and why: priority, then source, directory, file, line, name", "[priority]") {
    const Entry high = ranked("high", 10, Source::Binfmts, "/usr/share/binfmts/high", 0);
    const Entry low = ranked("low", -5, Source::Binfmtd, "/etc/binfmtd.d/low.toml", 1);
    CHECK(outranks(high, low));
    CHECK_FALSE(outranks(low, high));
    CHECK(why_outranks(high, low) == "priority 10 over -5");

    // Ties: binfmtd.d > binfmt.d > binfmts.
    const Entry toml = ranked("t", 0, Source::Binfmtd, "/usr/lib/binfmtd.d/t.toml", 1, 3);
    const Entry conf = ranked("c", 0, Source::BinfmtD, "/etc/binfmt.d/c.conf", 1);
    const Entry record = ranked("r", 0, Source::Binfmts, "/usr/share/binfmts/r", 0);
    CHECK(outranks(toml, conf));
    CHECK(outranks(conf, record));
    CHECK(outranks(toml, record));
    CHECK(why_outranks(toml, conf) == "both priority 0; binfmtd.d outranks binfmt.d");
    CHECK(why_outranks(conf, record) == "both priority 0; binfmt.d outranks binfmts");

    // Within binfmtd.d the higher directory, whatever the file names.
    const Entry etc = ranked("e", 0, Source::Binfmtd, "/etc/binfmtd.d/a.toml", 1, 0);
    const Entry vendor = ranked("v", 0, Source::Binfmtd, "/usr/lib/binfmtd.d/z.toml", 9, 3);
    CHECK(outranks(etc, vendor));
    CHECK(why_outranks(etc, vendor) ==
          "both priority 0; \"/etc/binfmtd.d\" takes precedence over \"/usr/lib/binfmtd.d\"");

    // binfmt.d: files by name across the directories (the later one wins, as systemd-binfmt
    // registers it last), then lines in order.
    const Entry early = ranked("x", 0, Source::BinfmtD, "/usr/lib/binfmt.d/zz.conf", 1);
    const Entry later = ranked("y", 0, Source::BinfmtD, "/etc/binfmt.d/aa.conf", 7);
    CHECK(outranks(early, later)); // zz.conf sorts after aa.conf
    CHECK(why_outranks(early, later) ==
          "both priority 0; the later file wins: \"/usr/lib/binfmt.d/zz.conf\" sorts after \"/etc/binfmt.d/aa.conf\"");
    const Entry line3 = ranked("z", 0, Source::BinfmtD, "/etc/binfmt.d/aa.conf", 3);
    CHECK(outranks(later, line3));
    CHECK(why_outranks(later, line3) == "both priority 0; the later line of \"/etc/binfmt.d/aa.conf\" wins: 7 after 3");

    // Last, the name.
    const Entry a = ranked("a", 0, Source::Binfmtd, "", 0), b = ranked("b", 0, Source::Binfmtd, "", 0);
    CHECK(outranks(b, a));
    CHECK(why_outranks(b, a) == "both priority 0; the name sorting later wins: \"b\" after \"a\"");

    // A total order: the ranks sort.
    const std::vector<const Entry*> sorted = lowest_rank_first({&high, &toml, &low, &record, &conf});
    std::vector<std::string> names;
    for (auto* e : sorted) names.push_back(e->name);
    CHECK(names == std::vector<std::string>{"low", "r", "c", "t", "high"});
}

TEST_CASE("priority: a fixed entry never moves; the others are still ordered against it", "[priority]") {
    const Entry a = extension("a", "pyc"), b = extension("b", "pyc"), c = extension("c", "pyc");
    const std::vector<const Entry*> ranks{&a, &b, &c};
    // b (another tool's, adopted) is newer than a: it cannot move, but c above it does.
    CHECK(registration_order(ranks, {{"b", 0}, {"c", 1}, {"a", 2}}, {}, {"b"}) == std::vector<std::string>{"c"});
    // Newly registered a: c is lifted above it; b stays where it is, behind.
    CHECK(registration_order(ranks, {{"c", 0}, {"b", 1}}, {}, {"b"}) == std::vector<std::string>{"a", "c"});
    CHECK(registration_order(ranks, {{"c", 0}, {"b", 1}, {"a", 2}}, {}, {"b"}).empty());
}

TEST_CASE("priority: overlapping pairs, each once, and validate's report of them", "[priority]") {
    Entry a = extension("a", "pyc"), b = extension("b", "pyc"), c = extension("c", "lua"), m1 = magic("m1", {'A', 'B'}),
          m2 = magic("m2", {'A'}), m3 = magic("m3", {'X'});
    a.origin = {"/etc/binfmtd.d/a.toml", 1, 1};
    b.origin = {"/etc/binfmtd.d/a.toml", 4, 1};
    b.priority = 5;
    m1.origin = {"/etc/binfmtd.d/m.toml", 1, 1};
    m2.origin = {"/etc/binfmtd.d/m.toml", 6, 1};
    const auto pairs = overlapping_pairs({&a, &b, &c, &m1, &m2, &m3});
    REQUIRE(pairs.size() == 2);
    CHECK(pairs[0].first->name == "a");
    CHECK(pairs[0].second->name == "b");
    CHECK(pairs[1].first->name == "m1");
    CHECK(pairs[1].second->name == "m2");
    CHECK(overlap_sentence(b, a) == "\"b\" wins over \"a\": priority 5 over 0");

    const auto diags = overlap_diagnostics({&a, &b, &c, &m1, &m2, &m3});
    REQUIRE(diags.size() == 2);
    // Priorities decide: a note, at the entry that loses.
    CHECK(diags[0].severity == Severity::Info);
    CHECK(diags[0].str() == "/etc/binfmtd.d/a.toml:1:1: [a] matches files that \"b\" (/etc/binfmtd.d/a.toml:4:1) "
                            "matches too; \"b\" runs them: priority 5 over 0");
    // Only the tie rule decides: a warning, which says how to choose.
    CHECK(diags[1].severity == Severity::Warning);
    CHECK(diags[1].str() == "/etc/binfmtd.d/m.toml:1:1: [m1] matches files that \"m2\" (/etc/binfmtd.d/m.toml:6:1) "
                            "matches too; \"m2\" runs them: both priority 0; the later line of "
                            "\"/etc/binfmtd.d/m.toml\" wins: 6 after 1 (set `priority` to choose)");
}
