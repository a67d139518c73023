// What binfmtd registered, and what an administrator unregistered at run time,
// remembered across binfmtd's own restarts (under /run, so not across reboots,
// when the kernel table starts empty anyway).
#pragma once

#include "plan.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace binfmtd {

struct RuntimeState {
    std::map<std::string, binfmt::Owned> owned;
    // Configured entries unregistered without `persist`: kept out of the kernel until reboot.
    std::set<std::string> unregistered;
    bool operator==(const RuntimeState&) const = default;
};

class OwnershipStore {
public:
    // `root` as --root; the file is ROOT/run/binfmtd/state.json.
    explicit OwnershipStore(const std::string& root);

    const std::string& path() const { return path_; }
    // Missing file = empty state. A corrupt file is reported in `error` and treated as empty.
    RuntimeState load(std::string& error) const;
    // Atomic replace; false with `error` set on failure.
    bool save(const RuntimeState& state, std::string& error) const;
    // Removes the temporaries of a save that a crash interrupted (the directory is binfmtd's
    // own). Returns their paths.
    std::vector<std::string> remove_stale_temporaries() const;

private:
    std::string path_;
};

} // namespace binfmtd
