#include "kernel_entry.hpp"

#include <catch2/catch.hpp>

using namespace binfmt;

TEST_CASE("decodes a magic entry as the kernel prints it", "[kernel]") {
    std::string err;
    auto ke = decode_kernel_entry("qemu-aarch64",
                                  "enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: POF\noffset 0\n"
                                  "magic 7f454c46\nmask fffffffe\n",
                                  err);
    REQUIRE(ke);
    CHECK(ke->enabled);
    CHECK(ke->entry.kind == Kind::Magic);
    CHECK(ke->entry.interpreter == "/usr/bin/qemu-aarch64-static");
    CHECK(ke->entry.flags.kernel_string() == "POF");
    CHECK(ke->entry.magic == Bytes{0x7f, 'E', 'L', 'F'});
    CHECK(ke->entry.mask == Bytes{0xff, 0xff, 0xff, 0xfe});
}

TEST_CASE("decodes a disabled extension entry with no flags", "[kernel]") {
    std::string err;
    auto ke = decode_kernel_entry("pyc", "disabled\ninterpreter /usr/bin/python3\nflags: \nextension .pyc\n", err);
    REQUIRE(ke);
    CHECK_FALSE(ke->enabled);
    CHECK(ke->entry.kind == Kind::Extension);
    CHECK(ke->entry.extension == "pyc");
    CHECK(ke->entry.flags.kernel_string().empty());
}

TEST_CASE("rejects what it does not understand", "[kernel]") {
    std::string err;
    CHECK_FALSE(decode_kernel_entry("x", "enabled\ninterpreter /x\nflags: Z\nextension .a\n", err));
    CHECK(err.find("Z") != std::string::npos);
    CHECK_FALSE(decode_kernel_entry("x", "enabled\ninterpreter /x\nmagic 7g\n", err));
    CHECK_FALSE(decode_kernel_entry("x", "enabled\nflags: \n", err));
    CHECK_FALSE(decode_kernel_entry("x", "enabled\ninterpreter /x\nextension .a\nbogus line\n", err));
}

TEST_CASE("same_registration compares what the kernel compares", "[kernel]") {
    Entry a;
    a.name = "a";
    a.magic = {0x12, 0x34};
    a.mask = {0xff, 0x0f};
    a.interpreter = "/bin/x";
    a.flags.credentials = true;
    Entry b = a;
    b.name = "b";
    b.magic = {0x12, 0x04}; // differs only under a zero mask bit
    b.flags = {};
    b.flags.open_binary = true; // O + C == C as the kernel shows it
    b.flags.credentials = true;
    CHECK(a.same_registration(b));
    b.offset = 1;
    CHECK_FALSE(a.same_registration(b));
    Entry c = a;
    c.mask.clear(); // no mask == all ones; differs from 0x0f
    CHECK_FALSE(a.same_registration(c));
    c.mask = {0xff, 0xff};
    Entry d = c;
    d.mask.clear();
    CHECK(c.same_registration(d));
}
