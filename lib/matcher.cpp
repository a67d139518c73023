#include "matcher.hpp"

namespace binfmt {

bool matches(const Entry& e, std::string_view filename, const Bytes& head) {
    if (e.kind == Kind::Extension) {
        // The kernel takes what follows the last '.' of the path it was given.
        auto dot = filename.rfind('.');
        return dot != std::string_view::npos && filename.substr(dot + 1) == e.extension;
    }
    // The kernel's buffer is zero-filled past the end of a short file.
    for (std::size_t i = 0; i < e.magic.size(); ++i) {
        std::size_t at = e.offset + i;
        std::uint8_t byte = at < head.size() ? head[at] : 0;
        std::uint8_t m = i < e.mask.size() ? e.mask[i] : 0xff;
        if ((byte ^ e.magic[i]) & m) return false;
    }
    return true;
}

} // namespace binfmt
