// binfmtd --user: a binfmt_misc instance of the user's own, with no privilege at all (Linux >= 6.7
// gives every user namespace its own instance). Two processes share the work, because neither
// side of the namespace boundary sees everything:
// - this process enters a new user namespace (its uid and gid mapped to 0) and mount namespace,
//   mounts the instance on /proc/sys/fs/binfmt_misc there, and becomes the command, which keeps the
//   instance alive for as long as it (or anything it started there) runs;
// - a helper forked first stays in the caller's namespaces, where stat(2) shows every file's real
//   owner (inside, root's and every other user's files look like the overflow uid) and where the
//   kernel opens an F entry's interpreter while registering it; it fills the instance through
//   /proc/PID/root before the command starts.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace binfmtd {

// `fill(binfmt_dir)` runs in the helper and returns an exit code; unless it is 0 the command does
// not run. Returns only when the command could not be started (the exit code to leave with);
// otherwise this process has become the command.
int run_in_own_instance(const std::vector<std::string>& command, const std::function<int(const std::string&)>& fill);

// Whether this process is in the initial user namespace, the only one where stat(2) shows every
// file's real owner.
bool in_initial_user_namespace();

} // namespace binfmtd
