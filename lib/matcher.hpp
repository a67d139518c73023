// What the kernel would run: matching a file name and head against entries.
#pragma once

#include "entry.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace binfmt {

// True when binfmt_misc would hand a file called `filename` whose first bytes
// are `head` to this entry (ignoring whether the entry is enabled).
bool matches(const Entry& entry, std::string_view filename, const Bytes& head);

// What Resolve needs of the file name `path` to match as the kernel would: `path` itself when
// it is UTF-8 (a D-Bus string must be); otherwise only the part from its last '.', all that
// extension matching looks at, when that part is UTF-8; otherwise "" (magic entries only).
std::string resolve_name(std::string_view path);

// The first bytes of `path` the kernel would look at (fewer for a short file); nullopt, with
// errno set, when it cannot be read. Opening never blocks (a FIFO, a device).
std::optional<Bytes> read_head(const std::string& path);

} // namespace binfmt
