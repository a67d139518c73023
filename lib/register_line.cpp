#include "register_line.hpp"

#include "bytes.hpp"
#include "escape.hpp" // valid_utf8
#include "validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>

namespace binfmt {

namespace {

// For messages: the value as the user wrote it, control bytes escaped, and every byte past
// ASCII too when the value is not UTF-8 (a message must be).
std::string shown(std::string_view s) {
    const bool utf8 = valid_utf8(s);
    std::string out;
    for (char c : s) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b == 0x7f || (!utf8 && b >= 0x80)) append_escaped(out, b);
        else out += c;
    }
    return out;
}

// Walks the line field by field. Past the end of the line it reads delimiters, as the kernel
// does on the copy it pads with them.
class Fields {
public:
    explicit Fields(std::string_view line) : line_(line), del_(line.empty() ? ':' : line[0]) {}

    std::size_t pos() const { return pos_; }
    bool at_end() const { return pos_ >= line_.size(); }
    char peek() const { return at_end() ? del_ : line_[pos_]; }
    void skip() { ++pos_; }
    char delimiter() const { return del_; }

    // Up to the next delimiter, which is consumed.
    std::string_view plain() {
        const std::size_t start = std::min(pos_, line_.size());
        std::size_t end = line_.find(del_, start);
        if (end == std::string_view::npos) end = line_.size();
        pos_ = end + 1;
        return line_.substr(start, end - start);
    }
    // Like plain(), but every "\x" must be followed by two hex digits (the kernel's scanarg).
    // Returns false at a "\x" not followed by two hex digits, leaving pos() there.
    bool escaped(std::string_view& out) {
        const std::size_t start = std::min(pos_, line_.size());
        std::size_t i = start;
        while (i < line_.size() && line_[i] != del_) {
            if (line_[i] == '\\' && i + 1 < line_.size() && line_[i + 1] == 'x') {
                const bool two = i + 3 < line_.size() && hex_digit(line_[i + 2]) >= 0 && hex_digit(line_[i + 3]) >= 0;
                if (!two) {
                    pos_ = i;
                    return false;
                }
                i += 4;
                continue;
            }
            ++i;
        }
        out = line_.substr(start, i - start);
        pos_ = i + 1;
        return true;
    }

private:
    std::string_view line_;
    char del_;
    std::size_t pos_ = 1;
};

RegisterLine problem(RegisterLine r, std::size_t pos, std::string error) {
    r.ok = false;
    r.column = pos + 1;
    r.error = std::move(error);
    return r;
}

} // namespace

std::string utf8_problem(const Entry& e) {
    const std::pair<std::string_view, const std::string*> fields[] = {{"entry name", &e.name},
                                                                      {"extension", &e.extension},
                                                                      {"interpreter", &e.interpreter}};
    for (auto& [what, value] : fields)
        if (!valid_utf8(*value))
            return fmt::format("the {} \"{}\" is not UTF-8, which binfmtd cannot carry (TOML, D-Bus)", what,
                               shown(*value));
    return {};
}

Bytes kernel_unescape(std::string_view s) {
    Bytes out;
    for (std::size_t i = 0; i < s.size();) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            if (s[i + 1] == 'x' && i + 2 < s.size() && hex_digit(s[i + 2]) >= 0) {
                int value = hex_digit(s[i + 2]);
                i += 3;
                if (i < s.size() && hex_digit(s[i]) >= 0) value = value << 4 | hex_digit(s[i++]);
                out.push_back(static_cast<std::uint8_t>(value));
                continue;
            }
            // Not an escape: the backslash stands for itself, and so does what follows it.
            out.push_back('\\');
            ++i;
        }
        out.push_back(static_cast<std::uint8_t>(s[i++]));
    }
    return out;
}

namespace {
RegisterLine parse_fields(std::string_view line) {
    RegisterLine r;
    // What the kernel counts includes the newline systemd-binfmt ends the line with.
    if (line.size() + 1 < 11)
        return problem(r, 0,
                       fmt::format("\"{}\" is too short for a register line (:name:type:offset:magic:mask:"
                                   "interpreter:flags)",
                                   shown(line)));
    if (line.size() + 1 > kMaxRegisterLength)
        return problem(r, 0,
                       fmt::format("the line is {} bytes long (the kernel takes at most {})", line.size() + 1,
                                   kMaxRegisterLength));
    if (auto nul = line.find('\0'); nul != std::string_view::npos)
        return problem(r, nul, "the line contains a NUL byte");

    Fields f(line);
    const char del = f.delimiter();
    const std::size_t name_at = f.pos();
    const std::string_view name = f.plain();
    r.name = valid_utf8(name) ? std::string(name) : shown(name);
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos)
        return problem(r, name_at,
                       fmt::format("entry name \"{}\" is not a file name (empty, \".\", \"..\" or with '/')",
                                   shown(name)));

    const std::size_t type_at = f.pos();
    const char type = f.peek();
    if (type != 'M' && type != 'E')
        return problem(r, type_at,
                       fmt::format("type '{}' is neither M (magic) nor E (extension)",
                                   shown(std::string_view(&type, 1))));
    f.skip();
    if (f.peek() != del)
        return problem(r, f.pos(), fmt::format("the type is one letter, M or E, followed by '{}'", del));
    f.skip();

    Entry& e = r.entry;
    e.name = std::string(name); // as the kernel would name it; utf8_problem() tells whether binfmtd can
    if (type == 'M') {
        e.kind = Kind::Magic;
        const std::size_t offset_at = f.pos();
        const std::string_view offset = f.plain();
        if (!offset.empty()) {
            std::string_view digits = offset;
            if (digits.front() == '+') digits.remove_prefix(1);
            long long value = 0;
            bool good = !digits.empty();
            for (char c : digits) {
                if (c < '0' || c > '9' || value > INT_MAX) {
                    good = false;
                    break;
                }
                value = value * 10 + (c - '0');
            }
            if (!good || value > INT_MAX)
                return problem(r, offset_at, fmt::format("offset \"{}\" is not a decimal number", shown(offset)));
            e.offset = static_cast<std::uint32_t>(value);
        }
        const std::size_t magic_at = f.pos();
        std::string_view magic;
        if (!f.escaped(magic)) return problem(r, f.pos(), "\"\\x\" must be followed by two hex digits in the magic");
        if (magic.empty()) return problem(r, magic_at, "the magic is empty");
        const std::size_t mask_at = f.pos();
        std::string_view mask;
        if (!f.escaped(mask)) return problem(r, f.pos(), "\"\\x\" must be followed by two hex digits in the mask");
        e.magic = kernel_unescape(magic);
        if (!mask.empty()) {
            e.mask = kernel_unescape(mask);
            if (e.mask.size() != e.magic.size())
                return problem(r, mask_at,
                               fmt::format("the mask is {} bytes but the magic is {} bytes; they must be the same "
                                           "length",
                                           e.mask.size(), e.magic.size()));
        }
        if (e.magic.size() > kHeadSize || e.offset > kHeadSize - e.magic.size())
            return problem(r, magic_at,
                           fmt::format("offset {} + magic length {} exceeds the {} bytes the kernel reads", e.offset,
                                       e.magic.size(), kHeadSize));
    } else {
        e.kind = Kind::Extension;
        f.plain(); // the offset field: not used for an extension
        const std::size_t ext_at = f.pos();
        const std::string_view ext = f.plain();
        if (ext.empty() || ext.find('/') != std::string_view::npos)
            return problem(r, ext_at, fmt::format("extension \"{}\" is empty or contains '/'", shown(ext)));
        e.extension = std::string(ext);
        f.plain(); // the mask field: not used for an extension
    }

    const std::size_t interp_at = f.pos();
    const std::string_view interp = f.plain();
    if (interp.empty()) return problem(r, interp_at, "the interpreter is empty");
    if (f.pos() > line.size())
        return problem(r, interp_at,
                       fmt::format("no '{}' after the interpreter \"{}\" (the flags field follows it, even when "
                                   "empty)",
                                   del, shown(interp)));
    e.interpreter = std::string(interp);

    while (!f.at_end()) {
        const char c = f.peek();
        if (c == 'P') e.flags.preserve_argv0 = true;
        else if (c == 'O') e.flags.open_binary = true;
        else if (c == 'C') e.flags.credentials = true; // the kernel adds O, as kernel_string() shows
        else if (c == 'F') e.flags.fix_binary = true;
        else
            return problem(r, f.pos(),
                           fmt::format("flag '{}' is not one of P, O, C, F (or text after the flags)",
                                       shown(std::string_view(&c, 1))));
        f.skip();
    }
    r.ok = true;
    return r;
}

} // namespace

RegisterLine parse_register_line(std::string_view line) {
    RegisterLine r = parse_fields(line);
    // A field past the end of the line (the kernel reads delimiters there) is reported at its end.
    r.column = std::min(r.column, line.size() + 1);
    return r;
}

} // namespace binfmt
