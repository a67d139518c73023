// binfmtd's run-time state: what it registered (ownership), and what an administrator
// unregistered at run time, remembered across binfmtd's own restarts (under /run, so not
// across reboots, when the kernel table starts empty anyway). The Reconciler is its one writer.
#pragma once

#include "plan.hpp"
#include "status.hpp"

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

class StateStore {
public:
    // `root` as --root; the file is ROOT/run/binfmtd/state.json.
    explicit StateStore(const std::string& root);

    const std::string& path() const { return path_; }
    bool exists() const;
    // A missing file is the empty state; a corrupt one is a failure (the caller goes on empty).
    Result<RuntimeState> load() const;
    // Atomic replace.
    Status save(const RuntimeState& state) const;
    // Removes the temporaries of a save that a crash interrupted (the directory is binfmtd's
    // own). Returns their paths.
    std::vector<std::string> remove_stale_temporaries() const;

private:
    std::string path_;
};

} // namespace binfmtd
