// What the kernel would run: matching a file name and head against entries.
#pragma once

#include "entry.hpp"

#include <string_view>

namespace binfmt {

// True when binfmt_misc would hand a file called `filename` whose first bytes
// are `head` to this entry (ignoring whether the entry is enabled).
bool matches(const Entry& entry, std::string_view filename, const Bytes& head);

} // namespace binfmt
