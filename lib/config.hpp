// Loading /etc/binfmtd.d-style TOML configuration: directory precedence,
// same-name file override, masking, and entry-level precedence.
#pragma once

#include "entry.hpp"
#include "paths.hpp" // config_dirs
#include "trust.hpp" // TrustedOwners

#include <map>
#include <string>
#include <vector>

namespace binfmt {

enum class Severity { Error, Warning, Info };

struct Diagnostic {
    Severity severity = Severity::Error;
    Location where;
    std::string entry; // entry name, empty for file-level problems
    std::string message;
    std::string str() const; // "file:line:col: [entry] message"
};

struct LoadOptions {
    // Ignore files a non-root user could modify, with a diagnostic of this severity (the daemon
    // warns and goes on; `binfmtctl validate` fails).
    bool check_trust = true;
    Severity untrusted = Severity::Warning;
    // load_config_paths: the directories whose files are judged by the ownership rule even when
    // check_trust is false (the standard directories: what binfmtd would read).
    std::vector<std::string> trusted_dirs = {};
};

struct Config {
    // Effective, valid definitions, sorted by name. A preset entry without an
    // explicit interpreter has it empty: the daemon finds one when it acts.
    std::vector<Entry> entries;
    std::vector<std::string> files;        // effective files that were read
    std::vector<std::string> broken_files; // effective files that failed to parse or were refused
    // Names defined but rejected -> the first error about each (as Diagnostic::str()).
    std::map<std::string, std::string> invalid_entries;
    std::vector<Diagnostic> diagnostics;
    bool has_errors() const;
};

// Parses one file's text. `path` names it in diagnostics.
// Appends valid entries to `out`, problems to `diags`; returns false when the
// file as a whole could not be parsed.
bool parse_config_text(const std::string& text, const std::string& path, std::vector<Entry>& out,
                       std::vector<std::string>& invalid, std::vector<Diagnostic>& diags);

// Loads the given directories (highest precedence first) with conf.d rules. `owners`: whose files
// are trusted (root's; in a user's own instance that user's too).
Config load_config_dirs(const std::vector<std::string>& dirs, const LoadOptions& opts,
                        const TrustedOwners& owners = {});

// Loads explicit files and/or directories as given (binfmtctl validate FILE|DIR...):
// directories contribute their *.toml files; no cross-directory masking. The paths rank as the
// files of one directory do: for an entry defined twice, the later path wins. A file inside one
// of opts.trusted_dirs is judged by the ownership rule whatever opts.check_trust says.
// True when `path` (a file, or a directory when `is_dir`) lies directly in one of `dirs`, both
// compared as the real paths of their directories.
bool in_dirs(const std::string& path, bool is_dir, const std::vector<std::string>& dirs);
Config load_config_paths(const std::vector<std::string>& paths, const LoadOptions& opts);

} // namespace binfmt
