#include "escape.hpp"

#include "bytes.hpp"

#include <algorithm>

namespace binfmt {

std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    if (c < 0x80) return 1;
    std::size_t n;
    unsigned char lo = 0x80, hi = 0xbf; // allowed range of the second byte
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0) lo = 0xa0; // overlong
        if (c == 0xed) hi = 0x9f; // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0) lo = 0x90; // overlong
        if (c == 0xf4) hi = 0x8f; // above U+10FFFF
    } else {
        return 0;
    }
    if (i + n > s.size() || b(i + 1) < lo || b(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if ((b(i + k) & 0xc0) != 0x80) return 0;
    return n;
}

namespace {

char32_t code_point(std::string_view seq) {
    const auto b = [&](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(seq[k])); };
    switch (seq.size()) {
    case 1: return b(0);
    case 2: return ((b(0) & 0x1f) << 6) | (b(1) & 0x3f);
    case 3: return ((b(0) & 0x0f) << 12) | ((b(1) & 0x3f) << 6) | (b(2) & 0x3f);
    default: return ((b(0) & 0x07) << 18) | ((b(1) & 0x3f) << 12) | ((b(2) & 0x3f) << 6) | (b(3) & 0x3f);
    }
}

// Characters that are not shown as themselves: they act on the terminal or the log, or make
// the text read in another order than it is stored (U+200E/F, U+202A-E, U+2066-9).
bool unshown(char32_t c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0x200e || c == 0x200f ||
           (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

std::string render(std::string_view s, bool escape_backslash) {
    // Nearly everything is plain printable ASCII: hand it over whole.
    if (std::all_of(s.begin(), s.end(), [&](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u >= 0x20 && u < 0x7f && (c != '\\' || !escape_backslash);
        }))
        return std::string(s);
    std::string out;
    out.reserve(s.size() + 8);
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_sequence(s, i);
        if (n == 0) {
            append_escaped(out, static_cast<std::uint8_t>(s[i++]));
            continue;
        }
        const std::string_view seq = s.substr(i, n);
        if (unshown(code_point(seq))) {
            for (char c : seq) append_escaped(out, static_cast<std::uint8_t>(c));
        } else if (seq == "\\" && escape_backslash) {
            out += "\\\\";
        } else {
            out += seq;
        }
        i += n;
    }
    return out;
}

} // namespace

bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0, n; i < s.size(); i += n)
        if ((n = utf8_sequence(s, i)) == 0) return false;
    return true;
}

std::string escape(std::string_view s) { return render(s, true); }
std::string in_quotes(std::string_view s) { return "\"" + escape(s) + "\""; }
std::string escape_text(std::string_view s) { return render(s, false); }

} // namespace binfmt
