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
