// Every configuration source binfmtd reads, and their precedence for one entry name:
// binfmtd.d (TOML) > systemd's binfmt.d > binfmt-support's records.
#pragma once

#include "config.hpp"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace binfmt {

// systemd-binfmt's directories, highest precedence first.
inline constexpr std::array<std::string_view, 5> kBinfmtDDirs{"/etc/binfmt.d", "/run/binfmt.d",
                                                              "/usr/local/lib/binfmt.d", "/usr/lib/binfmt.d",
                                                              "/lib/binfmt.d"};
inline constexpr std::string_view kBinfmtsDir = "/usr/share/binfmts";    // packages' records
inline constexpr std::string_view kBinfmtsAdminDir = "/var/lib/binfmts"; // what update-binfmts imported
inline constexpr std::string_view kSourcesFile = "/etc/binfmtd/sources"; // which sources are read

// Which of the other formats are read. binfmtd.d always is.
struct SourceSet {
    bool binfmt_d = true;
    bool binfmts = true;
};

// kSourcesFile under `root`: one source name a line ("binfmtd.d", "binfmt.d", "binfmts"), '#'
// comments; only the sources it lists are read. Without the file every source is read; an
// empty or masked file means binfmtd.d alone. Problems (an unknown name) go to `diags`.
SourceSet read_source_set(std::string_view root, const LoadOptions& opts, std::vector<Diagnostic>& diags);

// Whether a directory entry is one a package manager or an editor left behind (hidden, "~",
// ".dpkg-*", ".ucf-*"): never a definition.
bool ignored_name(std::string_view name);

// Every source `root` holds, with their precedence: the effective entries of all of them,
// sorted by name, each with its Source and origin.
Config load_sources(std::string_view root, const LoadOptions& opts);

// Explicit files and directories (binfmtctl validate FILE|DIR...), each read by its name: *.toml
// as binfmtd.d, *.conf as binfmt.d, any other file as a binfmts record named after it; a
// directory contributes its *.toml and *.conf files. No precedence between them beyond the
// first definition of a name winning, and no check that a record was imported.
Config load_source_paths(const std::vector<std::string>& paths, const LoadOptions& opts);

// The directories whose changes can change what load_sources() returns.
std::vector<std::string> source_dirs(std::string_view root);

} // namespace binfmt
