#include "config.hpp"
#include "spec.hpp"

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
