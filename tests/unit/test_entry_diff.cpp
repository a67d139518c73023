// The "differs" message: every field that tells the kernel's entry from the definition, named.
#include "entry_diff.hpp"

#include <catch2/catch.hpp>

using namespace binfmt;

namespace {
Entry magic_entry(Bytes magic, Bytes mask = {}) {
    Entry e;
    e.name = "qemu-ppc64le";
    e.magic = std::move(magic);
    e.mask = std::move(mask);
    e.interpreter = "/usr/libexec/qemu-binfmt/ppc64le-binfmt-P";
    e.flags.preserve_argv0 = true;
    return e;
}
using Lines = std::vector<std::string>;
} // namespace

TEST_CASE("identical registrations have no differences", "[entry_diff]") {
    const Entry a = magic_entry({0x7f, 'E', 'L', 'F'}, {0xff, 0xff, 0xff, 0xff});
    Entry same = magic_entry({0x7f, 'E', 'L', 'F'}); // no mask is all ones
    CHECK(registration_differences(a, same) == Lines{});
    CHECK(describe_differences(a, same).empty());
}

TEST_CASE("mask and flags, as Debian's qemu entries differ from QEMU's script", "[entry_diff]") {
    Entry kernel = magic_entry({0x7f, 'E', 'L', 'F', 2, 1, 1, 0}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfc});
    kernel.flags.open_binary = true;
    kernel.flags.fix_binary = true;
    Entry config = magic_entry({0x7f, 'E', 'L', 'F', 2, 1, 1, 0}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00});
    config.flags.fix_binary = true;
    CHECK(describe_differences(kernel, config) ==
          "mask byte 7: kernel fc, configuration 00; flags: kernel POF, configuration PF");
}

TEST_CASE("magic bytes are compared under the mask, and only where the masks agree", "[entry_diff]") {
    const Entry kernel = magic_entry({0x12, 0x34, 0x56}, {0xff, 0x0f, 0xff});
    Entry config = magic_entry({0x12, 0x24, 0x57}, {0xff, 0x0f, 0xf0});
    // byte 1 differs only in bits the mask ignores; byte 2's masks differ (that says it all).
    CHECK(registration_differences(kernel, config) == Lines{"mask byte 2: kernel ff, configuration f0"});
    config.mask = {0xff, 0x0f, 0xff};
    CHECK(registration_differences(kernel, config) == Lines{"magic byte 2: kernel 56, configuration 57"});
}

TEST_CASE("lengths, offset, interpreter and kind", "[entry_diff]") {
    Entry kernel = magic_entry({1, 2, 3, 4});
    Entry config = magic_entry({1, 2, 3, 4, 5});
    config.offset = 2;
    config.interpreter = "/usr/bin/qemu-ppc64le-static";
    config.flags = {};
    CHECK(registration_differences(kernel, config) ==
          Lines{"offset: kernel 0, configuration 2", "magic: kernel 4 bytes, configuration 5 bytes",
                "interpreter: kernel /usr/libexec/qemu-binfmt/ppc64le-binfmt-P, configuration "
                "/usr/bin/qemu-ppc64le-static",
                "flags: kernel P, configuration none"});

    Entry ext = kernel;
    ext.kind = Kind::Extension;
    ext.extension = "pyc";
    CHECK(registration_differences(kernel, ext) == Lines{"kind: kernel magic, configuration extension"});
    Entry other_ext = ext;
    other_ext.extension = "pyo";
    CHECK(registration_differences(ext, other_ext) == Lines{"extension: kernel pyc, configuration pyo"});
    Entry no_interpreter = ext;
    no_interpreter.interpreter.clear(); // a preset still waiting for one
    CHECK(registration_differences(ext, no_interpreter) ==
          Lines{"interpreter: kernel /usr/libexec/qemu-binfmt/ppc64le-binfmt-P, configuration none yet"});
}

TEST_CASE("many differing bytes are counted, not all listed", "[entry_diff]") {
    const Entry kernel = magic_entry(Bytes(10, 0x00));
    const Entry config = magic_entry(Bytes(10, 0x11));
    const Lines lines = registration_differences(kernel, config);
    REQUIRE(lines.size() == kMaxBytesShown + 1);
    CHECK(lines.front() == "magic byte 0: kernel 00, configuration 11");
    CHECK(lines.back() == "and 6 more magic bytes");
}
