#include "kernel_entry.hpp"

#include <fmt/format.h>

#include <charconv>

namespace binfmt {

namespace {
bool starts_with_key(std::string_view line, std::string_view key, std::string_view& value) {
    if (!line.starts_with(key)) return false;
    value = line.substr(key.size());
    return true;
}
} // namespace

std::optional<KernelEntry> decode_kernel_entry(std::string_view name, std::string_view text, std::string& error) {
    KernelEntry ke;
    ke.entry.name = std::string(name);
    bool have_state = false, have_interp = false, have_match = false;

    std::size_t pos = 0;
    while (pos < text.size()) {
        auto nl = text.find('\n', pos);
        std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.size() - pos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        if (line.empty()) continue;

        std::string_view v;
        if (line == "enabled" || line == "disabled") {
            ke.enabled = line == "enabled";
            have_state = true;
        } else if (starts_with_key(line, "interpreter ", v)) {
            ke.entry.interpreter = std::string(v);
            have_interp = true;
        } else if (starts_with_key(line, "flags: ", v) || line == "flags:") {
            if (!Flags::parse(v, ke.entry.flags)) {
                error = fmt::format("unknown flags \"{}\"", v);
                return std::nullopt;
            }
        } else if (starts_with_key(line, "offset ", v)) {
            auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), ke.entry.offset);
            if (ec != std::errc() || p != v.data() + v.size()) {
                error = fmt::format("bad offset \"{}\"", v);
                return std::nullopt;
            }
        } else if (starts_with_key(line, "magic ", v)) {
            auto bytes = from_hex(v);
            if (!bytes) {
                error = fmt::format("bad magic \"{}\"", v);
                return std::nullopt;
            }
            ke.entry.kind = Kind::Magic;
            ke.entry.magic = std::move(*bytes);
            have_match = true;
        } else if (starts_with_key(line, "mask ", v)) {
            auto bytes = from_hex(v);
            if (!bytes) {
                error = fmt::format("bad mask \"{}\"", v);
                return std::nullopt;
            }
            ke.entry.mask = std::move(*bytes);
        } else if (starts_with_key(line, "extension .", v)) {
            ke.entry.kind = Kind::Extension;
            ke.entry.extension = std::string(v);
            have_match = true;
        } else {
            error = fmt::format("unexpected line \"{}\"", line);
            return std::nullopt;
        }
    }
    if (!have_state || !have_interp || !have_match) {
        error = "incomplete entry (missing state, interpreter, or magic/extension)";
        return std::nullopt;
    }
    ke.entry.enabled = ke.enabled;
    return ke;
}

} // namespace binfmt
