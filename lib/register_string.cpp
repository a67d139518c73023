#include "register_string.hpp"

#include <fmt/format.h>

namespace binfmt {

std::optional<std::string> encode_register(const Entry& e) {
    // Magic and mask are fully \x-escaped, so only these fields can contain a delimiter.
    // '\\' is never a candidate: the kernel would unescape it in magic/mask.
    static constexpr std::string_view candidates = ":|,;!#%@^~=+&*";
    const std::string_view fields[] = {e.name, e.extension, e.interpreter};
    for (char d : candidates) {
        bool clash = false;
        for (auto f : fields) clash = clash || f.find(d) != std::string_view::npos;
        if (clash) continue;

        const bool magic = e.kind == Kind::Magic;
        return fmt::format("{0}{1}{0}{2}{0}{3}{0}{4}{0}{5}{0}{6}{0}{7}", d, e.name, magic ? 'M' : 'E',
                           magic && e.offset ? std::to_string(e.offset) : std::string(),
                           magic ? escape_all(e.magic) : e.extension, magic ? escape_all(e.mask) : std::string(),
                           e.interpreter, e.flags.kernel_string());
    }
    return std::nullopt;
}

} // namespace binfmt
