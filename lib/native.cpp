#include "native.hpp"

#include "matcher.hpp"
#include "validate.hpp"

#include <fmt/format.h>

namespace binfmt {

namespace {
struct ElfKind {
    std::uint8_t elf_class; // 1 = 32-bit, 2 = 64-bit
    std::uint8_t data;      // 1 = little endian, 2 = big endian
    std::uint16_t machine;  // e_machine
    std::string_view what;
};

// ELF flavours each qemu family runs natively (a 64-bit kernel also runs its
// 32-bit compat flavours).
std::vector<ElfKind> kinds_of(std::string_view family) {
    if (family == "i386") return {{2, 1, 62, "x86-64"}, {1, 1, 62, "x32"}, {1, 1, 3, "i386"}};
    if (family == "arm") return {{2, 1, 183, "aarch64"}, {1, 1, 40, "arm"}};
    if (family == "ppc") return {{2, 2, 21, "ppc64"}, {1, 2, 20, "ppc"}};
    if (family == "ppcle") return {{2, 1, 21, "ppc64le"}};
    if (family == "s390x") return {{2, 2, 22, "s390x"}};
    if (family == "riscv") return {{2, 1, 243, "riscv64"}, {1, 1, 243, "riscv32"}};
    if (family == "loongarch") return {{2, 1, 258, "loongarch64"}};
    if (family == "mips") return {{2, 1, 8, "mips64el"}, {2, 2, 8, "mips64"}, {1, 1, 8, "mipsel"}, {1, 2, 8, "mips"}};
    if (family == "sparc") return {{2, 2, 43, "sparc64"}, {1, 2, 18, "sparc32plus"}, {1, 2, 2, "sparc"}};
    return {};
}

void put16(Bytes& b, std::size_t at, std::uint16_t v, bool big) {
    b[at + (big ? 1 : 0)] = static_cast<std::uint8_t>(v & 0xff);
    b[at + (big ? 0 : 1)] = static_cast<std::uint8_t>(v >> 8);
}
} // namespace

std::vector<NativeSample> native_samples(std::string_view family) {
    std::vector<NativeSample> out;
    for (const auto& k : kinds_of(family)) {
        for (std::uint16_t type : {2, 3}) {     // ET_EXEC, ET_DYN
            for (std::uint8_t osabi : {0, 3}) { // SYSV, GNU/Linux
                Bytes h(kHeadSize, 0);
                h[0] = 0x7f, h[1] = 'E', h[2] = 'L', h[3] = 'F';
                h[4] = k.elf_class, h[5] = k.data, h[6] = 1, h[7] = osabi;
                const bool big = k.data == 2;
                put16(h, 16, type, big);
                put16(h, 18, k.machine, big);
                h[big ? 23 : 20] = 1; // e_version
                out.push_back({fmt::format("ELF{} {} {} executable (OS/ABI {})", k.elf_class == 2 ? 64 : 32, k.what,
                                           type == 2 ? "EXEC" : "DYN", osabi),
                               std::move(h)});
            }
        }
    }
    std::string_view script = "#!/bin/sh\n";
    out.push_back({"#! script", Bytes(script.begin(), script.end())});
    return out;
}

std::string captured_native(const Entry& entry, const std::vector<NativeSample>& samples) {
    if (entry.kind != Kind::Magic) return {};
    for (const auto& s : samples)
        if (matches(entry, "", s.head)) return s.label;
    return {};
}

} // namespace binfmt
