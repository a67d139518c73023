// What tells two registrations apart, field by field, in the words of a message: why the
// kernel's entry of a name is not the one the configuration defines.
#pragma once

#include "entry.hpp"

#include <string>
#include <vector>

namespace binfmt {

// One phrase per differing field, empty when same_registration() holds: "kind: kernel
// extension, configuration magic", "offset: kernel 0, configuration 2", "magic: kernel 4 bytes,
// configuration 5 bytes", "mask byte 7: kernel fc, configuration 00", "magic byte 3: kernel 46,
// configuration 47" (the bytes as the kernel compares them, each under its mask, and only where
// the masks agree), "interpreter: kernel A, configuration B", "flags: kernel POF, configuration
// PF" (as the kernel shows them; "none" for no flag), "extension: kernel a, configuration b".
// At most kMaxBytesShown differing bytes are named per field, then how many more.
std::vector<std::string> registration_differences(const Entry& kernel, const Entry& configuration);
inline constexpr std::size_t kMaxBytesShown = 4;

// The phrases joined with "; ".
std::string describe_differences(const Entry& kernel, const Entry& configuration);

} // namespace binfmt
