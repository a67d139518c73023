// binfmt-support's format records (/usr/share/binfmts/NAME): "key value" lines that
// update-binfmts turns into one register line, named after the file.
#pragma once

#include "config.hpp" // Diagnostic
#include "definition.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace binfmt {

// What binfmt-support registers as the interpreter of a record with a `detector`: its
// dispatcher, which asks each detector in turn.
inline constexpr std::string_view kRunDetectors = "/usr/lib/binfmt-support/run-detectors";

struct BinfmtsOptions {
    // Whether kRunDetectors exists: a record with a detector cannot run without it.
    bool run_detectors_installed = false;
};

// The record `text` (the file at `path`) named `name`. Keys: package, interpreter, magic,
// offset, mask, extension, detector, credentials, preserve, fix_binary (yes/no); blank lines
// and lines starting with '#' are skipped, an unknown key is a warning. The register line it
// stands for is read with the kernel's rules, as update-binfmts writes it (':' delimiters).
// Problems go to `diags` at the key's line and its value's column.
Definition parse_binfmts_record(const std::string& text, const std::string& path, const std::string& name,
                                const BinfmtsOptions& opts, std::vector<Diagnostic>& diags);

} // namespace binfmt
