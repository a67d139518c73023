// The configuration files Register/Unregister write: one file per entry,
// NAME.toml in /run/binfmtd.d (runtime) or /etc/binfmtd.d (persist), marked as
// binfmtd's own so that a file an administrator wrote is never overwritten.
#pragma once

#include "entry.hpp"

#include <optional>
#include <string>

namespace binfmtd {

class DefinitionFiles {
public:
    explicit DefinitionFiles(const std::string& root);

    std::string path(const std::string& name, bool persist) const;
    // Whether the file exists, and whether binfmtd wrote it.
    bool exists(const std::string& name, bool persist) const;
    bool ours(const std::string& name, bool persist) const;
    // Current content, to restore it if the kernel then rejects the entry.
    std::optional<std::string> read(const std::string& name, bool persist) const;

    // 0 or an errno. write() replaces atomically; restore() puts back read()'s result.
    int write(const binfmt::Entry& entry, bool persist) const;
    int restore(const std::string& name, bool persist, const std::optional<std::string>& content) const;
    int remove(const std::string& name, bool persist) const;

private:
    std::string runtime_dir_, persist_dir_;
};

} // namespace binfmtd
