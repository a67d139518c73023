// "did you mean ...?" for a misspelt word among a few known ones.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace binfmt {

// Optimal string alignment distance: insertions, deletions, substitutions and transpositions
// of neighbours each cost 1 ("interpeter" is 1 from "interpreter", "mgaic" 1 from "magic").
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a slip (at most 2 edits, and
// fewer than half of the word), else empty. Ties go to the first candidate.
std::string_view closest(std::string_view word, std::span<const std::string_view> candidates);

} // namespace binfmt
