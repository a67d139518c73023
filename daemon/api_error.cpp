#include "api_error.hpp"

#include "bytes.hpp"
#include "escape.hpp"

#include <algorithm>

namespace binfmtd {

std::string ApiError::dbus_name() const { return std::string(binfmt::api_error(code_).dbus_name); }

std::string shorten(std::string_view value, std::size_t max) {
    if (value.size() <= max) return std::string(value);
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xc0) == 0x80) --cut; // a continuation byte
    return std::string(value.substr(0, cut)) + "...(" + std::to_string(value.size()) + " bytes)";
}

std::string for_dbus(std::string_view text) {
    // Nearly everything is plain ASCII (List sends it for every entry): hand it over whole.
    if (std::all_of(text.begin(), text.end(), [](char c) { return c != '\0' && static_cast<unsigned char>(c) < 0x80; }))
        return std::string(text);
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (std::size_t n = binfmt::utf8_sequence(text, i); n > 0 && text[i] != '\0') {
            out.append(text.substr(i, n));
            i += n;
        } else {
            binfmt::append_escaped(out, static_cast<std::uint8_t>(text[i++]));
        }
    }
    return out;
}

} // namespace binfmtd
