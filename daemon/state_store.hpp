// binfmtd's run-time state: what it registered (ownership), and what an administrator
// unregistered at run time, remembered across binfmtd's own restarts (under /run, so not
// across reboots, when the kernel table starts empty anyway). The Reconciler is its one writer.
#pragma once

#include "paths.hpp"
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

// state.json, version 2: {"version": 2, "owned": {NAME: {origin, pinned, pinned-path,
// registration}}, "adopted": {NAME: {origin, registration}}, "unregistered": [NAME...]}.
// Version 1 (no "adopted") is read as it was meant: everything in "owned" stays owned.
class StateStore {
public:
    static constexpr unsigned kVersion = 2;

    // `root` as --root; the file is ROOT/run/binfmtd/state.json.
    explicit StateStore(const std::string& root);
    // The file as a Layout names it.
    explicit StateStore(const binfmt::Layout& layout) : path_(layout.state_file) {}

    const std::string& path() const { return path_; }
    bool exists() const;
    // A missing file is the empty state; a corrupt one is a failure (the caller goes on empty). A
    // newer version's entries are all read as adopted: kept, never changed, never removed.
    Result<RuntimeState> load() const;
    // Whether the last load() read a file of another version (or none): the next save() should
    // happen even if nothing changed, so that the file is in this version's format.
    bool needs_rewrite() const { return loaded_version_ != kVersion; }
    // Atomic replace.
    Status save(const RuntimeState& state) const;
    // Removes the temporaries of a save that a crash interrupted (the directory is binfmtd's
    // own). Returns their paths.
    std::vector<std::string> remove_stale_temporaries() const;

private:
    std::string path_;
    mutable unsigned long long loaded_version_ = 0;
};

} // namespace binfmtd
