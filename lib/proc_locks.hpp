// Who holds a flock(2) on a file, as /proc/locks shows it: a PID for each lock and the locked
// file as device and inode. Used only to name whoever is in the way.
#pragma once

#include <optional>
#include <string_view>

namespace binfmt {

// The PID holding a FLOCK on the file with device `major`:`minor` and inode `inode`, in the
// text of /proc/locks; nullopt when none is listed (or its holder is outside our PID namespace).
std::optional<long> flock_holder(std::string_view proc_locks, unsigned major, unsigned minor, unsigned long inode);

// Whether any FLOCK is held on that file, whoever holds it (one outside our PID namespace too).
bool flock_held(std::string_view proc_locks, unsigned major, unsigned minor, unsigned long inode);

} // namespace binfmt
