// The qemu-user preset table: its shape, its agreement with Debian's
// qemu-user-static binfmt files, host families and interpreter lookup.
#include "presets.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;
using binfmt::Bytes;

const fs::path kDebianBinfmtDir = "/usr/lib/binfmt.d";

// qemu_target_list in QEMU's scripts/qemu-binfmt-conf.sh, in its order.
const std::vector<std::string> kQemuTargets = {
    "i386",     "i486",       "alpha",        "arm",     "armeb",      "sparc",   "sparc32plus", "sparc64", "ppc",
    "ppc64",    "ppc64le",    "m68k",         "mips",    "mipsel",     "mipsn32", "mipsn32el",   "mips64",  "mips64el",
    "sh4",      "sh4eb",      "s390x",        "aarch64", "aarch64_be", "hppa",    "riscv32",     "riscv64", "xtensa",
    "xtensaeb", "microblaze", "microblazeel", "or1k",    "x86_64",     "hexagon", "loongarch64",
};

// Debian (qemu 1:7.2, bookworm) generates these files from its own table, not
// from QEMU's script; for these arches its bytes differ on purpose. The
// preset table follows QEMU, so here only the bytes both sides check in full
// are compared. Everything not listed must match Debian byte for byte.
const std::map<std::string, std::string, std::less<>> kDebianDiffers = {
    {"alpha", "QEMU leaves the low bit of EI_DATA/EI_VERSION free (\\xfe), Debian does not"},
    {"m68k", "QEMU leaves the low bit of EI_VERSION free (\\xfe), Debian does not"},
    {"sparc", "Debian accepts EI_OSABI 0-3 (\\xfc), QEMU ignores EI_OSABI"},
    {"sparc32plus", "Debian accepts EI_OSABI 0-3 (\\xfc), QEMU ignores EI_OSABI"},
    {"sparc64", "Debian accepts EI_OSABI 0-3 (\\xfc), QEMU ignores EI_OSABI"},
    {"ppc", "Debian accepts EI_OSABI 0-3 (\\xfc), QEMU ignores EI_OSABI"},
    {"ppc64", "Debian accepts EI_OSABI 0-3 (\\xfc), QEMU ignores EI_OSABI"},
    {"ppc64le", "Debian accepts EI_OSABI 0-3 (\\xfc), QEMU ignores EI_OSABI"},
    {"sh4", "Debian accepts EI_OSABI 0-3 (\\xfc), QEMU ignores EI_OSABI"},
    {"sh4eb", "Debian accepts EI_OSABI 0-3 (\\xfc), QEMU ignores EI_OSABI"},
    {"s390x", "Debian accepts EI_OSABI 0-3 (\\xfc), QEMU ignores EI_OSABI"},
    {"mips", "QEMU (7.0+) ignores EI_ABIVERSION and checks e_version; Debian keeps the older mask"},
    {"mipsel", "QEMU (7.0+) ignores EI_ABIVERSION and checks e_version; Debian keeps the older mask"},
    {"mipsn32", "QEMU (7.0+) ignores EI_ABIVERSION and checks e_version; Debian keeps the older mask"},
    {"mipsn32el", "QEMU (7.0+) ignores EI_ABIVERSION and checks e_version; Debian keeps the older mask"},
    {"mips64", "QEMU (7.0+) ignores EI_ABIVERSION; Debian keeps the older mask"},
    {"mips64el", "QEMU (7.0+) ignores EI_ABIVERSION; Debian keeps the older mask"},
    {"microblaze", "QEMU writes e_type little-endian for this big-endian arch; Debian big-endian"},
};

// Debian 7.2 ships binfmt files for 28 of the 34 targets: none for the amd64
// host's own family (i386, i486, x86_64) nor for aarch64_be, microblazeel and
// or1k (its qemu-cris.conf has no QEMU counterpart).
constexpr std::size_t kMinDebianCounterparts = 28;

struct DebianEntry {
    Bytes magic;
    Bytes mask;
};

// Decodes the magic/mask field of a register line: literal bytes, "\xHH" and "\\".
std::optional<Bytes> decode_escapes(std::string_view text) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    Bytes out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            out.push_back(static_cast<std::uint8_t>(text[i]));
            continue;
        }
        if (i + 1 < text.size() && text[i + 1] == '\\') {
            out.push_back('\\');
            ++i;
            continue;
        }
        if (i + 3 >= text.size() || text[i + 1] != 'x') return std::nullopt;
        const int hi = hex(text[i + 2]);
        const int lo = hex(text[i + 3]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
        i += 3;
    }
    return out;
}

// Splits ":name:M::magic:mask:interp:flags" on its own first character.
std::vector<std::string> split_register_line(const std::string& line) {
    std::vector<std::string> fields;
    const char delim = line.front();
    std::size_t start = 1;
    while (true) {
        const std::size_t end = line.find(delim, start);
        fields.push_back(line.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return fields;
}

// The register line of a systemd binfmt.d file (comments are '#' or ';').
std::optional<DebianEntry> read_debian_conf(const fs::path& path) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line.front() == '#' || line.front() == ';') continue;
        const auto f = split_register_line(line);
        // name, type, offset, magic, mask, interpreter[, flags]
        if (f.size() < 6 || f[1] != "M") return std::nullopt;
        auto magic = decode_escapes(f[3]);
        auto mask = decode_escapes(f[4]);
        if (!magic || !mask) return std::nullopt;
        return DebianEntry{std::move(*magic), std::move(*mask)};
    }
    return std::nullopt;
}

std::string hex(const Bytes& bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    for (std::uint8_t b : bytes) {
        s += digits[b >> 4];
        s += digits[b & 0xf];
    }
    return s;
}

} // namespace

TEST_CASE("presets: the escape decoder used by these tests", "[presets]") {
    CHECK(decode_escapes("\\x7fELF\\x00\\\\") == Bytes{0x7f, 'E', 'L', 'F', 0x00, '\\'});
    CHECK_FALSE(decode_escapes("\\x7"));
    CHECK_FALSE(decode_escapes("\\q00"));
    CHECK_FALSE(decode_escapes("\\xzz"));
}

TEST_CASE("presets: one per target of qemu-binfmt-conf.sh, well formed", "[presets]") {
    const auto all = binfmt::presets();
    REQUIRE(all.size() == kQemuTargets.size());
    REQUIRE(all.size() == 34);

    std::set<std::string> names;
    for (std::size_t i = 0; i < all.size(); ++i) {
        const binfmt::Preset& p = all[i];
        INFO("preset " << p.arch);
        CHECK(std::string(p.arch) == kQemuTargets[i]);
        CHECK(p.name() == "qemu-" + std::string(p.arch));
        CHECK(names.insert(p.name()).second);
        CHECK_FALSE(p.family.empty());
        CHECK(p.magic.size() == p.mask.size());
        REQUIRE(p.magic.size() >= 20);
        CHECK(Bytes(p.magic.begin(), p.magic.begin() + 4) == Bytes{0x7f, 'E', 'L', 'F'});

        const binfmt::Entry e = binfmt::entry_from_preset(p);
        CHECK(e.offset + e.magic.size() <= 256);

        CHECK(binfmt::find_preset(p.name()) == &p);
    }
    CHECK(binfmt::find_preset("qemu-nope") == nullptr);
    CHECK(binfmt::find_preset("aarch64") == nullptr);
    CHECK(binfmt::find_preset("") == nullptr);
}

TEST_CASE("presets: magic and mask agree with Debian's qemu-user-static", "[presets]") {
    std::vector<fs::path> confs;
    std::error_code ec;
    if (fs::is_directory(kDebianBinfmtDir, ec)) {
        for (const auto& dirent : fs::directory_iterator(kDebianBinfmtDir, ec)) {
            const std::string file = dirent.path().filename().string();
            if (file.starts_with("qemu-") && file.ends_with(".conf")) confs.push_back(dirent.path());
        }
    }
    if (confs.empty())
        FAIL("no qemu-*.conf in " << kDebianBinfmtDir.string()
                                  << ": install qemu-user-static (apt-get install qemu-user-static)");

    std::size_t compared = 0;
    std::size_t exact = 0;
    for (const binfmt::Preset& p : binfmt::presets()) {
        const fs::path conf = kDebianBinfmtDir / (p.name() + ".conf");
        if (!fs::exists(conf, ec)) continue;
        INFO("preset " << p.arch << ", " << conf.string());
        const auto debian = read_debian_conf(conf);
        REQUIRE(debian);
        REQUIRE(debian->magic.size() == debian->mask.size());
        ++compared;

        const auto differs = kDebianDiffers.find(p.arch);
        if (differs == kDebianDiffers.end()) {
            CHECK(hex(p.magic) == hex(debian->magic));
            CHECK(hex(p.mask) == hex(debian->mask));
            ++exact;
            continue;
        }
        INFO("known difference: " << differs->second);
        if (p.magic == debian->magic && p.mask == debian->mask)
            WARN(p.arch << " now matches Debian exactly; drop it from kDebianDiffers");
        // Wherever both sides check a whole byte (ELF class, data, e_machine...)
        // they must agree, or the table has a typo.
        const std::size_t n = std::min(p.magic.size(), debian->magic.size());
        for (std::size_t b = 0; b < n; ++b) {
            if (p.mask[b] == 0xff && debian->mask[b] == 0xff) {
                INFO("byte " << b);
                CHECK(int(p.magic[b]) == int(debian->magic[b]));
            }
        }
    }
    INFO(compared << " presets compared with Debian, " << exact << " byte for byte");
    CHECK(compared >= kMinDebianCounterparts);
    for (const auto& [arch, reason] : kDebianDiffers) CHECK(binfmt::find_preset("qemu-" + arch) != nullptr);
}

TEST_CASE("presets: host families follow qemu-binfmt-conf.sh", "[presets]") {
    CHECK(binfmt::family_of_machine("x86_64") == "i386");
    CHECK(binfmt::family_of_machine("aarch64") == "arm");
    CHECK(binfmt::family_of_machine("riscv64") == "riscv");

    CHECK(binfmt::family_of_machine("i686") == "i386");
    CHECK(binfmt::family_of_machine("amd64") == "i386");
    CHECK(binfmt::family_of_machine("arm64") == "arm");
    CHECK(binfmt::family_of_machine("armv7l") == "arm");
    CHECK(binfmt::family_of_machine("armv7b") == "armeb");
    CHECK(binfmt::family_of_machine("aarch64_be") == "armeb");
    CHECK(binfmt::family_of_machine("ppc64") == "ppc");
    CHECK(binfmt::family_of_machine("ppc64le") == "ppcle");
    CHECK(binfmt::family_of_machine("ppc64el") == "ppcle");
    CHECK(binfmt::family_of_machine("mips64") == "mips");
    CHECK(binfmt::family_of_machine("sparc64") == "sparc");
    CHECK(binfmt::family_of_machine("loongarch64") == "loongarch");
    CHECK(binfmt::family_of_machine("s390x") == "s390x");
    CHECK(binfmt::family_of_machine("no-such-cpu") == "no-such-cpu");

    // On x86_64 exactly its own presets are skipped as native.
    std::set<std::string> native;
    for (const binfmt::Preset& p : binfmt::presets())
        if (p.family == binfmt::family_of_machine("x86_64")) native.insert(std::string(p.arch));
    CHECK(native == std::set<std::string>{"i386", "i486", "x86_64"});

    CHECK_FALSE(binfmt::host_family().empty());
}

TEST_CASE("presets: interpreter lookup", "[presets]") {
    const binfmt::Preset* aarch64 = binfmt::find_preset("qemu-aarch64");
    REQUIRE(aarch64);
    CHECK(binfmt::interpreter_candidates(*aarch64) ==
          std::vector<std::string>{"/usr/libexec/qemu-binfmt/aarch64-binfmt-P", "/usr/bin/qemu-aarch64-static",
                                   "/usr/bin/qemu-aarch64"});

    auto exists_in = [](std::set<std::string> files) {
        return [files = std::move(files)](const std::string& path) { return files.count(path) > 0; };
    };

    // The first existing candidate wins, whatever else exists.
    CHECK(binfmt::find_interpreter(*aarch64, exists_in({"/usr/bin/qemu-aarch64", "/usr/bin/qemu-aarch64-static"})) ==
          "/usr/bin/qemu-aarch64-static");
    CHECK(binfmt::find_interpreter(*aarch64,
                                   exists_in({"/usr/bin/qemu-aarch64", "/usr/libexec/qemu-binfmt/aarch64-binfmt-P"})) ==
          "/usr/libexec/qemu-binfmt/aarch64-binfmt-P");
    CHECK(binfmt::find_interpreter(*aarch64, exists_in({"/usr/bin/qemu-aarch64"})) == "/usr/bin/qemu-aarch64");
    // Another arch's emulator is no candidate.
    CHECK(binfmt::find_interpreter(*aarch64, exists_in({"/usr/bin/qemu-arm-static"})) == std::nullopt);
    CHECK(binfmt::find_interpreter(*aarch64, exists_in({})) == std::nullopt);

    // Like the script, i486 binaries run under qemu-i386 (there is no qemu-i486).
    const binfmt::Preset* i486 = binfmt::find_preset("qemu-i486");
    REQUIRE(i486);
    CHECK(binfmt::find_interpreter(*i486, exists_in({"/usr/bin/qemu-i386-static"})) == "/usr/bin/qemu-i386-static");
}

TEST_CASE("presets: entry_from_preset", "[presets]") {
    const binfmt::Preset* riscv64 = binfmt::find_preset("qemu-riscv64");
    REQUIRE(riscv64);
    const binfmt::Entry e = binfmt::entry_from_preset(*riscv64);
    CHECK(e.name == "qemu-riscv64");
    CHECK(e.preset == "qemu-riscv64");
    CHECK(e.kind == binfmt::Kind::Magic);
    CHECK(e.magic == riscv64->magic);
    CHECK(e.mask == riscv64->mask);
    CHECK(e.offset == 0);
    CHECK(e.interpreter.empty());
    CHECK(e.flags.preserve_argv0);
    CHECK(e.flags.open_binary);
    CHECK(e.flags.fix_binary);
    CHECK_FALSE(e.flags.credentials);
}
