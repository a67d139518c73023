// A user-space model of how Linux parses a line written to binfmt_misc's `register` file:
// fs/binfmt_misc.c create_entry(), scanarg() and check_special_flags(), plus
// lib/string_helpers.c string_unescape_inplace(..., UNESCAPE_HEX) for magic and mask.
// Written from the kernel's rules, independently of lib/register_string.cpp, so that the
// round-trip fuzzer checks the encoder against the kernel, not against itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kmodel {

inline constexpr std::size_t kMaxRegisterLength = 1920; // MAX_REGISTER_LENGTH
inline constexpr int kBinprmBufSize = 256;              // BINPRM_BUF_SIZE

struct Parsed {
    std::string name;
    bool magic = false;
    int offset = 0;
    std::vector<std::uint8_t> magic_bytes; // decoded
    std::optional<std::vector<std::uint8_t>> mask;
    std::string extension;
    std::string interpreter;
    bool P = false, O = false, C = false, F = false;
};

namespace detail {
inline int hex_to_bin(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(c | 0x20);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}
inline bool isxdigit(char c) { return hex_to_bin(c) >= 0; }

// Kernel strchr: stops at NUL.
inline char* kstrchr(char* s, char c) {
    for (; *s != c; ++s)
        if (*s == '\0') return nullptr;
    return s;
}

inline char* scanarg(char* s, char del) {
    char c;
    while ((c = *s++) != del) {
        if (c == '\\' && *s == 'x') {
            s++;
            if (!isxdigit(*s++)) return nullptr;
            if (!isxdigit(*s++)) return nullptr;
        }
    }
    s[-1] = '\0';
    return s;
}

// string_unescape_inplace(src, UNESCAPE_HEX): returns the decoded bytes (the kernel
// returns their count and works on the NUL-terminated string in place).
inline std::vector<std::uint8_t> unescape_hex(const char* src) {
    std::vector<std::uint8_t> out;
    while (*src) {
        if (src[0] == '\\' && src[1] != '\0') {
            const char* q = src + 1;
            if (*q == 'x') {
                ++q;
                int digit = hex_to_bin(*q++);
                if (digit >= 0) {
                    auto num = static_cast<std::uint8_t>(digit);
                    int d2 = hex_to_bin(*q);
                    if (d2 >= 0) {
                        ++q;
                        num = static_cast<std::uint8_t>(num << 4 | d2);
                    }
                    out.push_back(num);
                    src = q;
                    continue;
                }
            }
            // Not an escape it knows: the backslash is kept, then the next character.
            out.push_back('\\');
            ++src;
        }
        out.push_back(static_cast<std::uint8_t>(*src++));
    }
    return out;
}

// kstrtoint(s, 10, &v): optional '+', decimal digits, an optional trailing newline.
inline bool kstrtoint(const char* s, int& v) {
    if (*s == '+') ++s;
    if (*s == '-') return false; // a negative offset is rejected by the caller anyway
    long long acc = 0;
    const char* start = s;
    while (*s >= '0' && *s <= '9') {
        acc = acc * 10 + (*s - '0');
        if (acc > 0x7fffffff) return false;
        ++s;
    }
    if (s == start) return false;
    if (*s == '\n') ++s;
    if (*s) return false;
    v = static_cast<int>(acc);
    return true;
}
} // namespace detail

// nullopt where the kernel answers EINVAL.
inline std::optional<Parsed> parse_register(std::string_view line) {
    using namespace detail;
    const std::size_t count = line.size();
    if (count < 11 || count > kMaxRegisterLength) return std::nullopt;
    // The kernel copies the line into a buffer padded with 8 delimiters.
    std::string buffer(line);
    const char del = buffer[0];
    buffer.append(8, del);
    buffer.push_back('\0'); // std::string's own terminator, made explicit for the pointer walk
    char* buf = buffer.data();
    char* p = buf + 1;
    Parsed e;

    char* name = p;
    p = kstrchr(p, del);
    if (!p) return std::nullopt;
    *p++ = '\0';
    if (!name[0] || std::string_view(name) == "." || std::string_view(name) == ".." ||
        std::string_view(name).find('/') != std::string_view::npos)
        return std::nullopt;
    e.name = name;

    switch (*p++) {
    case 'E': e.magic = false; break;
    case 'M': e.magic = true; break;
    default: return std::nullopt;
    }
    if (*p++ != del) return std::nullopt;

    if (e.magic) {
        char* s = kstrchr(p, del);
        if (!s) return std::nullopt;
        *s = '\0';
        if (p != s) {
            if (!kstrtoint(p, e.offset) || e.offset < 0) return std::nullopt;
        }
        p = s;
        if (*p++) return std::nullopt;

        char* magic = p;
        p = scanarg(p, del);
        if (!p) return std::nullopt;
        if (!magic[0]) return std::nullopt;

        char* mask = p;
        p = scanarg(p, del);
        if (!p) return std::nullopt;
        if (!mask[0]) mask = nullptr;

        e.magic_bytes = unescape_hex(magic);
        if (mask) {
            e.mask = unescape_hex(mask);
            if (e.mask->size() != e.magic_bytes.size()) return std::nullopt;
        }
        const int size = static_cast<int>(e.magic_bytes.size());
        if (size > kBinprmBufSize || kBinprmBufSize - size < e.offset) return std::nullopt;
    } else {
        p = kstrchr(p, del); // skip the offset field
        if (!p) return std::nullopt;
        *p++ = '\0';
        char* ext = p;
        p = kstrchr(p, del);
        if (!p) return std::nullopt;
        *p++ = '\0';
        if (!ext[0] || std::string_view(ext).find('/') != std::string_view::npos) return std::nullopt;
        e.extension = ext;
        p = kstrchr(p, del); // skip the mask field
        if (!p) return std::nullopt;
        *p++ = '\0';
    }

    char* interp = p;
    p = kstrchr(p, del);
    if (!p) return std::nullopt;
    *p++ = '\0';
    if (!interp[0]) return std::nullopt;
    e.interpreter = interp;

    for (bool more = true; more;) {
        switch (*p) {
        case 'P':
            ++p;
            e.P = true;
            break;
        case 'O':
            ++p;
            e.O = true;
            break;
        case 'C':
            ++p;
            e.C = e.O = true;
            break;
        case 'F':
            ++p;
            e.F = true;
            break;
        default: more = false;
        }
    }
    if (*p == '\n') ++p;
    if (p != buf + count) return std::nullopt;
    return e;
}

} // namespace kmodel
