#include "api_error.hpp"
#include "config.hpp"
#include "spec.hpp"
#include "spec_decode.hpp"

#include <catch2/catch.hpp>

using namespace binfmt;

TEST_CASE("a D-Bus style spec builds the same entry as TOML", "[spec]") {
    Spec spec{{"magic", Bytes{0x1b, 'L', 'u', 'a'}},
              {"mask", Bytes{0xff, 0xff, 0xff, 0xff}},
              {"interpreter", std::string("/usr/bin/lua")},
              {"fix-binary", true}};
    Entry e;
    std::vector<SpecProblem> problems;
    REQUIRE(entry_from_spec("lua", spec, e, problems));
    CHECK(e.flags.kernel_string() == "F");
    CHECK(e.magic.size() == 4);
}

TEST_CASE("spec problems name the key", "[spec]") {
    Entry e;
    std::vector<SpecProblem> problems;
    Spec spec{{"magic", std::string("text")}, {"interpreter", std::string("/bin/x")}, {"bogus", true}};
    CHECK_FALSE(entry_from_spec("x", spec, e, problems));
    REQUIRE(problems.size() == 2);
    CHECK(problems[0].key == "bogus");
    CHECK(problems[1].key == "magic");
    CHECK(problems[1].message == "`magic` must be bytes");
}

TEST_CASE("to_toml round-trips through the loader", "[spec]") {
    Entry e;
    e.name = "weird.name";
    e.magic = {0x00, '\'', '\\', 'A', 0xff};
    e.mask = {0xff, 0xff, 0xff, 0xff, 0x0f};
    e.offset = 7;
    e.interpreter = "/opt/a \"quoted\"/x";
    e.flags.credentials = true;
    e.enabled = false;
    std::vector<Entry> out;
    std::vector<std::string> invalid;
    std::vector<Diagnostic> diags;
    REQUIRE(parse_config_text(to_toml(e), "mem.toml", out, invalid, diags));
    INFO(to_toml(e));
    REQUIRE(out.size() == 1);
    CHECK(out[0].name == e.name);
    CHECK(out[0].magic == e.magic);
    CHECK(out[0].mask == e.mask);
    CHECK(out[0].offset == 7);
    CHECK(out[0].interpreter == e.interpreter);
    CHECK(out[0].flags == e.flags);
    CHECK_FALSE(out[0].enabled);

    Entry p;
    p.name = "qemu-arm";
    p.preset = "qemu-arm";
    p.flags = {true, true, false, false}; // preset default POF minus F
    out.clear();
    REQUIRE(parse_config_text(to_toml(p), "mem.toml", out, invalid, diags));
    REQUIRE(out.size() == 1);
    CHECK(out[0].flags.kernel_string() == "PO");
    CHECK(to_toml(p).find("fix-binary = false") != std::string::npos);
}

TEST_CASE("to_spec round-trips through entry_from_spec", "[spec]") {
    Entry p;
    p.name = "qemu-arm";
    p.preset = "qemu-arm";
    p.interpreter = "/usr/bin/qemu-arm-static";
    p.flags = {false, true, false, true};
    Entry back;
    std::vector<SpecProblem> problems;
    REQUIRE(entry_from_spec("qemu-arm", to_spec(p), back, problems));
    CHECK(back.flags == p.flags);
    CHECK(back.interpreter == p.interpreter);
    CHECK(std::get<bool>(to_spec(p).at("preserve-argv0")) == false);
}

TEST_CASE("priority: any int32, carried by TOML, the spec and back", "[spec][priority]") {
    std::vector<Entry> out;
    std::vector<std::string> invalid;
    std::vector<Diagnostic> diags;
    REQUIRE(parse_config_text("[lo]\nextension = \"a\"\ninterpreter = \"/bin/x\"\npriority = -2147483648\n"
                              "[hi]\nextension = \"b\"\ninterpreter = \"/bin/x\"\npriority = 2147483647\n"
                              "[none]\nextension = \"c\"\ninterpreter = \"/bin/x\"\n",
                              "mem.toml", out, invalid, diags));
    REQUIRE(out.size() == 3);
    // A document's tables come sorted by name.
    REQUIRE(out[0].name == "hi");
    std::swap(out[0], out[1]);
    CHECK(out[0].priority == -2147483648);
    CHECK(out[1].priority == 2147483647);
    CHECK(out[2].priority == 0);
    CHECK(diags.empty());
    // Written back as the daemon persists it (0 is the default and left out), and as binfmtctl sends it.
    CHECK(to_toml(out[0]).find("priority = -2147483648\n") != std::string::npos);
    CHECK(to_toml(out[2]).find("priority") == std::string::npos);
    CHECK(std::get<std::int32_t>(to_spec(out[1]).at("priority")) == 2147483647);
    CHECK_FALSE(to_spec(out[2]).count("priority"));
    Entry back;
    std::vector<SpecProblem> problems;
    REQUIRE(entry_from_spec("lo", to_spec(out[0]), back, problems));
    CHECK(back.priority == -2147483648);
}

TEST_CASE("priority: out of range or not an integer names the value and the range", "[spec][priority]") {
    std::vector<Entry> out;
    std::vector<std::string> invalid;
    std::vector<Diagnostic> diags;
    REQUIRE(parse_config_text("[big]\nextension = \"a\"\ninterpreter = \"/bin/x\"\npriority = 2147483648\n"
                              "[small]\nextension = \"b\"\ninterpreter = \"/bin/x\"\npriority = -2147483649\n"
                              "[text]\nextension = \"c\"\ninterpreter = \"/bin/x\"\npriority = \"high\"\n"
                              "[float]\nextension = \"d\"\ninterpreter = \"/bin/x\"\npriority = 1.5\n",
                              "mem.toml", out, invalid, diags));
    CHECK(out.empty());
    CHECK(invalid == std::vector<std::string>{"big", "float", "small", "text"});
    const std::string range = "(-2147483648 to 2147483647)";
    auto at = [&](std::string_view text, int line) {
        for (auto& d : diags)
            if (d.str().find(text) != std::string::npos && d.where.line == line && d.where.column == 1) return true;
        return false;
    };
    CHECK(at("mem.toml:4:1: [big] `priority` = 2147483648 is out of range " + range, 4));
    CHECK(at("[small] `priority` = -2147483649 is out of range " + range, 8));
    CHECK(at("[text] `priority` = 'high' is not an integer " + range, 12));
    CHECK(at("[float] `priority` = 1.5 is not an integer " + range, 16));

    // Over D-Bus the spec says int32 (i): another type is named as such.
    Entry e;
    std::vector<SpecProblem> problems;
    CHECK_FALSE(entry_from_spec("x",
                                {{"extension", std::string("x")},
                                 {"interpreter", std::string("/bin/x")},
                                 {"priority", std::uint32_t{5}}},
                                e, problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "priority");
    CHECK(problems[0].message == "`priority` must be a signed 32-bit integer (D-Bus type i)");
}

TEST_CASE("priority: Register's spec takes D-Bus i, and the error for another type lists i", "[spec][priority]") {
    const auto spec = binfmtd::decode_spec({{"priority", sdbus::Variant(std::int32_t{-7})},
                                            {"extension", sdbus::Variant(std::string("x"))}});
    CHECK(std::get<std::int32_t>(spec.at("priority")) == -7);
    try {
        binfmtd::decode_spec({{"priority", sdbus::Variant(std::int64_t{7})}});
        FAIL("decode_spec took an `x` value");
    } catch (const binfmtd::ApiError& e) {
        CHECK(e.code() == binfmtd::ApiError::Code::InvalidEntry);
        CHECK(std::string(e.what()) ==
              "spec key \"priority\" has D-Bus type \"x\"; use s, b, u, i or ay as documented");
    }
}
