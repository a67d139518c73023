// The configuration files Register/Unregister write: one file per entry,
// NAME.toml in /run/binfmtd.d (runtime) or /etc/binfmtd.d (persist), marked as
// binfmtd's own so that a file an administrator wrote is never overwritten.
#pragma once

#include "entry.hpp"
#include "paths.hpp"
#include "status.hpp"

#include <optional>
#include <string>
#include <vector>

namespace binfmtd {

class DefinitionFiles {
public:
    explicit DefinitionFiles(const std::string& root);

    // Longest entry name that has a file of its own: NAME.toml must fit in one path component.
    static constexpr std::size_t kMaxName = binfmt::kNameMax - std::string_view(".toml").size();

    std::string path(const std::string& name, bool persist) const;
    // Whether the file exists, and whether binfmtd wrote it.
    bool exists(const std::string& name, bool persist) const;
    bool ours(const std::string& name, bool persist) const;
    // Current content, to restore it if the kernel then rejects the entry.
    std::optional<std::string> read(const std::string& name, bool persist) const;

    // write() replaces atomically; restore() puts back read()'s result. Failures are ReadOnly.
    Status write(const binfmt::Entry& entry, bool persist) const;
    Status restore(const std::string& name, bool persist, const std::optional<std::string>& content) const;
    Status remove(const std::string& name, bool persist) const;

    // Removes the temporaries an interrupted write left in both directories (binfmtd killed
    // between creating and renaming one): hidden, named like write_file_atomic's, and holding
    // nothing but the start of a file binfmtd writes. Returns the paths removed.
    std::vector<std::string> remove_stale_temporaries() const;

private:
    std::string runtime_dir_, persist_dir_;
};

} // namespace binfmtd
