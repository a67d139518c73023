#include "did_you_mean.hpp"

#include <algorithm>
#include <vector>

namespace binfmt {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Three rows of the dynamic-programming table: the transposition looks two rows back.
    std::vector<std::size_t> before(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                cur[j] = std::min(cur[j], before[j - 2] + 1);
        }
        std::swap(before, prev);
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string_view closest(std::string_view word, std::span<const std::string_view> candidates) {
    std::string_view best;
    std::size_t best_distance = 3; // more than 2 edits is another word, not a slip
    for (std::string_view c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d < best_distance && 2 * d < std::max(word.size(), c.size())) best = c, best_distance = d;
    }
    return best;
}

} // namespace binfmt
