#include "spec.hpp"

#include "did_you_mean.hpp"
#include "escape.hpp"
#include "presets.hpp"
#include "validate.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>

namespace binfmt {

namespace {

struct FlagKey {
    std::string_view key;
    bool Flags::*flag;
};
constexpr std::array<FlagKey, 4> kFlagKeys{{{"preserve-argv0", &Flags::preserve_argv0},
                                            {"open-binary", &Flags::open_binary},
                                            {"credentials", &Flags::credentials},
                                            {"fix-binary", &Flags::fix_binary}}};

constexpr std::array<std::string_view, 13> kKeys{"preset",      "magic",       "mask",       "offset",
                                                 "extension",   "interpreter", "fix-binary", "preserve-argv0",
                                                 "open-binary", "credentials", "enabled",    "force",
                                                 "priority"};

bool known(std::string_view key) { return std::find(kKeys.begin(), kKeys.end(), key) != kKeys.end(); }

std::string unknown_key(std::string_view key) {
    const std::string_view near = closest(key, kKeys);
    return fmt::format("unknown key {}{} (known: {})", in_quotes(key),
                       near.empty() ? "" : fmt::format("; did you mean `{}`?", near), fmt::join(kKeys, ", "));
}

template <typename T> constexpr std::string_view type_name() {
    if constexpr (std::is_same_v<T, bool>) return "true or false";
    else if constexpr (std::is_same_v<T, std::uint32_t>) return "an unsigned integer";
    else if constexpr (std::is_same_v<T, std::int32_t>) return "a signed 32-bit integer (D-Bus type i)";
    else if constexpr (std::is_same_v<T, std::string>) return "a string";
    else return "bytes";
}

// TOML-style escaping for basic strings.
std::string quote(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\', out += c;
        else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) out += fmt::format("\\u{:04x}", c);
        else out += c;
    }
    return out + "\"";
}

// A literal string holding the bytes in kernel escape syntax.
std::string quote_bytes(const Bytes& b) {
    std::string out = "'";
    for (auto byte : b) {
        if (byte >= 0x20 && byte < 0x7f && byte != '\\' && byte != '\'') out += static_cast<char>(byte);
        else if (byte == '\\') out += "\\\\";
        else out += fmt::format("\\x{:02x}", byte);
    }
    return out + "'";
}

std::string bare_or_quoted_key(std::string_view name) {
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return quote(name);
    return std::string(name);
}

} // namespace

bool entry_from_spec(const std::string& name, const Spec& spec, Entry& e, std::vector<SpecProblem>& problems) {
    const std::size_t before = problems.size();
    auto fail = [&](std::string key, std::string msg) { problems.push_back({std::move(key), std::move(msg)}); };
    auto get = [&]<typename T>(const std::string& key, T& out) {
        auto it = spec.find(key);
        if (it == spec.end()) return false;
        if (const T* v = std::get_if<T>(&it->second)) {
            out = *v;
            return true;
        }
        fail(key, fmt::format("`{}` must be {}", key, type_name<T>()));
        return false;
    };

    e.name = name;
    for (auto& [key, value] : spec)
        if (!known(key)) fail(key, unknown_key(key));

    const bool has_magic = spec.count("magic"), has_ext = spec.count("extension"), has_preset = spec.count("preset");
    const int sources = has_magic + has_ext + has_preset;
    if (sources != 1)
        fail({}, sources == 0 ? "needs one of `magic`, `extension` or `preset`"
                              : "`magic`, `extension` and `preset` exclude each other; use one");

    std::string text;
    if (get("preset", text)) {
        if (const Preset* p = find_preset(text)) {
            Entry base = entry_from_preset(*p);
            e.kind = base.kind, e.magic = base.magic, e.mask = base.mask, e.flags = base.flags, e.preset = text;
        } else {
            fail("preset", fmt::format("unknown preset {} (see `binfmtctl presets`)", in_quotes(text)));
        }
    }
    if (get("magic", e.magic)) e.kind = Kind::Magic;
    if (spec.count("mask") && !has_magic) fail("mask", "`mask` needs `magic`");
    get("mask", e.mask);
    if (spec.count("offset") && !has_magic) fail("offset", "`offset` needs `magic`");
    get("offset", e.offset);
    if (get("extension", e.extension)) e.kind = Kind::Extension;
    get("interpreter", e.interpreter);
    get("enabled", e.enabled);
    get("force", e.force);
    get("priority", e.priority);
    for (auto& f : kFlagKeys) get(std::string(f.key), e.flags.*f.flag); // overrides a preset's defaults

    if (problems.size() == before)
        for (auto& p : validate_keyed(e)) fail(std::move(p.key), std::move(p.message));
    return problems.size() == before;
}

namespace {
Flags default_flags(const Entry& e) {
    const Preset* p = e.preset.empty() ? nullptr : find_preset(e.preset);
    return p ? entry_from_preset(*p).flags : Flags{};
}
} // namespace

Spec to_spec(const Entry& e) {
    Spec spec;
    if (!e.preset.empty()) {
        spec["preset"] = e.preset;
    } else if (e.kind == Kind::Magic) {
        spec["magic"] = e.magic;
        if (!e.mask.empty()) spec["mask"] = e.mask;
        if (e.offset) spec["offset"] = e.offset;
    } else {
        spec["extension"] = e.extension;
    }
    if (!e.interpreter.empty()) spec["interpreter"] = e.interpreter;
    const Flags defaults = default_flags(e);
    for (auto& f : kFlagKeys)
        if (e.flags.*f.flag != defaults.*f.flag) spec[std::string(f.key)] = e.flags.*f.flag;
    if (!e.enabled) spec["enabled"] = false;
    if (e.force) spec["force"] = true;
    if (e.priority) spec["priority"] = e.priority;
    return spec;
}

std::string to_toml(const Entry& e) {
    std::string out = fmt::format("[{}]\n", bare_or_quoted_key(e.name));
    const Flags defaults = default_flags(e);
    if (!e.preset.empty()) {
        out += fmt::format("preset = {}\n", quote(e.preset));
    } else if (e.kind == Kind::Magic) {
        out += fmt::format("magic = {}\n", quote_bytes(e.magic));
        if (!e.mask.empty()) out += fmt::format("mask = {}\n", quote_bytes(e.mask));
        if (e.offset) out += fmt::format("offset = {}\n", e.offset);
    } else {
        out += fmt::format("extension = {}\n", quote(e.extension));
    }
    if (!e.interpreter.empty()) out += fmt::format("interpreter = {}\n", quote(e.interpreter));
    for (auto& f : kFlagKeys)
        if (e.flags.*f.flag != defaults.*f.flag) out += fmt::format("{} = {}\n", f.key, e.flags.*f.flag);
    if (!e.enabled) out += "enabled = false\n";
    if (e.force) out += "force = true\n";
    if (e.priority) out += fmt::format("priority = {}\n", e.priority);
    return out;
}

} // namespace binfmt
