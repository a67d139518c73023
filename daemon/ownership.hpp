// What binfmtd registered, remembered across its own restarts (under /run,
// so not across reboots, when the kernel table starts empty anyway).
#pragma once

#include "plan.hpp"

#include <map>
#include <string>

namespace binfmtd {

class OwnershipStore {
public:
    // `root` as --root; the file is ROOT/run/binfmtd/owned.json.
    explicit OwnershipStore(const std::string& root);

    const std::string& path() const { return path_; }
    // Missing file = nothing owned. A corrupt file is reported in `error` and treated as empty.
    std::map<std::string, binfmt::Owned> load(std::string& error) const;
    // Atomic replace (temp file, fsync, rename, fsync dir); false with `error` set on failure.
    bool save(const std::map<std::string, binfmt::Owned>& owned, std::string& error) const;

private:
    std::string path_;
};

} // namespace binfmtd
