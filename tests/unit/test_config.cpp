#include "config.hpp"
#include "config_file.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

using namespace binfmt;
namespace fs = std::filesystem;

namespace {
// A throwaway root with the four standard directories.
struct TempRoot {
    fs::path dir;
    TempRoot() {
        std::string tmpl = (fs::temp_directory_path() / "binfmtd-unit-XXXXXX").string();
        dir = ::mkdtemp(tmpl.data());
        for (auto& d : config_dirs(dir.string())) fs::create_directories(d);
    }
    ~TempRoot() { fs::remove_all(dir); }
    fs::path write(const std::string& rel, const std::string& text, mode_t mode = 0644) {
        fs::path p = dir / rel;
        std::ofstream(p) << text;
        ::chmod(p.c_str(), mode);
        return p;
    }
    Config load() const { return load_config_dirs(config_dirs(dir.string()), {}); }
};

const Entry* find(const Config& c, std::string_view name) {
    for (auto& e : c.entries)
        if (e.name == name) return &e;
    return nullptr;
}
bool has_diag(const Config& c, std::string_view text, int line = 0) {
    for (auto& d : c.diagnostics)
        if (d.str().find(text) != std::string::npos && (line == 0 || d.where.line == line)) return true;
    return false;
}
} // namespace

TEST_CASE("parses every kind of entry", "[config]") {
    TempRoot r;
    r.write("etc/binfmtd.d/a.toml", R"([qemu-aarch64]
preset = "qemu-aarch64"

[python-pyc]
extension = "pyc"
interpreter = "/usr/bin/python3"

[lua-bytecode]
magic = '\x1bLua'
mask = '\xff\xff\xff\xff'
offset = 0
interpreter = "/usr/bin/lua"
fix-binary = true
enabled = false
)");
    Config c = r.load();
    REQUIRE_FALSE(c.has_errors());
    REQUIRE(c.entries.size() == 3);
    const Entry* q = find(c, "qemu-aarch64");
    REQUIRE(q);
    CHECK(q->preset == "qemu-aarch64");
    CHECK(q->interpreter.empty());
    CHECK(q->flags.kernel_string() == "POF");
    CHECK(q->magic.size() == 20);
    const Entry* p = find(c, "python-pyc");
    REQUIRE(p);
    CHECK(p->kind == Kind::Extension);
    CHECK(p->extension == "pyc");
    const Entry* l = find(c, "lua-bytecode");
    REQUIRE(l);
    CHECK(l->magic == Bytes{0x1b, 'L', 'u', 'a'});
    CHECK(l->flags.kernel_string() == "F");
    CHECK_FALSE(l->enabled);
    CHECK(l->origin.line == 8);
}

TEST_CASE("preset flags can be overridden", "[config]") {
    TempRoot r;
    r.write("etc/binfmtd.d/a.toml", "[arm]\npreset = \"qemu-arm\"\npreserve-argv0 = false\n"
                                    "interpreter = \"/usr/bin/qemu-arm-static\"\n");
    Config c = r.load();
    REQUIRE(find(c, "arm"));
    CHECK(find(c, "arm")->flags.kernel_string() == "OF");
    CHECK(find(c, "arm")->interpreter == "/usr/bin/qemu-arm-static");
}

TEST_CASE("errors name file, line, column, entry and value", "[config]") {
    TempRoot r;
    auto bad = r.write("etc/binfmtd.d/bad.toml", "[x]\nmagic = 'AB'\nmaks = 'CD'\ninterpreter = \"/bin/x\"\n");
    r.write("etc/binfmtd.d/good.toml", "[y]\nextension = \"y\"\ninterpreter = \"/bin/y\"\n");
    Config c = r.load();
    CHECK(c.has_errors());
    CHECK(has_diag(c, bad.string() + ":3:1: [x] unknown key \"maks\"", 3));
    CHECK(find(c, "y"));
    CHECK_FALSE(find(c, "x"));
    REQUIRE(c.invalid_entries.size() == 1);
    CHECK(c.invalid_entries.begin()->first == "x");
    CHECK(c.invalid_entries.begin()->second.find("[x]") != std::string::npos); // the reason is the diagnostic
}

TEST_CASE("a syntax error breaks only its file", "[config]") {
    TempRoot r;
    auto bad = r.write("etc/binfmtd.d/bad.toml", "[x]\nextension = \"x\"\ninterpreter = \"/bin/x\n");
    r.write("etc/binfmtd.d/good.toml", "[y]\nextension = \"y\"\ninterpreter = \"/bin/y\"\n");
    Config c = r.load();
    CHECK(has_diag(c, "syntax error", 3));
    CHECK(c.broken_files == std::vector<std::string>{bad.string()});
    CHECK(find(c, "y"));
}

TEST_CASE("value errors", "[config]") {
    TempRoot r;
    r.write("etc/binfmtd.d/a.toml", R"([both]
magic = 'A'
extension = "b"
interpreter = "/bin/x"
[none]
interpreter = "/bin/x"
[badesc]
magic = '\q'
interpreter = "/bin/x"
[badpreset]
preset = "qemu-vax"
[badoffset]
magic = 'A'
offset = 300
interpreter = "/bin/x"
[badflag]
extension = "z"
interpreter = "/bin/x"
fix-binary = "yes"
[notatable]
[nested]
extension = 3
interpreter = "/bin/x"
)");
    Config c = r.load();
    CHECK(c.entries.empty());
    CHECK(has_diag(c, "[both] `magic`, `extension` and `preset` exclude each other"));
    CHECK(has_diag(c, "[none] needs one of"));
    CHECK(has_diag(c, "[badesc] magic \"\\q\": bad escape", 8));
    CHECK(has_diag(c, "unknown preset \"qemu-vax\"", 11));
    CHECK(has_diag(c, "`offset` = 300 is out of range (0 to 256)", 14));
    CHECK(has_diag(c, "`fix-binary` must be true or false", 19));
    CHECK(has_diag(c, "[nested] `extension` must be a string", 22));
}

TEST_CASE("directory precedence, same-name override and masking", "[config]") {
    TempRoot r;
    r.write("usr/lib/binfmtd.d/qemu.toml", "[a]\nextension = \"vendor\"\ninterpreter = \"/bin/x\"\n");
    r.write("etc/binfmtd.d/qemu.toml", "[a]\nextension = \"admin\"\ninterpreter = \"/bin/x\"\n");
    r.write("usr/lib/binfmtd.d/masked.toml", "[m]\nextension = \"m\"\ninterpreter = \"/bin/x\"\n");
    fs::create_symlink("/dev/null", r.dir / "etc/binfmtd.d/masked.toml");
    r.write("usr/lib/binfmtd.d/empty.toml", "[e]\nextension = \"e\"\ninterpreter = \"/bin/x\"\n");
    r.write("run/binfmtd.d/empty.toml", "");
    Config c = r.load();
    REQUIRE(find(c, "a"));
    CHECK(find(c, "a")->extension == "admin");
    CHECK_FALSE(find(c, "m"));
    CHECK_FALSE(find(c, "e"));
    CHECK_FALSE(c.has_errors());
}

TEST_CASE("entry-level precedence across files", "[config]") {
    TempRoot r;
    r.write("usr/lib/binfmtd.d/10-vendor.toml", "[a]\nextension = \"vendor\"\ninterpreter = \"/bin/x\"\n");
    r.write("etc/binfmtd.d/50-admin.toml", "[a]\nextension = \"admin\"\ninterpreter = \"/bin/x\"\n");
    r.write("etc/binfmtd.d/10-first.toml", "[b]\nextension = \"first\"\ninterpreter = \"/bin/x\"\n");
    r.write("etc/binfmtd.d/90-last.toml", "[b]\nextension = \"last\"\ninterpreter = \"/bin/x\"\n");
    Config c = r.load();
    CHECK(find(c, "a")->extension == "admin");
    CHECK(find(c, "b")->extension == "last");
    CHECK(has_diag(c, "[a] overridden by the definition in"));
}

TEST_CASE("files others could write are ignored", "[config]") {
    TempRoot r;
    r.write("etc/binfmtd.d/open.toml", "[o]\nextension = \"o\"\ninterpreter = \"/bin/x\"\n", 0666);
    Config c = r.load();
    CHECK_FALSE(find(c, "o"));
    CHECK(has_diag(c, "writable by group or others (mode 0666), ignoring"));
    LoadOptions trusting;
    trusting.check_trust = false;
    CHECK(load_config_dirs(config_dirs(r.dir.string()), trusting).entries.size() == 1);
}

TEST_CASE("files that are not regular are refused without blocking", "[config]") {
    // A FIFO named *.toml blocked the loader forever (no D-Bus answers, no restore after a flush).
    TempRoot r;
    r.write("etc/binfmtd.d/good.toml", "[g]\nextension = \"g\"\ninterpreter = \"/bin/x\"\n");
    REQUIRE(::mkfifo((r.dir / "etc/binfmtd.d/fifo.toml").c_str(), 0644) == 0);
    fs::create_directories(r.dir / "run/binfmtd.d/dir.toml");
    fs::create_symlink("/dev/zero", r.dir / "usr/lib/binfmtd.d/zero.toml");
    Config c = r.load();
    CHECK(find(c, "g"));
    CHECK(c.has_errors());
    CHECK(has_diag(c, "fifo.toml: is a FIFO, not a regular file, ignoring"));
    CHECK(has_diag(c, "dir.toml: is a directory, not a regular file, ignoring"));
    CHECK(has_diag(c, "zero.toml: is a character device, not a regular file, ignoring"));
    CHECK(c.broken_files.size() == 3);
    // binfmtctl validate FILE|DIR takes the same path.
    Config v = load_config_paths({(r.dir / "etc/binfmtd.d").string(), (r.dir / "etc/binfmtd.d/fifo.toml").string()},
                                 {.check_trust = false});
    CHECK(find(v, "g"));
    CHECK(has_diag(v, "is a FIFO, not a regular file"));
}

TEST_CASE("a configuration file larger than 1 MiB is refused", "[config]") {
    TempRoot r;
    std::string big = "[big]\nextension = \"b\"\ninterpreter = \"/bin/x\"\n";
    big += "# " + std::string(kMaxConfigFileSize, 'x') + "\n";
    r.write("etc/binfmtd.d/big.toml", big);
    Config c = r.load();
    CHECK_FALSE(find(c, "big"));
    CHECK(has_diag(c, "more than a configuration file may have"));
}

TEST_CASE("the trust rules judge the file that is read, through a symlink too", "[config]") {
    TempRoot r;
    // A symlink in a trusted directory to a file others can write: what would be read is judged.
    auto open = r.write("open-target.toml", "[o]\nextension = \"o\"\ninterpreter = \"/bin/x\"\n", 0666);
    fs::create_symlink(open, r.dir / "etc/binfmtd.d/link.toml");
    auto fine = r.write("fine-target.toml", "[f]\nextension = \"f\"\ninterpreter = \"/bin/x\"\n", 0644);
    fs::create_symlink(fine, r.dir / "etc/binfmtd.d/fine.toml");
    Config c = r.load();
    CHECK_FALSE(find(c, "o"));
    CHECK(has_diag(c, "link.toml: writable by group or others (mode 0666), ignoring"));
    CHECK(find(c, "f"));
}

namespace {
// The diagnostic whose text holds `text`, or nullptr.
const Diagnostic* diag(const Config& c, std::string_view text) {
    for (auto& d : c.diagnostics)
        if (d.str().find(text) != std::string::npos) return &d;
    return nullptr;
}
} // namespace

TEST_CASE("a semantic error points at its key's line and column, not the table header", "[config][positions]") {
    TempRoot r;
    r.write("etc/binfmtd.d/a.toml", R"([masklen]
magic = 'ABC'
  mask = '\xff\xff'
interpreter = "/bin/x"

[relative]
extension = "r"
    interpreter = "bin/x"

[dotted]
extension = "a.b"
interpreter = "/bin/x"

[toolong]
magic = 'AB'
offset = 255
interpreter = "/bin/x"

[wrongtype]
extension = "w"
interpreter = "/bin/x"
enabled = 1

[nointerp]
extension = "n"
)");
    Config c = r.load();
    auto at = [&](std::string_view text) -> std::pair<int, int> {
        const Diagnostic* d = diag(c, text);
        INFO(text);
        REQUIRE(d);
        return {d->where.line, d->where.column};
    };
    CHECK(at("[masklen] mask is 2 bytes but magic is 3 bytes") == std::pair{3, 3});
    CHECK(at("[relative] interpreter \"bin/x\" is not an absolute path") == std::pair{8, 5});
    CHECK(at("[dotted] extension \"a.b\" must be a bare suffix") == std::pair{11, 1});
    CHECK(at("[toolong] offset 255 + magic length 2") == std::pair{16, 1});
    CHECK(at("[wrongtype] `enabled` must be true or false") == std::pair{22, 1});
    // A problem of the definition as a whole stays at its header.
    CHECK(at("[nointerp] no interpreter") == std::pair{24, 1});
}

TEST_CASE("an unknown key gets a did-you-mean when it is a slip", "[config][did-you-mean]") {
    TempRoot r;
    r.write("etc/binfmtd.d/a.toml", "[x]\nextension = \"x\"\ninterpeter = \"/bin/x\"\n[y]\nextension = \"y\"\n"
                                    "interpreter = \"/bin/y\"\ncolour = \"red\"\n[z]\nmgaic = 'AB'\n");
    Config c = r.load();
    const Diagnostic* x = diag(c, "[x] unknown key \"interpeter\"; did you mean `interpreter`?");
    REQUIRE(x);
    CHECK(x->where.line == 3);
    const Diagnostic* y = diag(c, "[y] unknown key \"colour\" (known: preset, magic,");
    REQUIRE(y);
    CHECK(y->message.find("did you mean") == std::string::npos);
    CHECK(diag(c, "[z] unknown key \"mgaic\"; did you mean `magic`?"));
}

TEST_CASE("names and values with control characters are escaped in diagnostics", "[config][escape]") {
    TempRoot r;
    r.write("etc/binfmtd.d/a.toml",
            "[\"evil\\n<0>forged\"]\nextension = \"e\"\ninterpreter = \"/bin/x\"\n"
            "[\"red\\u001b[31m\"]\nextension = \"r\\u001b\"\ninterpreter = \"/bin/\\u009b\"\n"
            "[\"back\\\\slash\"]\nextension = \"b\"\ninterpreter = \"/bin/x\"\n\"bogus\\u0007\" = 1\n");
    Config c = r.load();
    CHECK(c.entries.empty());
    for (auto& d : c.diagnostics) {
        INFO(d.str());
        for (char ch : d.str()) CHECK((static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f));
    }
    CHECK(diag(c, "[evil\\x0a<0>forged] entry name \"evil\\x0a<0>forged\" contains a space or control character"));
    CHECK(diag(c, "[red\\x1b[31m]"));
    CHECK(diag(c, "extension \"r\\x1b\" must be a bare suffix"));
    CHECK(diag(c, "[back\\\\slash] unknown key \"bogus\\x07\""));
    // The entry names themselves are kept as they are: only their rendering is escaped.
    CHECK(c.invalid_entries.count("evil\n<0>forged") == 1);
}

TEST_CASE("validate's arguments rank as one directory would: the later one wins", "[config][validate]") {
    TempRoot r;
    auto first = r.write("first.toml", "[a]\nextension = \"first\"\ninterpreter = \"/bin/x\"\n");
    auto second = r.write("second.toml", "[a]\nextension = \"second\"\ninterpreter = \"/bin/x\"\n");
    LoadOptions drafts;
    drafts.check_trust = false;
    Config c = load_config_paths({second.string(), first.string()}, drafts);
    REQUIRE(find(c, "a"));
    CHECK(find(c, "a")->extension == "first");
    const Diagnostic* loser = diag(c, "[a] overridden by the definition in \"" + first.string() + "\"");
    REQUIRE(loser);
    CHECK(loser->where.file == second.string());
    CHECK(loser->severity == Severity::Info);
    c = load_config_paths({first.string(), second.string()}, drafts);
    CHECK(find(c, "a")->extension == "second");
}

TEST_CASE("validate judges a file in a standard directory by the ownership rule, a draft on its content",
          "[config][validate]") {
    TempRoot r;
    auto inside = r.write("etc/binfmtd.d/open.toml", "[o]\nextension = \"o\"\ninterpreter = \"/bin/x\"\n", 0666);
    auto draft = r.write("draft.toml", "[d]\nextension = \"d\"\ninterpreter = \"/bin/x\"\n", 0666);
    LoadOptions opts;
    opts.check_trust = false;
    opts.untrusted = Severity::Error;
    opts.trusted_dirs = config_dirs(r.dir.string());
    Config c = load_config_paths({inside.string(), draft.string()}, opts);
    CHECK_FALSE(find(c, "o"));
    CHECK(find(c, "d"));
    CHECK(c.has_errors());
    const Diagnostic* d = diag(c, "writable by group or others (mode 0666), ignoring");
    REQUIRE(d);
    CHECK(d->severity == Severity::Error);
    // The directory given itself, and a path to it through "..", count as inside.
    c = load_config_paths({(r.dir / "etc/binfmtd.d").string()}, opts);
    CHECK(c.has_errors());
    c = load_config_paths({(r.dir / "run/../etc/binfmtd.d/open.toml").string()}, opts);
    CHECK(c.has_errors());
    CHECK(in_dirs(inside.string(), false, opts.trusted_dirs));
    CHECK_FALSE(in_dirs(draft.string(), false, opts.trusted_dirs));
}
