#include "presets.hpp"
#include "sources.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace binfmt;

namespace {
const Entry* find(const Config& c, std::string_view name) {
    for (auto& e : c.entries)
        if (e.name == name) return &e;
    return nullptr;
}
bool has_diag(const Config& c, std::string_view text) {
    for (auto& d : c.diagnostics)
        if (d.str().find(text) != std::string::npos) return true;
    return false;
}
void symlink_null(const unit::TempTree& t, const std::string& rel) {
    std::filesystem::create_directories(std::filesystem::path(t.path(rel)).parent_path());
    std::filesystem::create_symlink("/dev/null", t.path(rel));
}
} // namespace

TEST_CASE("binfmt.d: systemd-binfmt's order, replacement, masking and last definition", "[sources]") {
    unit::TempTree t;
    t.write("usr/lib/binfmt.d/a.conf", ":a:M::aa::/usr/bin/a-usr:\n:shared:M::s1::/usr/bin/s1:\n");
    t.write("etc/binfmt.d/a.conf", ":a:M::aa::/usr/bin/a-etc:\n");   // replaces usr/lib's a.conf
    t.write("run/binfmt.d/b.conf", ":shared:M::s2::/usr/bin/s2:\n"); // sorts after a.conf: wins
    t.write("usr/local/lib/binfmt.d/m.conf", "");                    // empty: masks
    t.write("lib/binfmt.d/m.conf", ":m:M::mm::/usr/bin/m:\n");
    symlink_null(t, "etc/binfmt.d/n.conf");
    t.write("usr/lib/binfmt.d/n.conf", ":n:M::nn::/usr/bin/n:\n");
    t.write("usr/lib/binfmt.d/.hidden.conf", ":hidden:M::hh::/usr/bin/h:\n");
    t.write("usr/lib/binfmt.d/c.conf.dpkg-new", ":new:M::nn::/usr/bin/new:\n");
    t.write("usr/lib/binfmt.d/not-conf.txt", ":txt:M::tt::/usr/bin/t:\n");

    const Config c = load_sources(t.root(), {});
    REQUIRE(find(c, "a"));
    CHECK(find(c, "a")->interpreter == "/usr/bin/a-etc");
    CHECK(find(c, "a")->source == Source::BinfmtD);
    CHECK(find(c, "a")->origin.str() == t.path("etc/binfmt.d/a.conf") + ":1:1");
    // a.conf's "shared" is not there any more (etc's a.conf replaced it); b.conf's is.
    REQUIRE(find(c, "shared"));
    CHECK(find(c, "shared")->interpreter == "/usr/bin/s2");
    CHECK_FALSE(find(c, "m"));
    CHECK_FALSE(find(c, "n"));
    CHECK_FALSE(find(c, "hidden"));
    CHECK_FALSE(find(c, "new"));
    CHECK_FALSE(find(c, "txt"));
    CHECK(c.entries.size() == 2);
}

TEST_CASE("a name defined twice in binfmt.d: the later definition, even when it is wrong", "[sources]") {
    unit::TempTree t;
    t.write("usr/lib/binfmt.d/a.conf", ":x:M::aa::/usr/bin/first:\n:y:M::yy::/usr/bin/y:\n");
    t.write("usr/lib/binfmt.d/b.conf", ":x:M::aa::/usr/bin/second:\n:y:M::\\xZ::/usr/bin/y:\n");
    const Config c = load_sources(t.root(), {});
    REQUIRE(find(c, "x"));
    CHECK(find(c, "x")->interpreter == "/usr/bin/second");
    CHECK(has_diag(c, "a.conf:1:1: [x] overridden by the later definition at " + t.path("usr/lib/binfmt.d/b.conf") +
                          ":1:1"));
    CHECK_FALSE(find(c, "y"));
    REQUIRE(c.invalid_entries.count("y"));
    CHECK(c.invalid_entries.at("y").find("b.conf:2:") != std::string::npos);
}

TEST_CASE("binfmtd.d > binfmt.d > binfmts; binfmts records only when imported", "[sources]") {
    unit::TempTree t;
    t.write("etc/binfmtd.d/over.toml", "[both]\nmagic = 'bb'\ninterpreter = \"/usr/bin/toml\"\n");
    t.write("usr/lib/binfmt.d/both.conf", ":both:M::bb::/usr/bin/binfmt-d:\n:d-only:M::dd::/usr/bin/d:\n");
    t.write("usr/share/binfmts/d-only", "interpreter /usr/bin/from-binfmts\nmagic dd\n");
    t.write("usr/share/binfmts/imported", "package p\ninterpreter /usr/bin/imp\nmagic ii\n");
    t.write("var/lib/binfmts/imported", "p\nmagic\n0\nii\n\n/usr/bin/imp\n\n");
    t.write("usr/share/binfmts/lonely", "package p\ninterpreter /usr/bin/lonely\nmagic ll\n");
    t.write("usr/share/binfmts/lonely.dpkg-new", "package p\ninterpreter /usr/bin/lonely2\nmagic ll\n");

    const Config c = load_sources(t.root(), {});
    REQUIRE(find(c, "both"));
    CHECK(find(c, "both")->interpreter == "/usr/bin/toml");
    CHECK(find(c, "both")->source == Source::Binfmtd);
    REQUIRE(find(c, "d-only"));
    CHECK(find(c, "d-only")->interpreter == "/usr/bin/d");
    REQUIRE(find(c, "imported"));
    CHECK(find(c, "imported")->enabled);
    CHECK(find(c, "imported")->source == Source::Binfmts);
    REQUIRE(find(c, "lonely"));
    CHECK_FALSE(find(c, "lonely")->enabled);
    CHECK(find(c, "lonely")->interpreter == "/usr/bin/lonely");
    CHECK(c.entries.size() == 4);
    CHECK(has_diag(c, "[both] overridden by a definition of a higher source"));
}

TEST_CASE("a masked binfmt.d file masks the same names in binfmts", "[sources]") {
    unit::TempTree t;
    symlink_null(t, "etc/binfmt.d/qemu-x.conf");
    t.write("usr/lib/binfmt.d/qemu-x.conf", ":qemu-x:M::qq::/usr/bin/q:\n:qemu-x-too:M::qt::/usr/bin/q:\n");
    t.write("etc/binfmt.d/python.conf", "");
    for (auto name : {"qemu-x", "qemu-x-too", "python", "kept"}) {
        t.write(std::string("usr/share/binfmts/") + name, "interpreter /usr/bin/q\nmagic qq\n");
        t.write(std::string("var/lib/binfmts/") + name, "imported\n");
    }
    const Config c = load_sources(t.root(), {});
    CHECK_FALSE(find(c, "qemu-x"));
    CHECK_FALSE(find(c, "qemu-x-too"));
    CHECK_FALSE(find(c, "python"));
    REQUIRE(find(c, "kept"));
    CHECK(find(c, "kept")->enabled);
}

TEST_CASE("the sources file chooses what is read", "[sources]") {
    unit::TempTree t;
    t.write("usr/lib/binfmt.d/a.conf", ":a:M::aa::/usr/bin/a:\n");
    t.write("usr/share/binfmts/b", "interpreter /usr/bin/b\nmagic bb\n");
    t.write("etc/binfmtd.d/c.toml", "[c]\nmagic = 'cc'\ninterpreter = \"/usr/bin/c\"\n");

    CHECK(load_sources(t.root(), {}).entries.size() == 3);
    t.write("etc/binfmtd/sources", "# only systemd's\nbinfmtd.d\n  binfmt.d\nbinfmt-support\n");
    Config c = load_sources(t.root(), {});
    CHECK(c.entries.size() == 2);
    CHECK(find(c, "a"));
    CHECK_FALSE(find(c, "b"));
    CHECK(has_diag(c, "sources:4:1: unknown source \"binfmt-support\""));
    CHECK(c.has_errors());

    t.write("etc/binfmtd/sources", "");
    c = load_sources(t.root(), {});
    CHECK(c.entries.size() == 1);
    CHECK(find(c, "c"));
}

TEST_CASE("names packages and editors leave behind are ignored", "[sources]") {
    for (auto name : {".x", "x~", "x.dpkg-new", "x.dpkg-old", "x.dpkg-dist", "x.ucf-old", "x.conf.ucf-dist"})
        CHECK(ignored_name(name));
    for (auto name : {"x", "qemu-aarch64", "x.conf", "llvm-14-runtime.binfmt"}) CHECK_FALSE(ignored_name(name));
}

TEST_CASE("a preset follows the distribution's definition of its name", "[sources]") {
    unit::TempTree t;
    // Debian's qemu-ppc64le: mask byte 7 is not QEMU's script's.
    t.write("usr/lib/binfmt.d/qemu-ppc64le.conf",
            ":qemu-ppc64le:M::\\x7fELF\\x02\\x01\\x01\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfc:"
            "/usr/libexec/qemu-binfmt/ppc64le-binfmt-P:OPF\n");
    t.write("etc/binfmtd.d/q.toml", "[qemu-ppc64le]\npreset = \"qemu-ppc64le\"\n"
                                    "[mine]\npreset = \"qemu-ppc64le\"\nfix-binary = false\n"
                                    "[riscv]\npreset = \"qemu-riscv64\"\n");
    const Config c = load_sources(t.root(), {});
    const Entry* q = find(c, "qemu-ppc64le");
    REQUIRE(q);
    CHECK(q->source == Source::Binfmtd);
    CHECK(q->magic == Bytes{0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
    CHECK(q->mask == Bytes{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfc});
    CHECK(q->flags.kernel_string() == "POF");
    CHECK(q->interpreter.empty()); // found as for any preset
    const Entry* mine = find(c, "mine");
    REQUIRE(mine);
    CHECK(mine->mask == q->mask);
    CHECK_FALSE(mine->flags.fix_binary); // set by hand: kept
    const Entry* riscv = find(c, "riscv");
    REQUIRE(riscv);
    CHECK(riscv->magic == entry_from_preset(*find_preset("qemu-riscv64")).magic); // nothing shipped: QEMU's bytes
    CHECK(has_diag(c, "preset \"qemu-ppc64le\" follows the distribution's definition at"));
}
