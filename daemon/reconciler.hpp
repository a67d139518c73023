// Makes the kernel table match the configuration: config + kernel + ownership
// -> plan (lib/plan) -> writes through BinfmtFs.
#pragma once

#include "binfmt_fs.hpp"
#include "config.hpp"
#include "native.hpp"
#include "ownership.hpp"
#include "plan.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace binfmtd {

struct ReconcileReport {
    std::vector<binfmt::PlannedEntry> entries;
    std::map<std::string, binfmt::Entry> defined;       // desired definitions, interpreters resolved
    std::map<std::string, binfmt::KernelEntry> kernel;  // the table as read before acting
    std::size_t writes = 0;       // writes made to binfmt_misc
    // What those writes were, so that the watcher can tell our own inotify
    // events on binfmt_misc from someone else's.
    bool wrote_register = false;          // some write to "register"
    std::set<std::string> wrote_entries;  // entry files written ("-1" removes)
    bool config_errors = false;   // some file or definition was rejected
    std::string unusable;         // why binfmt_misc could not be used, if so
    bool mounted = false;         // binfmt_misc is mounted (perhaps read-only)
    // Interpreter paths whose appearance, replacement or removal matters
    // (resolved ones, and every candidate of a preset still waiting for one).
    std::vector<std::string> interpreter_paths;

    // Every managed entry active, disabled or pending, and the config clean.
    bool ok() const;
    std::string summary() const;  // "3 active, 0 disabled, 1 pending, 0 failed, 2 foreign"
};

class Reconciler {
public:
    Reconciler(std::string root, const BinfmtFs& fs);

    ReconcileReport reconcile();

    // The checks an entry passes before it may be registered: preset
    // interpreter resolution, interpreter trust, native guard.
    struct Verdict {
        enum class Kind { Ok, HostFamily, Missing, Unsafe, Native, Invalid } kind = Kind::Ok;
        std::string reason;
    };
    // Resolves `entry`'s preset interpreter in place.
    Verdict check(binfmt::Entry& entry) const;
    binfmt::Desired desire(const binfmt::Entry& entry) const;

    // Keeps a configured entry out of the kernel until reboot (or lets it back).
    void set_unregistered(const std::string& name, bool unregistered);

private:
    void apply(const binfmt::Plan& plan, ReconcileReport& report, RuntimeState& state) const;
    void save(const RuntimeState& state) const;

    std::string root_;
    const BinfmtFs& fs_;
    OwnershipStore store_;
    std::string host_family_;
    std::vector<binfmt::NativeSample> native_;
};

} // namespace binfmtd
