#include "binfmts.hpp"
#include "has_diag.hpp"

#include <catch2/catch.hpp>

using namespace binfmt;
using unit::has_diag;

namespace {
Definition parse(const std::string& text, std::vector<Diagnostic>& diags, bool detectors = false) {
    return parse_binfmts_record(text, "/usr/share/binfmts/rec", "rec", {detectors}, diags);
}
} // namespace

TEST_CASE("a binfmts record becomes the register line update-binfmts writes", "[binfmts]") {
    std::vector<Diagnostic> diags;
    auto d = parse("package qemu-user-static\n"
                   "interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\n"
                   "magic \\x7f\\x45\\x4c\\x46\\x02\n"
                   "offset 0\n"
                   "mask \\xff\\xff\\xff\\xff\\x00\n"
                   "credentials no\n"
                   "fix_binary yes\n"
                   "preserve yes\n",
                   diags);
    REQUIRE(d.valid);
    CHECK(diags.empty());
    CHECK(d.entry.name == "rec");
    CHECK(d.entry.source == Source::Binfmts);
    CHECK(d.entry.magic == Bytes{0x7f, 'E', 'L', 'F', 2});
    CHECK(d.entry.mask == Bytes{0xff, 0xff, 0xff, 0xff, 0});
    CHECK(d.entry.flags.kernel_string() == "PF"); // binfmt-support has no open-binary field
    CHECK(d.entry.origin.file == "/usr/share/binfmts/rec");

    diags.clear();
    d = parse("package x\ninterpreter /usr/bin/jexec\nextension jar\ncredentials yes\n", diags);
    REQUIRE(d.valid);
    CHECK(d.entry.kind == Kind::Extension);
    CHECK(d.entry.extension == "jar");
    CHECK(d.entry.flags.kernel_string() == "OC");
}

TEST_CASE("a binfmts record's problems point at the key", "[binfmts]") {
    std::vector<Diagnostic> diags;
    auto d = parse("package x\ninterpreter /bin/x\nmagic ab\nmask \\xff\n", diags);
    CHECK_FALSE(d.valid);
    CHECK(has_diag(diags, "[rec] the mask is 1 bytes but the magic is 2 bytes", 4, 6));

    diags.clear();
    d = parse("interpreter /bin/x\nmagic ab\nextension e\noffset 3\n", diags);
    CHECK_FALSE(d.valid);
    CHECK(has_diag(diags, "needs exactly one of `magic` and `extension`", 1, 1));

    diags.clear();
    d = parse("interpreter /bin/x\nextension e\noffset 3\npreserve maybe\nfrobnicate 1\n", diags);
    CHECK_FALSE(d.valid);
    CHECK(has_diag(diags, "`offset` needs `magic`", 3, 8));
    CHECK(has_diag(diags, "preserve \"maybe\" must be yes or no", 4, 10));
    CHECK(has_diag(diags, "unknown key \"frobnicate\"", 5, 1));

    diags.clear();
    d = parse("interpreter /bin/x\nmagic a\\x4z\n", diags);
    CHECK_FALSE(d.valid);
    CHECK(has_diag(diags, "two hex digits in the magic", 2, 7));

    diags.clear();
    d = parse("magic ab\n", diags);
    CHECK_FALSE(d.valid);
    CHECK(has_diag(diags, "needs an `interpreter` line", 1, 1));

    diags.clear();
    d = parse("interpreter /usr/bin/x\nmagic ab\ninterpreter /usr/bin/y\n", diags);
    CHECK_FALSE(d.valid);
    CHECK(has_diag(diags, "\"interpreter\" is given twice (first on line 1)", 3, 1));
}

TEST_CASE("a binfmts record with a detector needs run-detectors", "[binfmts]") {
    std::vector<Diagnostic> diags;
    const std::string text = "interpreter /usr/bin/wine\nmagic MZ\ndetector /usr/lib/wine/detect\n";
    auto d = parse(text, diags, false);
    CHECK_FALSE(d.valid);
    CHECK(has_diag(diags, "needs binfmt-support's /usr/lib/binfmt-support/run-detectors", 3, 10));

    diags.clear();
    d = parse(text, diags, true);
    REQUIRE(d.valid);
    CHECK(d.entry.interpreter == kRunDetectors); // what update-binfmts registers for it
}
