#include "register_string.hpp"

#include <catch2/catch.hpp>

using namespace binfmt;

namespace {
Entry magic_entry() {
    Entry e;
    e.name = "lua";
    e.magic = {0x1b, 'L', 'u', 'a'};
    e.interpreter = "/usr/bin/lua";
    return e;
}
} // namespace

TEST_CASE("magic entry encodes every byte escaped", "[register]") {
    Entry e = magic_entry();
    e.mask = {0xff, 0xff, 0xff, 0xff};
    e.offset = 2;
    e.flags.fix_binary = true;
    CHECK(encode_register(e) == ":lua:M:2:\\x1b\\x4c\\x75\\x61:\\xff\\xff\\xff\\xff:/usr/bin/lua:F");
}

TEST_CASE("extension entry and credentials imply open-binary", "[register]") {
    Entry e;
    e.name = "pyc";
    e.kind = Kind::Extension;
    e.extension = "pyc";
    e.interpreter = "/usr/bin/python3";
    e.flags.credentials = true;
    CHECK(encode_register(e) == ":pyc:E::pyc::/usr/bin/python3:OC");
}

TEST_CASE("delimiter avoids characters used in fields", "[register]") {
    Entry e = magic_entry();
    e.interpreter = "/opt/a:b/lua";
    auto s = encode_register(e);
    REQUIRE(s);
    CHECK(s->front() == '|');
    CHECK(*s == "|lua|M||\\x1b\\x4c\\x75\\x61||/opt/a:b/lua|");

    e.interpreter = "/opt/:|,;!#%@^~=+&*";
    CHECK_FALSE(encode_register(e));
}
