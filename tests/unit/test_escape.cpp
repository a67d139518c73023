// Showing bytes from configuration, the kernel or D-Bus to a person: escape(), and the
// did-you-mean of unknown keys.
#include "did_you_mean.hpp"
#include "escape.hpp"
#include "matcher.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <string>

using namespace std::string_literals;

TEST_CASE("escape keeps printable text and escapes every control byte", "[escape]") {
    CHECK(binfmt::escape("qemu-aarch64") == "qemu-aarch64");
    CHECK(binfmt::escape("/usr/bin/qemu aarch64") == "/usr/bin/qemu aarch64");
    CHECK(binfmt::escape("a\n<0>b") == "a\\x0a<0>b");
    CHECK(binfmt::escape("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m");
    CHECK(binfmt::escape("tab\there\r") == "tab\\x09here\\x0d");
    CHECK(binfmt::escape("nul\0x"s) == "nul\\x00x");
    CHECK(binfmt::escape("del\x7f") == "del\\x7f");
    // A backslash is escaped too: "a\x0a" written out is not the same string as "a" + newline.
    CHECK(binfmt::escape("a\\x0a") == "a\\\\x0a");
    CHECK(binfmt::escape("a\\x0a") != binfmt::escape("a\n"));
}

TEST_CASE("escape keeps printable UTF-8 and escapes C1, bidi controls and invalid bytes", "[escape]") {
    CHECK(binfmt::escape("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7") == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7");
    CHECK(binfmt::escape("csi\xc2\x9b"
                         "31m") == "csi\\xc2\\x9b31m"); // U+009B, the C1 CSI
    CHECK(binfmt::escape("abc\xe2\x80\xae"
                         "fdp.exe") == "abc\\xe2\\x80\\xaefdp.exe");          // U+202E
    CHECK(binfmt::escape("line\xe2\x80\xa8sep") == "line\\xe2\\x80\\xa8sep"); // U+2028
    CHECK(binfmt::escape("bad\xff\xfe") == "bad\\xff\\xfe");
    CHECK(binfmt::escape("cut\xc3") == "cut\\xc3");                    // truncated sequence
    CHECK(binfmt::escape("overlong\xc0\xaf") == "overlong\\xc0\\xaf"); // overlong '/'
    CHECK(binfmt::escape("surrogate\xed\xa0\x80") == "surrogate\\xed\\xa0\\x80");
    CHECK(binfmt::in_quotes("a\"\n") == "\"a\"\\x0a\"");
}

TEST_CASE("escape_text escapes like escape but keeps backslashes", "[escape]") {
    CHECK(binfmt::escape_text("magic \"\\x7fELF\"") == "magic \"\\x7fELF\"");
    CHECK(binfmt::escape_text("name\n<0>forged") == "name\\x0a<0>forged");
    CHECK(binfmt::escape_text("\x1b]0;title\x07") == "\\x1b]0;title\\x07");
    CHECK(binfmt::escape_text("\xff") == "\\xff");
}

TEST_CASE("valid_utf8 tells what a D-Bus or JSON string may carry", "[escape]") {
    CHECK(binfmt::valid_utf8(""));
    CHECK(binfmt::valid_utf8("plain"));
    CHECK(binfmt::valid_utf8("caf\xc3\xa9"));
    CHECK_FALSE(binfmt::valid_utf8("caf\xe9"));
    CHECK_FALSE(binfmt::valid_utf8("\xf4\x90\x80\x80")); // above U+10FFFF
}

TEST_CASE("resolve_name sends what extension matching needs of a name that is not UTF-8", "[escape]") {
    CHECK(binfmt::resolve_name("/tmp/hello.pyc") == "/tmp/hello.pyc");
    CHECK(binfmt::resolve_name("/tmp/caf\xe9.pyc") == ".pyc");
    CHECK(binfmt::resolve_name("/tmp/x\xff") == "");
    CHECK(binfmt::resolve_name("/tmp/a.b\xff") == "");
    CHECK(binfmt::resolve_name("/tmp/\xff.d/file") == ".d/file"); // the kernel's last '.' too
}

TEST_CASE("edit distance counts insertions, deletions, substitutions and swaps", "[did-you-mean]") {
    CHECK(binfmt::edit_distance("", "") == 0);
    CHECK(binfmt::edit_distance("magic", "magic") == 0);
    CHECK(binfmt::edit_distance("interpeter", "interpreter") == 1);
    CHECK(binfmt::edit_distance("mgaic", "magic") == 1);
    CHECK(binfmt::edit_distance("masks", "mask") == 1);
    CHECK(binfmt::edit_distance("ofset", "offset") == 1);
    CHECK(binfmt::edit_distance("kitten", "sitting") == 3);
    CHECK(binfmt::edit_distance("", "abc") == 3);
}

TEST_CASE("closest suggests a near key only", "[did-you-mean]") {
    constexpr std::array<std::string_view, 5> keys{"magic", "mask", "offset", "interpreter", "fix-binary"};
    CHECK(binfmt::closest("interpeter", keys) == "interpreter");
    CHECK(binfmt::closest("mgaic", keys) == "magic");
    CHECK(binfmt::closest("fix_binary", keys) == "fix-binary");
    CHECK(binfmt::closest("offst", keys) == "offset");
    CHECK(binfmt::closest("colour", keys).empty());
    CHECK(binfmt::closest("ma", keys).empty()); // 2 edits from "mask" is most of the word
}
