// Logging to stderr with sd-daemon "<N>" priority prefixes (journald maps them).
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace binfmtd::log {

enum Level { Err = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };

void set_max_level(Level level);
// "err", "warning", "notice", "info", "debug"; false if unknown.
bool parse_level(std::string_view text, Level& out);
void write(Level level, std::string_view message);

template <typename... Args> void error(fmt::format_string<Args...> f, Args&&... args) {
    write(Err, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args> void warning(fmt::format_string<Args...> f, Args&&... args) {
    write(Warning, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args> void info(fmt::format_string<Args...> f, Args&&... args) {
    write(Info, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args> void debug(fmt::format_string<Args...> f, Args&&... args) {
    write(Debug, fmt::format(f, std::forward<Args>(args)...));
}

} // namespace binfmtd::log
