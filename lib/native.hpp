// The native guard: an entry that would capture the host's own executables
// makes every program on the machine run through its interpreter.
#pragma once

#include "entry.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace binfmt {

struct NativeSample {
    std::string label; // "ELF64 LSB x86-64 DYN", "/proc/self/exe", ...
    Bytes head;        // first bytes of such a file
};

// Synthetic heads of executables the host runs natively for a qemu family
// ("i386" on x86_64: ELF64 x86-64, x32 and ELF32 i386, EXEC and DYN, SYSV and
// GNU OS/ABI), plus a "#!" script. Unknown families give only the script.
std::vector<NativeSample> native_samples(std::string_view family);

// The label of the first sample the entry would capture; empty if none.
std::string captured_native(const Entry& entry, const std::vector<NativeSample>& samples);

} // namespace binfmt
