// Which of two overlapping entries runs a file: the kernel tries the most recently registered
// first, so an entry that outranks another must be registered after it. This works out which
// registrations make the kernel's order match the ranks, touching as few entries as it can.
#pragma once

#include "entry.hpp"

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace binfmt {

// Whether some file could match both: magic entries whose masked magics agree on every byte
// both look at, or extension entries with the same extension. (A magic and an extension entry
// could both match a file with that name and those bytes; like the report of overlaps, the
// order leaves that case to the kernel.)
bool can_overlap(const Entry& a, const Entry& b);

// `lowest_first`: the entries to be in the kernel, lowest rank first (ties already broken).
// `newest_first`: the kernel's current order of those already registered (0 = newest).
// `registering`: names that are registered anyway (new, or changed).
// Returns the names to register, lowest rank first: those of `registering`, those not in the
// kernel, and each registered entry that an overlapping lower-ranked one would otherwise stay
// newer than. Afterwards every entry is newer than each overlapping entry it outranks.
std::vector<std::string> registration_order(const std::vector<const Entry*>& lowest_first,
                                            const std::map<std::string, std::size_t>& newest_first,
                                            const std::set<std::string>& registering);

} // namespace binfmt
