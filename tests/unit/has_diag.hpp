// Whether diagnostics hold one saying `text` at line:column: the parsers' tests all ask it.
#pragma once

#include "config.hpp" // Diagnostic

#include <string_view>
#include <vector>

namespace unit {

inline bool has_diag(const std::vector<binfmt::Diagnostic>& diags, std::string_view text, int line, int column) {
    for (auto& d : diags)
        if (d.str().find(text) != std::string::npos && d.where.line == line && d.where.column == column) return true;
    return false;
}

} // namespace unit
