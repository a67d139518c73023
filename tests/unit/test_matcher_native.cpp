#include "matcher.hpp"
#include "native.hpp"
#include "presets.hpp"

#include <catch2/catch.hpp>

using namespace binfmt;

TEST_CASE("extension matching uses the last dot", "[matcher]") {
    Entry e;
    e.kind = Kind::Extension;
    e.extension = "pyc";
    CHECK(matches(e, "/a/b.pyc", {}));
    CHECK(matches(e, "x.tar.pyc", {}));
    CHECK_FALSE(matches(e, "x.pyc.gz", {}));
    CHECK_FALSE(matches(e, "pyc", {}));
}

TEST_CASE("magic matching honours offset and mask, and zero-fills short heads", "[matcher]") {
    Entry e;
    e.magic = {0xab, 0x10};
    e.mask = {0xff, 0xf0};
    e.offset = 2;
    CHECK(matches(e, "", {0, 0, 0xab, 0x1f}));
    CHECK_FALSE(matches(e, "", {0, 0, 0xab, 0x2f}));
    Entry z;
    z.magic = {0, 0};
    z.offset = 10;
    CHECK(matches(z, "", {1})); // past the end the kernel sees zeros
}

TEST_CASE("native guard", "[native]") {
    auto samples = native_samples("i386");
    Entry x86;
    x86.magic = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    CHECK_FALSE(captured_native(x86, samples).empty());
    Entry shebang;
    shebang.magic = {'#', '!'};
    CHECK(captured_native(shebang, samples) == "#! script");
    Entry ext;
    ext.kind = Kind::Extension;
    ext.extension = "sh";
    CHECK(captured_native(ext, samples).empty());

    // Each foreign preset is safe on an x86 host; the host family's own are not
    // (but for i486: EM_486 is not a machine the kernel runs, only the family rule skips it).
    for (const auto& p : presets()) {
        if (p.arch == "i486") continue;
        auto captured = captured_native(entry_from_preset(p), samples);
        INFO(p.name() << " captured " << captured);
        CHECK(captured.empty() == (p.family != "i386"));
    }
    // And on an arm host, qemu-aarch64 would capture native binaries.
    CHECK_FALSE(captured_native(entry_from_preset(*find_preset("qemu-aarch64")), native_samples("arm")).empty());
}
