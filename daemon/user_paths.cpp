#include "user_paths.hpp"

#include <fmt/format.h>

#include <cstdlib>

namespace binfmtd {

namespace {
// An XDG variable is ignored when it is relative (the specification says so); ours is then missing.
std::optional<std::string> absolute_env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || v[0] != '/') return std::nullopt;
    return std::string(v);
}
} // namespace

std::optional<binfmt::Layout> user_layout_from_environment(std::string& why) {
    std::optional<std::string> config = absolute_env("XDG_CONFIG_HOME");
    if (!config)
        if (auto home = absolute_env("HOME")) config = *home + "/.config";
    if (!config) {
        why = "--user needs XDG_CONFIG_HOME or HOME set to an absolute path (the configuration is "
              "$XDG_CONFIG_HOME/binfmtd.d, by default ~/.config/binfmtd.d)";
        return std::nullopt;
    }
    // The state lives as long as the user's session, like the runtime directory: no fallback to a
    // shared place such as /tmp, where another user could have made the directory first.
    auto runtime = absolute_env("XDG_RUNTIME_DIR");
    if (!runtime) {
        why = "--user needs XDG_RUNTIME_DIR set to an absolute path, a directory of this user's own (the "
              "state is kept in $XDG_RUNTIME_DIR/binfmtd)";
        return std::nullopt;
    }
    return binfmt::Layout::user(*config, *runtime);
}

} // namespace binfmtd
