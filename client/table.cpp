#include "table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace binfmtctl {

void print_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                 bool legend) {
    std::vector<std::size_t> width(header.size(), 0);
    auto measure = [&](const std::vector<std::string>& row) {
        for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) width[i] = std::max(width[i], row[i].size());
    };
    if (legend) measure(header);
    for (auto& r : rows) measure(r);

    const bool tty = ::isatty(STDOUT_FILENO);
    auto print_row = [&](const std::vector<std::string>& row, bool bold) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            // The last column is not padded: no trailing blanks.
            line += i + 1 < row.size() ? fmt::format("{:<{}}  ", row[i], width[i]) : row[i];
        }
        if (bold && tty) line = "\x1b[1m" + line + "\x1b[0m";
        std::fputs((line + "\n").c_str(), stdout);
    };
    if (legend) print_row(header, true);
    for (auto& r : rows) print_row(r, false);
}

} // namespace binfmtctl
