#include "bytes.hpp"

#include <fmt/format.h>

namespace binfmt {

namespace {
constexpr char kHexDigits[] = "0123456789abcdef";
} // namespace

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string to_hex(const Bytes& bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (auto b : bytes) {
        out += kHexDigits[b >> 4];
        out += kHexDigits[b & 0xf];
    }
    return out;
}

std::optional<Bytes> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    Bytes out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
    }
    return out;
}

void append_escaped(std::string& out, std::uint8_t byte) {
    const char esc[4] = {'\\', 'x', kHexDigits[byte >> 4], kHexDigits[byte & 0xf]};
    out.append(esc, sizeof esc);
}

std::string escape_all(const Bytes& bytes) {
    // A table, not fmt::format per byte: this runs for every magic and mask of every reconcile.
    std::string out;
    out.reserve(bytes.size() * 4);
    for (auto b : bytes) {
        append_escaped(out, b);
    }
    return out;
}

std::optional<Bytes> unescape(std::string_view text, std::string& error) {
    Bytes out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c != '\\') {
            out.push_back(static_cast<std::uint8_t>(c));
            continue;
        }
        if (i + 1 < text.size() && text[i + 1] == '\\') {
            out.push_back('\\');
            ++i;
            continue;
        }
        if (i + 3 < text.size() && text[i + 1] == 'x' && hex_digit(text[i + 2]) >= 0 && hex_digit(text[i + 3]) >= 0) {
            out.push_back(static_cast<std::uint8_t>(hex_digit(text[i + 2]) << 4 | hex_digit(text[i + 3])));
            i += 3;
            continue;
        }
        error = fmt::format("bad escape \"{}\" at byte {} (use \\xHH or \\\\)",
                            text.substr(i, std::min<std::size_t>(4, text.size() - i)), i);
        return std::nullopt;
    }
    return out;
}

std::string printable(const Bytes& bytes) {
    std::string out;
    out.reserve(bytes.size() * 4);
    for (auto b : bytes) {
        if (b >= 0x20 && b < 0x7f && b != '\\') {
            out += static_cast<char>(b);
        } else {
            append_escaped(out, b);
        }
    }
    return out;
}

} // namespace binfmt
