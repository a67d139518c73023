// The platforms this machine runs without any binfmt_misc entry, probed rather than assumed:
// an x86-64 kernel may be built or booted without 32-bit support (ia32_emulation=0).
#pragma once

#include <string>
#include <vector>

namespace binfmtd {

// binfmtd's own platform, and linux/386 on x86-64 when the kernel takes 32-bit system calls
// (other hosts' 32-bit modes are not probed, and not listed).
// Probed once: neither can change while the kernel runs.
const std::vector<std::string>& native_platforms();

} // namespace binfmtd
