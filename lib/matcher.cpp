#include "matcher.hpp"

#include "escape.hpp"
#include "unique_fd.hpp"
#include "validate.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace binfmt {

std::string resolve_name(std::string_view path) {
    if (valid_utf8(path)) return std::string(path);
    const auto dot = path.rfind('.');
    if (dot == std::string_view::npos || !valid_utf8(path.substr(dot))) return {};
    return std::string(path.substr(dot));
}

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

std::optional<Bytes> read_head(const std::string& path) {
    const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd) return std::nullopt;
    Bytes head(kHeadSize);
    std::size_t have = 0;
    while (have < head.size()) {
        const ssize_t n = ::read(fd.get(), head.data() + have, head.size() - have);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::nullopt; // errno is read's: closing keeps it
        if (n == 0) break;
        have += static_cast<std::size_t>(n);
    }
    head.resize(have);
    return head;
}

} // namespace binfmt
