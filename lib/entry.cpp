#include "entry.hpp"

#include "escape.hpp"

#include <fmt/format.h>

namespace binfmt {

std::string_view kind_name(Kind kind) { return kind == Kind::Magic ? "magic" : "extension"; }

std::string Flags::kernel_string() const {
    std::string s;
    if (preserve_argv0) s += 'P';
    if (open_binary || credentials) s += 'O';
    if (credentials) s += 'C';
    if (fix_binary) s += 'F';
    return s;
}

bool Flags::parse(std::string_view letters, Flags& out) {
    Flags f;
    for (char c : letters) {
        switch (c) {
        case 'P': f.preserve_argv0 = true; break;
        case 'O': f.open_binary = true; break;
        case 'C': f.credentials = true; break;
        case 'F': f.fix_binary = true; break;
        default: return false;
        }
    }
    out = f;
    return true;
}

std::string Location::str() const {
    if (line <= 0) return escape(file);
    return fmt::format("{}:{}:{}", escape(file), line, column);
}

namespace {
// Magic bytes as the kernel compares them: each byte under its mask.
Bytes masked(const Entry& e) {
    Bytes out = e.magic;
    for (std::size_t i = 0; i < out.size() && i < e.mask.size(); ++i) out[i] &= e.mask[i];
    return out;
}
Bytes effective_mask(const Entry& e) { return e.mask.empty() ? Bytes(e.magic.size(), 0xff) : e.mask; }
} // namespace

bool Entry::same_registration(const Entry& o) const {
    if (kind != o.kind || interpreter != o.interpreter || flags.kernel_string() != o.flags.kernel_string())
        return false;
    if (kind == Kind::Extension) return extension == o.extension;
    return offset == o.offset && masked(*this) == masked(o) && effective_mask(*this) == effective_mask(o);
}

} // namespace binfmt
