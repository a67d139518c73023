#include "binfmt_d.hpp"
#include "has_diag.hpp"
#include "kernel_register_parser.hpp"
#include "register_line.hpp"

#include <catch2/catch.hpp>

using namespace binfmt;
using unit::has_diag;

namespace {} // namespace

TEST_CASE("register lines are read with the kernel's rules", "[binfmt_d]") {
    auto r = parse_register_line(
        R"(:qemu-aarch64:M::\x7f\x45\x4c\x46\x02\x01:\xff\xff\xff\xff\xff\x00:/usr/libexec/qemu-binfmt/aarch64-binfmt-P:OPF)");
    REQUIRE(r.ok);
    CHECK(r.entry.name == "qemu-aarch64");
    CHECK(r.entry.kind == Kind::Magic);
    CHECK(r.entry.magic == Bytes{0x7f, 'E', 'L', 'F', 2, 1});
    CHECK(r.entry.mask == Bytes{0xff, 0xff, 0xff, 0xff, 0xff, 0});
    CHECK(r.entry.interpreter == "/usr/libexec/qemu-binfmt/aarch64-binfmt-P");
    CHECK(r.entry.flags.kernel_string() == "POF");

    r = parse_register_line(":llvm:M::BC::/usr/bin/lli-14:");
    REQUIRE(r.ok);
    CHECK(r.entry.magic == Bytes{'B', 'C'});
    CHECK(r.entry.mask.empty());
    CHECK(r.entry.flags.kernel_string().empty());

    r = parse_register_line("|pyc|E|ignored|pyc|ignored|/usr/bin/python3|C");
    REQUIRE(r.ok);
    CHECK(r.entry.kind == Kind::Extension);
    CHECK(r.entry.extension == "pyc");
    CHECK(r.entry.flags.kernel_string() == "OC");

    r = parse_register_line(":off:M:+12:ab\\\\x41::/bin/x:");
    REQUIRE(r.ok);
    CHECK(r.entry.offset == 12);
    CHECK(r.entry.magic == Bytes{'a', 'b', '\\', '\\', 'x', '4', '1'}); // a doubled backslash is no escape
}

TEST_CASE("a register line the kernel refuses is refused at its field", "[binfmt_d]") {
    struct Case {
        const char* line;
        std::size_t column;
        const char* says;
    } cases[] = {
        {":x:Q::ab::/bin/x:", 4, "type 'Q'"},
        {":x:M:-1:ab::/bin/x:", 6, "offset \"-1\""},
        {":x:M::ab\\x4::/bin/x:", 9, "two hex digits"},
        {":x:M::ab:\\xff::/bin/x:", 10, "mask is 1 bytes"},
        {":x:M::::/bin/x:", 7, "magic is empty"},
        {":x:M::ab:::", 11, "interpreter is empty"},
        {":x:M::ab::/bin/x", 11, "no ':' after the interpreter"},
        {":x:M::ab::/bin/x:PQ", 19, "flag 'Q'"},
        {":a/b:M::ab::/bin/x:", 2, "not a file name"},
        {":x:E::a/b::/bin/x:", 7, "extension \"a/b\""},
        {":x:M:250:abcdefgh::/bin/x:", 10, "exceeds the 256 bytes"},
        {":short:", 1, "too short"},
    };
    for (auto& c : cases) {
        INFO(c.line);
        const auto r = parse_register_line(c.line);
        CHECK_FALSE(r.ok);
        CHECK(r.column == c.column);
        CHECK(r.error.find(c.says) != std::string::npos);
        // The kernel's model agrees that it is refused.
        CHECK_FALSE(kmodel::parse_register(std::string(c.line) + "\n").has_value());
    }
}

TEST_CASE("binfmt.d files: comments, whitespace, line and column of each problem", "[binfmt_d]") {
    std::vector<Diagnostic> diags;
    const auto defs = parse_binfmt_d_text("# a comment\n"
                                          "; another\n"
                                          "\n"
                                          "   :one:M::ab::/bin/one:  \r\n"
                                          ":two:M::\\xZZ::/bin/two:\n"
                                          ":one:E::one::/bin/one2:F\n"
                                          "garbage\n",
                                          "/etc/binfmt.d/t.conf", diags);
    REQUIRE(defs.size() == 3); // "garbage" names nothing that can be an entry
    CHECK(defs[0].valid);
    CHECK(defs[0].entry.origin.str() == "/etc/binfmt.d/t.conf:4:4");
    CHECK(defs[0].entry.source == Source::BinfmtD);
    CHECK_FALSE(defs[1].valid);
    CHECK(defs[1].entry.name == "two");
    CHECK(defs[2].valid);
    CHECK(defs[2].entry.name == "one");
    CHECK(defs[2].entry.extension == "one");
    CHECK(has_diag(diags, "[two] \"\\x\" must be followed by two hex digits", 5, 9));
    CHECK(has_diag(diags, "too short", 7, 1));
}

TEST_CASE("binfmt.d lines get binfmtd's own checks too", "[binfmt_d]") {
    std::vector<Diagnostic> diags;
    const auto defs = parse_binfmt_d_text(":register:M::ab::/bin/x:\n:rel:M::ab::bin/x:\n", "/f.conf", diags);
    CHECK(defs.size() == 1); // "register" cannot even be an entry's name
    CHECK_FALSE(defs[0].valid);
    CHECK(has_diag(diags, "[register] entry name \"register\" is reserved", 1, 1));
    CHECK(has_diag(diags, "[rel] interpreter \"bin/x\" is not an absolute path", 2, 1));
}

TEST_CASE("a line the kernel takes but binfmtd cannot carry (not UTF-8) is refused", "[binfmt_d]") {
    std::vector<Diagnostic> diags;
    const auto defs = parse_binfmt_d_text(":x:M::ab::/usr/bin/py\xff:\n:\xc3(:M::ab::/bin/y:\n", "/f.conf", diags);
    REQUIRE(defs.size() == 2);
    CHECK_FALSE(defs[0].valid);
    CHECK(has_diag(diags, "[x] the interpreter \"/usr/bin/py\\xff\" is not UTF-8", 1, 1));
    CHECK_FALSE(defs[1].valid);
    CHECK(defs[1].entry.name == "\\xc3(");
    // Shown escaped once more: the backslash of that stand-in name is itself escaped.
    CHECK(has_diag(diags, "[\\\\xc3(] the entry name \"\\xc3(\" is not UTF-8", 2, 1));
}
