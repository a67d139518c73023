#include "table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace binfmtctl {

bool color_enabled() {
    static const bool enabled = [] {
        const char* term = std::getenv("TERM");
        return ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR") && !(term && std::strcmp(term, "dumb") == 0);
    }();
    return enabled;
}

namespace {
std::string paint(std::string_view color, const std::string& text) {
    if (color.empty() || !color_enabled()) return text;
    return fmt::format("{}{}{}", color, text, kColorReset);
}
} // namespace

void print_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows, bool legend,
                 const CellColor& color) {
    std::vector<std::size_t> width(header.size(), 0);
    auto measure = [&](const std::vector<std::string>& row) {
        for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) width[i] = std::max(width[i], row[i].size());
    };
    if (legend) measure(header);
    for (auto& r : rows) measure(r);

    auto print_row = [&](const std::vector<std::string>& row, bool is_header) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            // Pad the plain text, then color it, so escape codes never shift columns.
            // The last column is not padded: no trailing blanks.
            const bool last = i + 1 == row.size();
            std::string cell = row[i];
            std::string pad = last || i >= width.size() ? "" : std::string(width[i] - cell.size() + 2, ' ');
            std::string_view c = !color_enabled() ? std::string_view{}
                                 : is_header      ? kBold
                                 : color          ? color(i, cell)
                                                  : std::string_view{};
            line += paint(c, cell) + pad;
        }
        std::fputs((line + "\n").c_str(), stdout);
    };
    if (legend) print_row(header, true);
    for (auto& r : rows) print_row(r, false);
}

void print_fields(const std::vector<Field>& fields) {
    std::size_t width = 0;
    for (auto& f : fields) width = std::max(width, f.label.size());
    for (auto& f : fields)
        std::fputs(fmt::format("{:>{}}: {}\n", f.label, width, paint(f.color, f.value)).c_str(), stdout);
}

} // namespace binfmtctl
