// Regression tests from the hardening work: inputs the fuzzers (tests/fuzz) and the
// hostile-caller scenarios (tests/hardening) found interesting, kept so every build checks
// them, not only the clang fuzz build. The register strings are checked against the same
// model of the kernel's parser the round-trip fuzzer uses (tests/fuzz/kernel_register_parser.hpp).
#include "api_error.hpp"
#include "atomic_file.hpp"
#include "config.hpp"
#include "definitions.hpp"
#include "kernel_entry.hpp"
#include "kernel_register_parser.hpp"
#include "register_string.hpp"
#include "spec.hpp"
#include "spec_decode.hpp"
#include "state_store.hpp"
#include "validate.hpp"

#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace binfmt;
namespace fs = std::filesystem;

namespace {

Entry magic_entry(std::string name, Bytes magic, Bytes mask, std::uint32_t offset, std::string interpreter) {
    Entry e;
    e.name = std::move(name);
    e.kind = Kind::Magic;
    e.magic = std::move(magic);
    e.mask = std::move(mask);
    e.offset = offset;
    e.interpreter = std::move(interpreter);
    return e;
}

Entry extension_entry(std::string name, std::string extension, std::string interpreter) {
    Entry e;
    e.name = std::move(name);
    e.kind = Kind::Extension;
    e.extension = std::move(extension);
    e.interpreter = std::move(interpreter);
    return e;
}

// What the kernel would read from the register string must be the entry itself.
void check_kernel_reads_back(const Entry& e) {
    INFO("entry " << e.name);
    REQUIRE(validate(e).empty());
    auto reg = encode_register(e);
    REQUIRE(reg);
    INFO("register string " << *reg);
    CHECK(reg->size() <= kMaxRegisterLength);
    auto k = kmodel::parse_register(*reg);
    REQUIRE(k);
    CHECK(k->name == e.name);
    CHECK(k->interpreter == e.interpreter);
    CHECK(k->P == e.flags.preserve_argv0);
    CHECK(k->O == (e.flags.open_binary || e.flags.credentials));
    CHECK(k->C == e.flags.credentials);
    CHECK(k->F == e.flags.fix_binary);
    if (e.kind == Kind::Magic) {
        REQUIRE(k->magic);
        CHECK(static_cast<std::uint32_t>(k->offset) == e.offset);
        CHECK(k->magic_bytes == e.magic);
        if (e.mask.empty()) CHECK_FALSE(k->mask);
        else CHECK(k->mask == std::optional<std::vector<std::uint8_t>>(e.mask));
    } else {
        REQUIRE_FALSE(k->magic);
        CHECK(k->extension == e.extension);
    }
}

void check_toml_reads_back(const Entry& e) {
    std::vector<Entry> out;
    std::vector<std::string> invalid;
    std::vector<Diagnostic> diags;
    INFO(to_toml(e));
    REQUIRE(parse_config_text(to_toml(e), "mem.toml", out, invalid, diags));
    REQUIRE(out.size() == 1);
    CHECK(out[0].name == e.name);
    CHECK(out[0].kind == e.kind);
    CHECK(out[0].magic == e.magic);
    CHECK(out[0].mask == e.mask);
    CHECK(out[0].offset == e.offset);
    CHECK(out[0].extension == e.extension);
    CHECK(out[0].interpreter == e.interpreter);
    CHECK(out[0].flags == e.flags);
}

} // namespace

TEST_CASE("register strings the kernel reads back exactly: delimiters, escapes, limits", "[regression]") {
    // Bytes that look like the escape syntax or a delimiter, raw in magic and mask.
    check_kernel_reads_back(magic_entry("esc", {'\\', 'x', '4', '1', ':', '\\', '\\', 0x00, 0xff}, {}, 0, "/bin/x"));
    check_kernel_reads_back(magic_entry("masked", {':', '|', ','}, {0xff, 0x00, '\\'}, 253, "/usr/bin/with:colon"));
    // The largest offset the kernel allows for a one-byte magic, and a 256-byte magic at 0.
    check_kernel_reads_back(magic_entry("last-byte", {0x42}, {}, 255, "/bin/x"));
    check_kernel_reads_back(magic_entry("full-head", Bytes(256, 0x5c), {}, 0, "/bin/x"));
    // Names and interpreters using all delimiter candidates but one: the encoder must find it.
    check_kernel_reads_back(extension_entry(":|,;!#%@^~=+&", "x", "/bin/x"));
    check_kernel_reads_back(extension_entry("n", "back\\slash", "/opt/:|,;!#%@^~=+&/i"));
    Entry flags = extension_entry("flags", "f", "/bin/f");
    flags.flags = {true, false, true, true};
    check_kernel_reads_back(flags);
}

TEST_CASE("a register string over the kernel's 1920 bytes is refused before writing", "[regression]") {
    // 256 escaped bytes of magic and mask take 2048 bytes: the kernel would say EINVAL.
    Entry e = magic_entry("too-long", Bytes(256, 1), Bytes(256, 0xff), 0, "/bin/x");
    auto problems = validate(e);
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0], Catch::Contains("register string is") && Catch::Contains("1920"));
    // And a 1 MiB interpreter (a hostile D-Bus caller) is refused the same way, quoting no megabyte.
    Entry huge = extension_entry("huge", "h", "/" + std::string(1 << 20, 'a'));
    problems = validate(huge);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].size() < 200);
}

TEST_CASE("entry names the daemon writes as NAME.toml stay within a file name", "[regression]") {
    // check_name allows 255 bytes, the kernel's limit for an entry file; a runtime or persistent
    // definition is NAME.toml, 5 bytes more. See the hostile_dbus scenario.
    CHECK(check_name(std::string(255, 'n')).empty());
    CHECK_FALSE(check_name(std::string(256, 'n')).empty());
    for (std::string bad : {"", ".", "..", "register", "status", "a/b", "a b", "a\nb"})
        CHECK_FALSE(check_name(bad).empty());
}

TEST_CASE("odd but valid definitions survive the TOML binfmtd persists", "[regression]") {
    check_toml_reads_back(magic_entry("q'uote\"d", {'\'', '\'', '\'', '"', '\\'}, {}, 3, "/opt/\"x\"/'y'"));
    check_toml_reads_back(extension_entry("ünïcode-😀", "é", "/usr/bin/ü"));
    check_toml_reads_back(magic_entry("zero-mask", {0, 0}, {0, 0}, 0, "/bin/x"));
}

TEST_CASE("kernel entry files: lines the kernel never prints for the kind are tolerated", "[regression]") {
    // Found by fuzz_kernel_entry: a mask line in an extension entry decodes (and is ignored by
    // Entry::same_registration); the decoder is lenient, not wrong.
    std::string error;
    auto ke = decode_kernel_entry("x", "enabled\ninterpreter /bin/x\nflags: \nextension .e\nmask 00ff\n", error);
    REQUIRE(ke);
    CHECK(ke->entry.kind == Kind::Extension);
    Entry plain = extension_entry("x", "e", "/bin/x");
    CHECK(ke->entry.same_registration(plain));
    // Truncated or corrupt files are refused with a reason, never half-read.
    for (std::string bad : {"", "enabled\n", "enabled\ninterpreter /x\nflags: Z\nextension .e\n",
                            "enabled\ninterpreter /x\nmagic 7\n", "enabled\ninterpreter /x\noffset -1\nmagic 00\n",
                            "enabled\ninterpreter /x\noffset 99999999999\nmagic 00\n"}) {
        INFO(bad);
        error.clear();
        CHECK_FALSE(decode_kernel_entry("x", bad, error));
        CHECK_FALSE(error.empty());
    }
}

// ---- daemon bugs found by the hardening scenarios (tests/hardening/test_found_bugs.sh) ---------

namespace {
// Well-formed UTF-8: what sd-bus demands of every string, error messages included.
bool utf8_ok(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : 9;
        if (n == 9 || i + n >= s.size()) return false;
        for (std::size_t k = 1; k <= n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
        i += n + 1;
    }
    return true;
}

void write(const fs::path& p, const std::string& content) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
}
} // namespace

TEST_CASE("an error message never cuts a caller's UTF-8 string in the middle of a character", "[regression]") {
    // Bug: "unknown option" and "spec key ... has D-Bus type" quoted key.substr(0, 64); with a
    // 2-byte character across byte 64 the message was not UTF-8, sd-bus could not send the
    // error, and the caller got no reply at all (a 25 s timeout), root or not.
    const std::string key = std::string(63, 'a') + "\xc3\xa9" + std::string(10, 'b');
    CHECK(utf8_ok(binfmtd::shorten(key)));
    CHECK(binfmtd::shorten(key).find("(75 bytes)") != std::string::npos);
    CHECK(utf8_ok(binfmtd::shorten(std::string(62, 'a') + "\xf0\x9f\x98\x80" + "z")));
    CHECK(binfmtd::shorten("short") == "short");
    std::map<std::string, sdbus::Variant> spec{{key, sdbus::Variant(std::vector<std::string>{"x"})}};
    try {
        binfmtd::decode_spec(spec);
        FAIL("decode_spec took an `as` value");
    } catch (const binfmtd::ApiError& e) {
        CHECK(e.code() == binfmtd::ApiError::Code::InvalidEntry);
        CHECK(utf8_ok(e.what()));
        CHECK(std::string(e.what()).size() < 200);
    }
}

TEST_CASE("a write's temporary file name stays within NAME_MAX", "[regression]") {
    // Bug: write_file_atomic used ".NAME.toml.XXXXXX", 8 bytes over NAME.toml: Register of a
    // valid 243-250 byte name failed with ReadOnly ("File name too long").
    const std::string longest(binfmtd::DefinitionFiles::kMaxName, 'n');
    CHECK((longest + ".toml").size() == 255);
    CHECK(binfmtd::temporary_name(longest + ".toml").size() == 255);
    CHECK(binfmtd::temporary_name("x.toml") == ".x.toml.XXXXXX");
    unit::TempTree t;
    const fs::path target = t.dir / (longest + ".toml");
    REQUIRE(binfmtd::write_file_atomic(target.string(), "content\n").ok());
    std::ifstream in(target);
    std::string line;
    std::getline(in, line);
    CHECK(line == "content");
    CHECK(std::distance(fs::directory_iterator(t.dir), fs::directory_iterator()) == 1); // no temporary left
}

TEST_CASE("binfmtd removes the temporaries an interrupted write left, and nothing else", "[regression]") {
    // Bug: a SIGKILL between mkostemp and rename left ".NAME.toml.XXXXXX" in /etc/binfmtd.d for good.
    unit::TempTree t;
    const fs::path etc = t.dir / "etc/binfmtd.d", run = t.dir / "run/binfmtd.d";
    const std::string marker = "# Written by binfmtd (org.binfmtd1.Manager.Register).\n";
    write(etc / ".a.toml.Ab3dE9", "");                                  // killed before any write
    write(etc / ".b.toml.x0x0x0", marker.substr(0, 10));                // killed mid-write
    write(run / ".c.toml.QQQQQQ", marker + "[c]\nextension = \"c\"\n"); // killed before rename
    write(run / ("." + std::string(247, 'l') + ".Zz9Zz9"), marker);     // a cut long name
    // Not binfmtd's: an administrator's hidden files, other names, a real definition.
    write(etc / ".admin.toml.bak", marker);
    write(etc / ".d.toml.ABCDEF", "[d]\nextension = \"d\"\n");
    write(etc / ".e.conf.ABCDEF", "");
    write(etc / "f.toml", marker);
    fs::create_directories(etc / ".g.toml.ABCDEF");
    auto removed = binfmtd::DefinitionFiles(t.dir.string()).remove_stale_temporaries();
    CHECK(removed.size() == 4);
    CHECK_FALSE(fs::exists(etc / ".a.toml.Ab3dE9"));
    CHECK_FALSE(fs::exists(etc / ".b.toml.x0x0x0"));
    CHECK_FALSE(fs::exists(run / ".c.toml.QQQQQQ"));
    CHECK_FALSE(fs::exists(run / ("." + std::string(247, 'l') + ".Zz9Zz9")));
    for (auto kept : {".admin.toml.bak", ".d.toml.ABCDEF", ".e.conf.ABCDEF", "f.toml", ".g.toml.ABCDEF"}) {
        INFO(kept);
        CHECK(fs::exists(etc / kept));
    }
    // Missing directories are no error.
    unit::TempTree empty;
    CHECK(binfmtd::DefinitionFiles(empty.dir.string()).remove_stale_temporaries().empty());
}

TEST_CASE("every string binfmtd sends over D-Bus is valid UTF-8, whatever the kernel holds", "[regression]") {
    // Bug: a foreign entry named "odd\xff" (the kernel takes any bytes but '/') made sd-bus
    // refuse the EntryChanged signal, and the exception stopped binfmtd.
    CHECK(binfmtd::for_dbus("plain-name") == "plain-name");
    CHECK(binfmtd::for_dbus("ünïcode-😀") == "ünïcode-😀");
    CHECK(binfmtd::for_dbus("odd\xff") == "odd\\xff");
    CHECK(binfmtd::for_dbus("/usr/bin/\xfe\xc3") == "/usr/bin/\\xfe\\xc3"); // a cut 2-byte sequence
    CHECK(binfmtd::for_dbus("\xc0\xaf") == "\\xc0\\xaf");                   // overlong '/'
    CHECK(binfmtd::for_dbus("\xed\xa0\x80") == "\\xed\\xa0\\x80");          // a UTF-16 surrogate
    CHECK(binfmtd::for_dbus(std::string("a\0b", 3)) == "a\\x00b");          // D-Bus strings hold no NUL
    for (int c = 0; c < 256; ++c) {
        const std::string one(1, static_cast<char>(c));
        INFO(c);
        CHECK(utf8_ok(binfmtd::for_dbus(one + "\xe2\x82")));
    }
}

TEST_CASE("the state file takes origins that are not UTF-8, and its stale temporaries go", "[regression]") {
    // Bug: a configuration file named "odd\xff.toml" made the JSON writer throw on every
    // reconcile: binfmtd did not start.
    unit::TempTree t;
    binfmtd::StateStore store(t.dir.string());
    binfmtd::RuntimeState state;
    state.owned["oddfile"] = {"oddfile", (t.dir / "etc/binfmtd.d/odd\xff.toml").string(), "", ":oddfile:E::x::/bin/x:"};
    REQUIRE(store.save(state).ok());
    auto loaded = store.load();
    REQUIRE(loaded.ok());
    auto back = loaded.value();
    REQUIRE(back.owned.count("oddfile"));
    CHECK(back.owned["oddfile"].registration == ":oddfile:E::x::/bin/x:");
    CHECK(utf8_ok(back.owned["oddfile"].origin));
    // A save a crash cut short leaves .state.json.XXXXXX in binfmtd's own directory.
    write(t.dir / "run/binfmtd/.state.json.a1B2c3", "{\"ver");
    write(t.dir / "run/binfmtd/.other.json.a1B2c3", "");
    CHECK(store.remove_stale_temporaries().size() == 1);
    CHECK_FALSE(fs::exists(t.dir / "run/binfmtd/.state.json.a1B2c3"));
    CHECK(fs::exists(t.dir / "run/binfmtd/.other.json.a1B2c3"));
    CHECK(fs::exists(t.dir / "run/binfmtd/state.json"));
}
