// binfmtctl's offline verbs: they use lib/ directly and need no daemon.
#pragma once

#include <string>
#include <vector>

namespace binfmtctl {

struct OutputOptions {
    bool json = false;
    bool legend = true;
};

// `binfmtctl validate [PATH...]`; no paths = the standard directories under `root`.
int verb_validate(const std::vector<std::string>& paths, const std::string& root, const OutputOptions& out);
// `binfmtctl presets`.
int verb_presets(const OutputOptions& out);

} // namespace binfmtctl
