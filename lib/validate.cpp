#include "validate.hpp"

#include "paths.hpp"

#include "register_string.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace binfmt {

namespace {
bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}
} // namespace

std::string check_name(std::string_view name) {
    if (name.empty()) return "entry name is empty";
    if (name == "." || name == "..") return fmt::format("entry name \"{}\" is not a file name", name);
    if (name == "register" || name == "status")
        return fmt::format("entry name \"{}\" is reserved by binfmt_misc", name);
    if (name.size() > kNameMax) return fmt::format("entry name is {} bytes long (at most {})", name.size(), kNameMax);
    if (name.find('/') != std::string_view::npos) return fmt::format("entry name \"{}\" contains '/'", name);
    if (has_control(name) || name.find(' ') != std::string_view::npos)
        return fmt::format("entry name \"{}\" contains a space or control character", name);
    return {};
}

std::vector<std::string> validate(const Entry& e) {
    std::vector<std::string> problems;
    if (auto why = check_name(e.name); !why.empty()) problems.push_back(why);

    if (e.kind == Kind::Magic) {
        if (e.magic.empty()) problems.push_back("magic is empty");
        if (!e.mask.empty() && e.mask.size() != e.magic.size())
            problems.push_back(fmt::format("mask is {} bytes but magic is {} bytes; they must be the same length",
                                           e.mask.size(), e.magic.size()));
        if (e.offset > kHeadSize || e.offset + e.magic.size() > kHeadSize)
            problems.push_back(fmt::format("offset {} + magic length {} exceeds the {} bytes the kernel reads",
                                           e.offset, e.magic.size(), kHeadSize));
    } else {
        if (e.extension.empty()) problems.push_back("extension is empty");
        else if (e.extension.find('/') != std::string::npos || e.extension.find('.') != std::string::npos ||
                 has_control(e.extension))
            problems.push_back(fmt::format("extension \"{}\" must be a bare suffix without '.', '/' or control "
                                           "characters (e.g. \"pyc\")",
                                           e.extension));
    }

    if (e.interpreter.empty()) {
        if (e.preset.empty()) problems.push_back("no interpreter (set `interpreter`)");
    } else if (e.interpreter.front() != '/')
        problems.push_back(fmt::format("interpreter \"{}\" is not an absolute path", e.interpreter));
    else if (has_control(e.interpreter))
        problems.push_back(fmt::format("interpreter \"{}\" contains a control character", e.interpreter));

    if (problems.empty()) {
        auto reg = encode_register(e);
        if (!reg)
            problems.push_back("no delimiter character is free: the name, extension and interpreter use all of them");
        else if (reg->size() > kMaxRegisterLength)
            problems.push_back(fmt::format("register string is {} bytes (the kernel takes at most {})", reg->size(),
                                           kMaxRegisterLength));
    }
    return problems;
}

} // namespace binfmt
