#include "bytes.hpp"

#include <catch2/catch.hpp>

using namespace binfmt;

TEST_CASE("hex round trip", "[bytes]") {
    Bytes b{0x7f, 'E', 'L', 'F', 0x00, 0xff};
    CHECK(to_hex(b) == "7f454c4600ff");
    CHECK(from_hex("7f454c4600FF") == b);
    CHECK_FALSE(from_hex("abc"));
    CHECK_FALSE(from_hex("zz"));
}

TEST_CASE("config escapes", "[bytes]") {
    std::string err;
    CHECK(unescape("\\x1bLua", err) == Bytes{0x1b, 'L', 'u', 'a'});
    CHECK(unescape("a\\\\b", err) == Bytes{'a', '\\', 'b'});
    CHECK(unescape("\\X1b", err) == std::nullopt);
    CHECK(err.find("\\X1b") != std::string::npos);
    CHECK(unescape("\\x1", err) == std::nullopt);
    CHECK(unescape("\\xg0", err) == std::nullopt);
}

TEST_CASE("escape_all and printable", "[bytes]") {
    CHECK(escape_all({0x3a, 0x00}) == "\\x3a\\x00");
    CHECK(printable({0x1b, 'L', 'u', 'a', '\\'}) == "\\x1bLua\\x5c");
}
