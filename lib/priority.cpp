#include "priority.hpp"

#include <algorithm>

namespace binfmt {

bool can_overlap(const Entry& a, const Entry& b) {
    if (a.kind != b.kind) return false;
    if (a.kind == Kind::Extension) return a.extension == b.extension;
    // Byte by byte over the file positions both look at: where both masks keep a bit, the two
    // magics must agree on it, or no file matches both.
    for (std::size_t i = 0; i < a.magic.size(); ++i) {
        const std::size_t at = a.offset + i;
        if (at < b.offset || at - b.offset >= b.magic.size()) continue;
        const std::size_t j = at - b.offset;
        const std::uint8_t ma = i < a.mask.size() ? a.mask[i] : 0xff;
        const std::uint8_t mb = j < b.mask.size() ? b.mask[j] : 0xff;
        if ((a.magic[i] ^ b.magic[j]) & ma & mb) return false;
    }
    return true;
}

std::vector<std::string> registration_order(const std::vector<const Entry*>& lowest_first,
                                            const std::map<std::string, std::size_t>& newest_first,
                                            const std::set<std::string>& registering) {
    // Walking up the ranks: an entry is registered (again) when it is new or changed, or when an
    // overlapping entry below it is newer in the kernel or is itself registered now (and so
    // becomes newer than everything left alone). Registering in this order leaves every entry
    // newer than each overlapping one it outranks.
    std::vector<std::string> out;
    std::set<std::string> moved;
    for (std::size_t x = 0; x < lowest_first.size(); ++x) {
        const Entry& e = *lowest_first[x];
        bool move = registering.count(e.name) || !newest_first.count(e.name);
        for (std::size_t y = 0; !move && y < x; ++y) {
            const Entry& below = *lowest_first[y];
            if (!can_overlap(e, below)) continue;
            move = moved.count(below.name) || newest_first.at(below.name) < newest_first.at(e.name);
        }
        if (move) {
            moved.insert(e.name);
            out.push_back(e.name);
        }
    }
    return out;
}

} // namespace binfmt
