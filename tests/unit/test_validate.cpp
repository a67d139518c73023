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

TEST_CASE("names that would act on a terminal or a log are refused, and the refusal quotes them escaped",
          "[validate][escape]") {
    for (const char* bad : {"a\nb", "esc\x1b[31m", "del\x7f", "c1\xc2\x9bx", "rtl\xe2\x80\xaex", "bytes\xff"}) {
        INFO(bad);
        const std::string why = check_name(bad);
        CHECK(why.find("control character") != std::string::npos);
        for (char c : why) CHECK(static_cast<unsigned char>(c) >= 0x20);
    }
    CHECK(check_name("a\nb") == "entry name \"a\\x0ab\" contains a space or control character");
    CHECK(check_name("caf\xc3\xa9").empty()); // printable UTF-8 is a name like any other
    Entry e = valid();
    e.interpreter = "/usr/bin/\xc2\x85x"; // U+0085, NEL
    CHECK(mentions(validate(e), "interpreter \"/usr/bin/\\xc2\\x85x\" contains a control character"));
    auto keyed = validate_keyed(e);
    REQUIRE(keyed.size() == 1);
    CHECK(keyed[0].key == "interpreter");
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
