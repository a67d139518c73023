// Which of two overlapping entries runs a file: the kernel tries the most recently registered
// first, so an entry that outranks another must be registered after it. This works out which
// registrations make the kernel's order match the ranks, touching as few entries as it can.
#pragma once

#include "config.hpp" // Diagnostic
#include "entry.hpp"

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace binfmt {

// Whether some file could match both: magic entries whose masked magics agree on every byte
// both look at, or extension entries with the same extension. (A magic and an extension entry
// could both match a file with that name and those bytes; like the report of overlaps, the
// order leaves that case to the kernel.)
bool can_overlap(const Entry& a, const Entry& b);

// Whether `a` runs the files both match rather than `b`: the higher `priority`; on a tie the
// higher source (binfmtd.d > binfmt.d > binfmts), within binfmtd.d the higher directory, then
// the file whose name sorts later and in one file the later line (as systemd-binfmt registers
// binfmt.d's files in name order and its lines in order, the last registered winning), and last
// the name sorting later. A total order: for two different entries exactly one outranks the other.
bool outranks(const Entry& a, const Entry& b);

// Why `winner` outranks `loser`, for reports: "priority 10 over 0", or on a tie
// "both priority 0; binfmtd.d outranks binfmt.d" and the like.
std::string why_outranks(const Entry& winner, const Entry& loser);

// The entries lowest rank first: the order that registers them right.
std::vector<const Entry*> lowest_rank_first(std::vector<const Entry*> entries);

// Every pair of `entries` that can_overlap, each once. Extension entries are paired through
// their extension (a table may hold thousands), magic entries one with another.
std::vector<std::pair<const Entry*, const Entry*>> overlapping_pairs(const std::vector<const Entry*>& entries);

// One overlap as reports say it: "\"hi\" wins over \"lo\": priority 10 over 0".
std::string overlap_sentence(const Entry& winner, const Entry& loser);

// `binfmtctl validate`'s report of overlapping entries: for each pair, at the entry that loses,
// which entry runs the files both match and why. A note where priorities decide; a warning where
// only the tie rule does (a `priority` would say which is meant).
std::vector<Diagnostic> overlap_diagnostics(const std::vector<const Entry*>& entries);

// `lowest_first`: the entries to be in the kernel, lowest rank first (ties already broken).
// `newest_first`: the kernel's current order of those already registered (0 = newest).
// `registering`: names that are registered anyway (new, or changed).
// `fixed`: registered names that binfmtd may not register again (another tool's entry it
// adopted, one disabled in the kernel, one waiting for its interpreter): never returned, and
// the others are still ordered against them.
// Returns the names to register, lowest rank first: those of `registering`, those not in the
// kernel, and each registered entry that an overlapping lower-ranked one would otherwise stay
// newer than. Afterwards every entry is newer than each overlapping entry it outranks (but a
// fixed one, which stays where it is).
std::vector<std::string> registration_order(const std::vector<const Entry*>& lowest_first,
                                            const std::map<std::string, std::size_t>& newest_first,
                                            const std::set<std::string>& registering,
                                            const std::set<std::string>& fixed = {});

} // namespace binfmt
