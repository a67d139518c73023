#include "entry_diff.hpp"

#include <fmt/format.h>

namespace binfmt {

namespace {

std::string hex_byte(std::uint8_t b) { return fmt::format("{:02x}", b); }
std::string flags_text(const Flags& f) {
    const std::string s = f.kernel_string();
    return s.empty() ? "none" : s;
}

// An absent mask is all ones: every bit of the magic counts (as does any byte a short mask lacks).
Bytes full_mask(const Entry& e) {
    Bytes mask = e.mask;
    mask.resize(e.magic.size(), 0xff);
    return mask;
}
Bytes under_mask(const Entry& e) {
    Bytes out = e.magic;
    const Bytes mask = full_mask(e);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] &= mask[i];
    return out;
}

// "WHAT byte I: kernel K, configuration C" for each index where the two (equally long) byte
// strings differ and `counts(I)`, at most kMaxBytesShown of them, then "and N more WHAT bytes".
template <typename Counts> void byte_differences(std::vector<std::string>& out, std::string_view what,
                                                 const Bytes& kernel, const Bytes& configuration, Counts counts) {
    std::size_t shown = 0, more = 0;
    for (std::size_t i = 0; i < kernel.size(); ++i) {
        if (kernel[i] == configuration[i] || !counts(i)) continue;
        if (shown == kMaxBytesShown) {
            ++more;
            continue;
        }
        ++shown;
        out.push_back(fmt::format("{} byte {}: kernel {}, configuration {}", what, i, hex_byte(kernel[i]),
                                  hex_byte(configuration[i])));
    }
    if (more) out.push_back(fmt::format("and {} more {} byte{}", more, what, more == 1 ? "" : "s"));
}

void magic_differences(std::vector<std::string>& out, const Entry& k, const Entry& c) {
    if (k.offset != c.offset) out.push_back(fmt::format("offset: kernel {}, configuration {}", k.offset, c.offset));
    if (k.magic.size() != c.magic.size()) {
        out.push_back(fmt::format("magic: kernel {} bytes, configuration {} bytes", k.magic.size(), c.magic.size()));
        return; // byte by byte would only repeat that
    }
    const Bytes km = full_mask(k), cm = full_mask(c);
    byte_differences(out, "mask", km, cm, [](std::size_t) { return true; });
    // The bytes as the kernel compares them; where the masks differ, the mask already says why.
    byte_differences(out, "magic", under_mask(k), under_mask(c), [&](std::size_t i) { return km[i] == cm[i]; });
}

} // namespace

std::vector<std::string> registration_differences(const Entry& k, const Entry& c) {
    std::vector<std::string> out;
    if (k.kind != c.kind) {
        out.push_back(fmt::format("kind: kernel {}, configuration {}", kind_name(k.kind), kind_name(c.kind)));
    } else if (k.kind == Kind::Extension) {
        if (k.extension != c.extension)
            out.push_back(fmt::format("extension: kernel {}, configuration {}", k.extension, c.extension));
    } else {
        magic_differences(out, k, c);
    }
    if (k.interpreter != c.interpreter)
        out.push_back(fmt::format("interpreter: kernel {}, configuration {}", k.interpreter,
                                  c.interpreter.empty() ? "none yet" : c.interpreter));
    if (k.flags.kernel_string() != c.flags.kernel_string())
        out.push_back(fmt::format("flags: kernel {}, configuration {}", flags_text(k.flags), flags_text(c.flags)));
    return out;
}

std::string describe_differences(const Entry& kernel, const Entry& configuration) {
    return fmt::format("{}", fmt::join(registration_differences(kernel, configuration), "; "));
}

} // namespace binfmt
