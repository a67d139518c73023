// binfmtctl's offline verbs: they use lib/ directly and need no daemon.
#pragma once

#include "config.hpp"
#include "output.hpp"

#include <string>
#include <vector>

namespace binfmtctl {

// "file:line:col: error: [entry] message" lines; notes to stdout, the rest to stderr.
void print_diagnostics(const std::vector<binfmt::Diagnostic>& diagnostics);

// `binfmtctl validate [PATH...]`; no paths = the standard directories under `root`.
int verb_validate(const std::vector<std::string>& paths, const std::string& root, const OutputOptions& out);
// `binfmtctl presets`.
int verb_presets(const OutputOptions& out);

} // namespace binfmtctl
