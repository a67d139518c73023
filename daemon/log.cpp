#include "log.hpp"

#include "escape.hpp"

#include <array>
#include <cstdio>
#include <string>

namespace binfmtd::log {

namespace {
Level max_level = Info;
}

void set_max_level(Level level) { max_level = level; }

bool parse_level(std::string_view text, Level& out) {
    static constexpr std::array<std::pair<std::string_view, Level>, 5> names{
        {{"err", Err}, {"warning", Warning}, {"notice", Notice}, {"info", Info}, {"debug", Debug}}};
    for (auto [name, level] : names)
        if (text == name) {
            out = level;
            return true;
        }
    return false;
}

void write(Level level, std::string_view message) {
    if (level > max_level) return;
    // One write per line so concurrent writers never interleave inside a line. A newline or
    // escape sequence in a value (an entry's name, a path) is shown as \xHH: it can neither start
    // a line of its own with its own <N> priority nor act on the terminal.
    std::string line = fmt::format("<{}>{}\n", static_cast<int>(level), binfmt::escape_text(message));
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

} // namespace binfmtd::log
