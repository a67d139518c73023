// Where binfmtd --user keeps a user's configuration and state: the XDG base directories.
#pragma once

#include "paths.hpp"

#include <optional>
#include <string>

namespace binfmtd {

// $XDG_CONFIG_HOME/binfmtd.d ($HOME/.config when unset) and $XDG_RUNTIME_DIR/binfmtd; nullopt with
// `why` set when a variable that is needed is unset or not an absolute path.
std::optional<binfmt::Layout> user_layout_from_environment(std::string& why);

} // namespace binfmtd
