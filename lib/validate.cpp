#include "validate.hpp"

#include "escape.hpp"
#include "paths.hpp"
#include "register_string.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace binfmt {

namespace {
// A control character (C0, DEL, C1), a bidirectional control, or a byte that is not UTF-8:
// whatever escape() would not show as itself. Such a name would act on a terminal or a log.
bool has_control(std::string_view s) { return escape_text(s) != s; }
} // namespace

std::string check_name(std::string_view name) {
    if (name.empty()) return "entry name is empty";
    if (name == "." || name == "..") return fmt::format("entry name \"{}\" is not a file name", name);
    if (name == "register" || name == "status")
        return fmt::format("entry name \"{}\" is reserved by binfmt_misc", name);
    if (name.size() > kNameMax) return fmt::format("entry name is {} bytes long (at most {})", name.size(), kNameMax);
    if (name.find('/') != std::string_view::npos) return fmt::format("entry name {} contains '/'", in_quotes(name));
    if (has_control(name) || name.find(' ') != std::string_view::npos)
        return fmt::format("entry name {} contains a space or control character", in_quotes(name));
    return {};
}

std::vector<KeyedProblem> validate_keyed(const Entry& e) {
    std::vector<KeyedProblem> problems;
    auto fail = [&](std::string_view key, std::string message) {
        problems.push_back({std::string(key), std::move(message)});
    };
    if (auto why = check_name(e.name); !why.empty()) fail({}, why);

    if (e.kind == Kind::Magic) {
        if (e.magic.empty()) fail("magic", "magic is empty");
        if (!e.mask.empty() && e.mask.size() != e.magic.size())
            fail("mask", fmt::format("mask is {} bytes but magic is {} bytes; they must be the same length",
                                     e.mask.size(), e.magic.size()));
        if (e.offset > kHeadSize || e.offset + e.magic.size() > kHeadSize)
            fail(e.offset > 0 ? "offset" : "magic",
                 fmt::format("offset {} + magic length {} exceeds the {} bytes the kernel reads", e.offset,
                             e.magic.size(), kHeadSize));
    } else {
        if (e.extension.empty()) fail("extension", "extension is empty");
        else if (e.extension.find('/') != std::string::npos || e.extension.find('.') != std::string::npos ||
                 has_control(e.extension))
            fail("extension", fmt::format("extension {} must be a bare suffix without '.', '/' or control "
                                          "characters (e.g. \"pyc\")",
                                          in_quotes(e.extension)));
    }

    if (e.interpreter.empty()) {
        if (e.preset.empty()) fail({}, "no interpreter (set `interpreter`)");
    } else if (e.interpreter.front() != '/')
        fail("interpreter", fmt::format("interpreter {} is not an absolute path", in_quotes(e.interpreter)));
    else if (has_control(e.interpreter))
        fail("interpreter", fmt::format("interpreter {} contains a control character", in_quotes(e.interpreter)));

    if (problems.empty()) {
        auto reg = encode_register(e);
        if (!reg) fail({}, "no delimiter character is free: the name, extension and interpreter use all of them");
        else if (reg->size() > kMaxRegisterLength)
            fail({}, fmt::format("register string is {} bytes (the kernel takes at most {})", reg->size(),
                                 kMaxRegisterLength));
    }
    return problems;
}

std::vector<std::string> validate(const Entry& e) {
    std::vector<std::string> messages;
    for (auto& p : validate_keyed(e)) messages.push_back(std::move(p.message));
    return messages;
}

} // namespace binfmt
