// systemd's binfmt.d files (*.conf): one binfmt_misc register line per line, as
// systemd-binfmt writes them to the kernel.
#pragma once

#include "config.hpp" // Diagnostic
#include "definition.hpp"

#include <string>
#include <vector>

namespace binfmt {

// Every line of `text` (a file at `path`) in order, as systemd-binfmt reads it: whitespace
// around a line is dropped, empty lines and lines starting with '#' or ';' are comments, and
// each other line is a register line with the kernel's rules. A name defined twice appears
// twice: the later line is the one systemd-binfmt leaves registered. Problems go to `diags`
// with the line and the column of the offending field.
std::vector<Definition> parse_binfmt_d_text(const std::string& text, const std::string& path,
                                            std::vector<Diagnostic>& diags);

} // namespace binfmt
