// Register's spec as it arrives over D-Bus (a{sv}, whatever types a caller put in it) turned
// into binfmt::Spec, with the size limits every string argument of the API is held to.
#pragma once

#include "spec.hpp"

#include <sdbus-c++/Types.h>

#include <cstddef>
#include <map>
#include <string>

namespace binfmtd {

// Longer than any path the kernel takes: a longer argument is refused before it is looked at.
inline constexpr std::size_t kMaxString = 4096;

// ApiError InvalidEntry when `value` is longer than kMaxString (the message does not quote it).
void check_length(const std::string& what, const std::string& value);

// a{sv} -> Spec, checking each value's D-Bus type against the documented ones (s, b, u, i, ay);
// ApiError InvalidEntry otherwise. What the keys mean is entry_from_spec's business.
binfmt::Spec decode_spec(const std::map<std::string, sdbus::Variant>& spec);

} // namespace binfmtd
