// Aligned text tables for the terminal.
#pragma once

#include <string>
#include <vector>

namespace binfmtctl {

// Prints rows in columns two spaces apart; the header (if `legend`) in bold on a TTY.
void print_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                 bool legend);

} // namespace binfmtctl
