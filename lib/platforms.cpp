#include "platforms.hpp"

#include "entry.hpp"
#include "matcher.hpp"

#include <algorithm>

namespace binfmt {

namespace {
using namespace std::string_view_literals; // "..."sv keeps the NUL bytes

constexpr std::uint16_t kEm386 = 3, kEmMips = 8, kEmPpc64 = 21, kEmS390 = 22, kEmArm = 40, kEmX8664 = 62,
                        kEmAarch64 = 183, kEmRiscv = 243, kEmLoongArch = 258;
constexpr std::uint32_t kArmEabi5 = 0x05000000; // the syscall number in r7, not in the svc
constexpr std::uint32_t kPpc64ElfV2 = 2;        // e_entry is code, not a function descriptor
constexpr std::uint32_t kMipsO32 = 0x00001000;
constexpr std::uint64_t kBase = 0x400000;

// Each program: status 0 into the first argument register, the exit system call's number
// into the number register, then the system-call instruction.
constexpr PlatformSpec kPlatforms[] = {
    {"linux/amd64", true, false, kEmX8664, 0, "\x31\xff\xb8\x3c\x00\x00\x00\x0f\x05"sv},
    {"linux/386", false, false, kEm386, 0, "\x31\xdb\xb8\x01\x00\x00\x00\xcd\x80"sv},
    {"linux/arm64", true, false, kEmAarch64, 0, "\x00\x00\x80\xd2\xa8\x0b\x80\xd2\x01\x00\x00\xd4"sv},
    {"linux/arm/v7", false, false, kEmArm, kArmEabi5, "\x00\x00\xa0\xe3\x01\x70\xa0\xe3\x00\x00\x00\xef"sv},
    {"linux/arm/v6", false, false, kEmArm, kArmEabi5, "\x00\x00\xa0\xe3\x01\x70\xa0\xe3\x00\x00\x00\xef"sv},
    {"linux/ppc64le", true, false, kEmPpc64, kPpc64ElfV2, "\x01\x00\x00\x38\x00\x00\x60\x38\x02\x00\x00\x44"sv},
    {"linux/ppc64", true, true, kEmPpc64, kPpc64ElfV2, "\x38\x00\x00\x01\x38\x60\x00\x00\x44\x00\x00\x02"sv},
    {"linux/s390x", true, true, kEmS390, 0, "\xa7\x29\x00\x00\x0a\x01"sv},
    {"linux/riscv64", true, false, kEmRiscv, 0, "\x13\x05\x00\x00\x93\x08\xd0\x05\x73\x00\x00\x00"sv},
    {"linux/loong64", true, false, kEmLoongArch, 0, "\x04\x00\x80\x02\x0b\x74\x81\x02\x00\x00\x2b\x00"sv},
    {"linux/mips", false, true, kEmMips, kMipsO32, "\x24\x04\x00\x00\x24\x02\x0f\xa1\x00\x00\x00\x0c"sv},
    {"linux/mipsle", false, false, kEmMips, kMipsO32, "\x00\x00\x04\x24\xa1\x0f\x02\x24\x0c\x00\x00\x00"sv},
    {"linux/mips64", true, true, kEmMips, 0, "\x24\x04\x00\x00\x24\x02\x13\xc2\x00\x00\x00\x0c"sv},
    {"linux/mips64le", true, false, kEmMips, 0, "\x00\x00\x04\x24\xc2\x13\x02\x24\x0c\x00\x00\x00"sv},
};

// Appends `value` as `size` bytes in the platform's byte order.
void put(Bytes& out, std::uint64_t value, int size, bool big_endian) {
    for (int i = 0; i < size; ++i) {
        const int shift = 8 * (big_endian ? size - 1 - i : i);
        out.push_back(static_cast<std::uint8_t>(value >> shift));
    }
}
} // namespace

std::span<const PlatformSpec> platform_table() { return kPlatforms; }

const PlatformSpec* find_platform(std::string_view name) {
    auto it = std::find_if(std::begin(kPlatforms), std::end(kPlatforms),
                           [&](const PlatformSpec& p) { return p.name == name; });
    return it == std::end(kPlatforms) ? nullptr : it;
}

Bytes exit0_program(const PlatformSpec& p) {
    const int word = p.is64 ? 8 : 4;
    const std::uint64_t ehsize = p.is64 ? 64 : 52, phentsize = p.is64 ? 56 : 32;
    const std::uint64_t size = ehsize + phentsize + p.code.size();
    const bool be = p.big_endian;
    Bytes out = {0x7f, 'E', 'L', 'F', static_cast<std::uint8_t>(p.is64 ? 2 : 1), static_cast<std::uint8_t>(be ? 2 : 1),
                 1};
    out.resize(16, 0);
    put(out, 2, 2, be); // ET_EXEC
    put(out, p.machine, 2, be);
    put(out, 1, 4, be);                             // EV_CURRENT
    put(out, kBase + ehsize + phentsize, word, be); // e_entry: the code after the headers
    put(out, ehsize, word, be);                     // e_phoff
    put(out, 0, word, be);                          // e_shoff: no sections
    put(out, p.flags, 4, be);
    put(out, ehsize, 2, be);
    put(out, phentsize, 2, be);
    put(out, 1, 2, be); // e_phnum
    put(out, 0, 6, be); // e_shentsize, e_shnum, e_shstrndx
    // One PT_LOAD of the whole file, readable and executable.
    constexpr std::uint64_t kLoad = 1, kReadExec = 5, kPage = 0x1000;
    put(out, kLoad, 4, be);
    if (p.is64) put(out, kReadExec, 4, be);
    put(out, 0, word, be);     // p_offset
    put(out, kBase, word, be); // p_vaddr
    put(out, kBase, word, be); // p_paddr
    put(out, size, word, be);  // p_filesz
    put(out, size, word, be);  // p_memsz
    if (!p.is64) put(out, kReadExec, 4, be);
    put(out, kPage, word, be);
    out.insert(out.end(), p.code.begin(), p.code.end());
    return out;
}

std::vector<std::string_view> platforms_of(const Bytes& magic, const Bytes& mask, std::uint32_t offset) {
    Entry e;
    e.kind = Kind::Magic;
    e.magic = magic;
    e.mask = mask;
    e.offset = offset;
    std::vector<std::string_view> out;
    if (magic.empty()) return out;
    for (auto& p : kPlatforms)
        if (matches(e, {}, exit0_program(p))) out.push_back(p.name);
    return out;
}

std::vector<PlatformRow> platform_rows(const std::vector<std::string>& native,
                                       const std::vector<EntryRecord>& entries) {
    std::vector<PlatformRow> rows;
    for (auto& n : native) rows.push_back({n, {}, "native"});
    std::vector<std::vector<std::string_view>> provided;
    for (auto& e : entries)
        provided.push_back(e.kind == "magic" ? platforms_of(e.magic, e.mask, e.offset)
                                             : std::vector<std::string_view>{});
    for (auto& p : kPlatforms)
        for (std::size_t i = 0; i < entries.size(); ++i)
            if (std::find(provided[i].begin(), provided[i].end(), p.name) != provided[i].end())
                rows.push_back({std::string(p.name), entries[i].name, entries[i].state});
    return rows;
}

std::string_view build_platform() {
#if defined(__x86_64__)
    return "linux/amd64";
#elif defined(__i386__)
    return "linux/386";
#elif defined(__aarch64__)
    return "linux/arm64";
#elif defined(__arm__)
    return "linux/arm/v7";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return "linux/ppc64le";
#elif defined(__powerpc64__)
    return "linux/ppc64";
#elif defined(__s390x__)
    return "linux/s390x";
#elif defined(__riscv) && __riscv_xlen == 64
    return "linux/riscv64";
#elif defined(__loongarch64)
    return "linux/loong64";
#else
    return {};
#endif
}

} // namespace binfmt
