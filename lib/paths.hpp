// Where binfmtd's files live, and the limits of path names: each rule written once.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace binfmt {

inline constexpr std::size_t kNameMax = 255; // NAME_MAX: one path component
inline constexpr int kMaxSymlinkHops = 40;   // the kernel's limit on a path's symlinks (ELOOP)

// The configuration directories, highest precedence first, as on the real root.
inline constexpr std::array<std::string_view, 4> kConfigDirs{"/etc/binfmtd.d", "/run/binfmtd.d",
                                                             "/usr/local/lib/binfmtd.d", "/usr/lib/binfmtd.d"};
inline constexpr std::string_view kPersistDir = kConfigDirs[0]; // Register with persist
inline constexpr std::string_view kRuntimeDir = kConfigDirs[1]; // Register without it
inline constexpr std::string_view kStateFile = "/run/binfmtd/state.json";

// `path` (absolute) under `root`, as systemd tools' --root: "" and "/" are the real root.
std::string under_root(std::string_view root, std::string_view path);

// kConfigDirs under `root`.
std::vector<std::string> config_dirs(std::string_view root);

// Whether a definition in the configuration file `a` wins over one in `b`, both in `dirs`
// (highest precedence first): the higher directory; within one, the file that sorts last.
bool takes_precedence(const std::string& a, const std::string& b, const std::vector<std::string>& dirs);

// What one binfmtd reads and keeps: the configuration directories (highest precedence first) and
// its state file.
struct Layout {
    std::vector<std::string> config_dirs;
    std::string state_file;
    // The system's: the other formats' sources (binfmt.d, binfmts) are read too, under this root.
    std::optional<std::string> system_root = {};

    // The system's, under --root.
    static Layout system(std::string_view root);
    // A user's own instance (binfmtd --user): CONFIG_HOME/binfmtd.d alone, and
    // RUNTIME_DIR/binfmtd/state.json ($XDG_CONFIG_HOME and $XDG_RUNTIME_DIR).
    static Layout user(std::string_view config_home, std::string_view runtime_dir);
};

} // namespace binfmt
