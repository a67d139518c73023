#include "validate.hpp"

#include <catch2/catch.hpp>

using namespace binfmt;

namespace {
Entry valid() {
    Entry e;
    e.name = "ok";
    e.magic = {1, 2, 3};
    e.interpreter = "/usr/bin/x";
    return e;
}
bool mentions(const std::vector<std::string>& problems, std::string_view what) {
    for (auto& p : problems)
        if (p.find(what) != std::string::npos) return true;
    return false;
}
} // namespace

TEST_CASE("a valid entry has no problems", "[validate]") { CHECK(validate(valid()).empty()); }

TEST_CASE("names the kernel refuses", "[validate]") {
    for (const char* bad : {"", ".", "..", "a/b", "register", "status", "a b"}) CHECK_FALSE(check_name(bad).empty());
    CHECK_FALSE(check_name(std::string(256, 'n')).empty());
    CHECK(check_name(std::string(255, 'n')).empty());
    CHECK(check_name("qemu-aarch64").empty());
}

TEST_CASE("magic limits", "[validate]") {
    Entry e = valid();
    e.mask = {1, 2};
    CHECK(mentions(validate(e), "mask is 2 bytes but magic is 3"));
    e = valid();
    e.offset = 254;
    CHECK(mentions(validate(e), "offset 254 + magic length 3"));
    e.offset = 253;
    CHECK(validate(e).empty());
    e = valid();
    e.magic.clear();
    CHECK(mentions(validate(e), "magic is empty"));
}

TEST_CASE("extension and interpreter rules", "[validate]") {
    Entry e = valid();
    e.kind = Kind::Extension;
    e.extension = ".pyc";
    CHECK(mentions(validate(e), "\".pyc\""));
    e.extension = "a/b";
    CHECK(mentions(validate(e), "\"a/b\""));
    e.extension = "pyc";
    CHECK(validate(e).empty());
    e.interpreter = "python3";
    CHECK(mentions(validate(e), "\"python3\" is not an absolute path"));
    e.interpreter = "";
    CHECK(mentions(validate(e), "no interpreter"));
    e.preset = "qemu-arm"; // resolved later by the daemon
    CHECK(validate(e).empty());
}

TEST_CASE("register string length limit", "[validate]") {
    Entry e = valid();
    e.interpreter = "/" + std::string(1900, 'i');
    CHECK(mentions(validate(e), "register string is"));
}
