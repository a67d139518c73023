// Reading one configuration file so that what is judged is what is read: never blocking (a
// FIFO, a device), regular files only, a size cap, and the trust rules applied to the open
// descriptor, not to a path that could name another file by the time it is opened.
#pragma once

#include "trust.hpp"

#include <cstddef>
#include <string>

namespace binfmt {

inline constexpr std::size_t kMaxConfigFileSize = 1 << 20; // 1 MiB: far above any real file

struct ConfigFile {
    enum class Outcome {
        Text,      // `text` holds the file
        Masked,    // a symlink to /dev/null, or empty
        Untrusted, // a non-root user could rewrite it (only when trust is checked)
        Refused,   // not a regular file, too large, or unreadable
    } outcome = Outcome::Refused;
    std::string text;
    std::string why; // for Untrusted and Refused: a sentence without the path
};

// `check_trust`: a file a non-root user could rewrite, or a path to it they could change (a symlink
// or directory on the way), would let them define what root executes. `owners`: who else than
// root may own the file and that path (a user's own instance: that user).
ConfigFile read_config_file(const std::string& path, bool check_trust, const TrustedOwners& owners = {});

} // namespace binfmt
