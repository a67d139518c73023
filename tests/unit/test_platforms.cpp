// Platforms: which OCI platform each qemu preset provides, the exit(0) programs' headers, and
// the rows of Platforms().
#include "platforms.hpp"
#include "presets.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace binfmt;

namespace {
std::string joined(const std::vector<std::string_view>& names) {
    std::string out;
    for (auto n : names) out += (out.empty() ? "" : " ") + std::string(n);
    return out;
}
std::uint64_t read_uint(const Bytes& b, std::size_t at, int size, bool big_endian) {
    std::uint64_t v = 0;
    for (int i = 0; i < size; ++i) v |= std::uint64_t(b[at + i]) << (8 * (big_endian ? size - 1 - i : i));
    return v;
}
} // namespace

TEST_CASE("platforms: each qemu preset provides the platform Go names its machine, or none", "[platforms]") {
    const std::map<std::string, std::string> expected{
        {"qemu-x86_64", "linux/amd64"},        {"qemu-i386", "linux/386"},
        {"qemu-aarch64", "linux/arm64"},       {"qemu-arm", "linux/arm/v7 linux/arm/v6"},
        {"qemu-ppc64le", "linux/ppc64le"},     {"qemu-ppc64", "linux/ppc64"},
        {"qemu-s390x", "linux/s390x"},         {"qemu-riscv64", "linux/riscv64"},
        {"qemu-loongarch64", "linux/loong64"}, {"qemu-mips", "linux/mips"},
        {"qemu-mipsel", "linux/mipsle"},       {"qemu-mips64", "linux/mips64"},
        {"qemu-mips64el", "linux/mips64le"}};
    std::set<std::string> provided;
    for (auto& p : presets()) {
        INFO(p.name());
        const std::string got = joined(platforms_of(p.magic, p.mask, 0));
        auto it = expected.find(p.name());
        // Big-endian arm, 32-bit PowerPC and RISC-V, n32 MIPS, sparc, m68k ...: no GOARCH.
        CHECK(got == (it == expected.end() ? "" : it->second));
        for (auto n : platforms_of(p.magic, p.mask, 0)) provided.emplace(n);
    }
    // Every platform of the table is some preset's: none is unreachable.
    for (auto& p : platform_table()) CHECK(provided.count(std::string(p.name)) == 1);
}

TEST_CASE("platforms: an exit(0) program is a one-segment ELF executable of its platform", "[platforms]") {
    for (auto& p : platform_table()) {
        INFO(p.name);
        const Bytes b = exit0_program(p);
        REQUIRE(b.size() > 52);
        CHECK(Bytes(b.begin(), b.begin() + 4) == Bytes{0x7f, 'E', 'L', 'F'});
        CHECK(b[4] == (p.is64 ? 2 : 1));
        CHECK(b[5] == (p.big_endian ? 2 : 1));
        CHECK(read_uint(b, 16, 2, p.big_endian) == 2); // ET_EXEC
        CHECK(read_uint(b, 18, 2, p.big_endian) == p.machine);
        const std::size_t headers = p.is64 ? 64 + 56 : 52 + 32;
        CHECK(b.size() == headers + p.code.size());
        CHECK(read_uint(b, 24, p.is64 ? 8 : 4, p.big_endian) == 0x400000 + headers); // entry: the code
        CHECK(find_platform(p.name) == &p);
    }
    CHECK(find_platform("linux/sparc64") == nullptr);
    CHECK(platforms_of({}, {}, 0).empty());
}

TEST_CASE("platforms: rows list natives first, then each platform's entries with their states", "[platforms]") {
    auto record = [](std::string name, const char* preset, std::string state) {
        EntryRecord r;
        r.name = std::move(name);
        r.kind = preset ? "magic" : "extension";
        if (preset) {
            r.magic = find_preset(preset)->magic;
            r.mask = find_preset(preset)->mask;
        }
        r.state = std::move(state);
        return r;
    };
    const auto rows = platform_rows({"linux/amd64"},
                                    {record("a-arm", "qemu-arm", "active"),
                                     record("b-aarch64", "qemu-aarch64", "foreign"), record("c-pyc", nullptr, "active"),
                                     record("d-aarch64", "qemu-aarch64", "failed")});
    const std::vector<PlatformRow> expected{{"linux/amd64", "", "native"},
                                            {"linux/arm64", "b-aarch64", "foreign"},
                                            {"linux/arm64", "d-aarch64", "failed"},
                                            {"linux/arm/v7", "a-arm", "active"},
                                            {"linux/arm/v6", "a-arm", "active"}};
    CHECK(rows == expected);
    // A magic with an offset is matched where it is: shifted by one byte, no ELF machine matches.
    EntryRecord shifted = record("e", "qemu-aarch64", "active");
    shifted.offset = 1;
    CHECK(platforms_of(shifted.magic, shifted.mask, shifted.offset).empty());
}
