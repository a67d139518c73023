// Aligned text tables for the terminal: columns for lists, label/value pairs for status.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace binfmtctl {

// True when stdout is a terminal that takes colors (not with NO_COLOR set or TERM=dumb).
bool color_enabled();

// ANSI color prefixes (empty when color is off); reset with kColorReset.
inline constexpr std::string_view kGreen = "\x1b[32m", kRed = "\x1b[31m", kYellow = "\x1b[33m", kBold = "\x1b[1m",
                                  kColorReset = "\x1b[0m";

// Picks a color (or "") for a cell from its column and text; only called on a color terminal.
using CellColor = std::function<std::string_view(std::size_t column, const std::string& text)>;

// Prints rows in columns two spaces apart; the header (if `legend`) in bold on a color terminal.
void print_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows, bool legend,
                 const CellColor& color = {});

struct Field {
    std::string label;
    std::string value;
    std::string_view color = {}; // one of the ANSI prefixes above, applied on a color terminal
};

// "      Name: value" lines, labels right-aligned (systemd's status layout).
void print_fields(const std::vector<Field>& fields);

} // namespace binfmtctl
