#include "api_error.hpp"

#include "bytes.hpp"

#include <algorithm>

namespace binfmtd {

std::string ApiError::dbus_name() const { return std::string(binfmt::api_error(code_).dbus_name); }

std::string shorten(std::string_view value, std::size_t max) {
    if (value.size() <= max) return std::string(value);
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xc0) == 0x80) --cut; // a continuation byte
    return std::string(value.substr(0, cut)) + "...(" + std::to_string(value.size()) + " bytes)";
}

namespace {
// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0.
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
} // namespace

std::string for_dbus(std::string_view text) {
    // Nearly everything is plain ASCII (List sends it for every entry): hand it over whole.
    if (std::all_of(text.begin(), text.end(), [](char c) { return c != '\0' && static_cast<unsigned char>(c) < 0x80; }))
        return std::string(text);
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (std::size_t n = utf8_sequence(text, i); n > 0 && text[i] != '\0') {
            out.append(text.substr(i, n));
            i += n;
        } else {
            binfmt::append_escaped(out, static_cast<std::uint8_t>(text[i++]));
        }
    }
    return out;
}

} // namespace binfmtd
