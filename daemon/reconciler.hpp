// Makes the kernel table match the configuration: configuration + kernel table + runtime state
// -> plan (lib/plan) -> writes through the Kernel. The one writer of the state file.
#pragma once

#include "config.hpp"
#include "entry_checker.hpp"
#include "kernel.hpp"
#include "plan.hpp"
#include "state_store.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace binfmtd {

// The checks live in lib/ so that `binfmtctl validate` runs the very same ones.
using binfmt::EntryChecker;
using binfmt::file_identity;

struct ReconcileReport {
    std::vector<binfmt::PlannedEntry> entries;
    std::map<std::string, binfmt::Entry> defined;      // desired definitions, interpreters filled in
    std::map<std::string, binfmt::KernelEntry> kernel; // the table as read before acting, then as written
    std::vector<std::string> kernel_order;             // its names so, newest (tried first) first
    std::size_t writes = 0;                            // writes made to binfmt_misc
    // What those writes were, so that the watcher can tell our own inotify
    // events on binfmt_misc from someone else's.
    bool wrote_register = false;                 // some write to "register"
    std::set<std::string> wrote_entries;         // entry files written ("-1" removes)
    bool config_errors = false;                  // some file or definition was rejected
    std::vector<binfmt::Diagnostic> diagnostics; // the configuration's, as validate reports them
    MountState mount;                            // binfmt_misc as found
    std::set<std::string> kept_out;              // entries unregistered at run time (until reboot)
    std::map<std::string, binfmt::Owned> owned;  // what binfmtd owns afterwards, with each F pin
    // Interpreter paths whose appearance, replacement or removal matters
    // (chosen ones, and every candidate of a preset still waiting for one).
    std::vector<std::string> interpreter_paths;

    // Every managed entry active, disabled or pending, and the config clean.
    bool ok() const;
    std::string summary() const; // "3 active, 0 disabled, 1 pending, 0 failed, 2 foreign"
};

class Reconciler {
public:
    Reconciler(std::string root, Kernel& kernel);
    // Another layout than the system's under --root, and other owners trusted besides root (a
    // user's own instance: binfmtd --user).
    Reconciler(binfmt::Layout layout, binfmt::TrustedOwners owners, Kernel& kernel);

    // What to do when the kernel refuses the stand-in of a re-registration (see lib/plan.hpp).
    // Plain: remove the old entry and register the new one anyway, with a gap (the
    // configuration must get in). KeepOld: fail the entry and leave its old registration in
    // place (a caller's Register is refused rather than open a gap).
    enum class RefusedStandIn { Plain, KeepOld };
    ReconcileReport reconcile(RefusedStandIn refused_stand_in = RefusedStandIn::Plain);
    const EntryChecker& checker() const { return checker_; }

    // Keeps a configured entry out of the kernel until reboot (or lets it back in), from the
    // next reconcile on, which records it in the state file.
    void keep_out(const std::string& name, bool out) { keep_out_[name] = out; }
    // The state file's temporaries that an interrupted save left.
    std::vector<std::string> remove_stale_temporaries() const { return store_.remove_stale_temporaries(); }

private:
    RuntimeState load_state();
    binfmt::PlanInput plan_input(const binfmt::Config& cfg, const RuntimeState& state, ReconcileReport& report) const;
    void apply(const binfmt::Plan& plan, const binfmt::PlanInput& in, RefusedStandIn refused_stand_in,
               ReconcileReport& report, RuntimeState& state);
    void save(const RuntimeState& before, const RuntimeState& after);
    // One read of the configuration and the table and the writes it plans. `last`: no pass
    // follows, whatever raced_ says; only the last one logs the entries' states.
    ReconcileReport reconcile_pass(RefusedStandIn refused_stand_in, bool first, bool last);

    binfmt::Layout layout_;
    binfmt::TrustedOwners owners_;
    Kernel& kernel_;
    StateStore store_;
    EntryChecker checker_;
    std::map<std::string, bool> keep_out_; // requested since the last reconcile
    // Names the kernel refused with EEXIST in this pass although the plan had them absent:
    // another tool registered them after the table was read.
    std::set<std::string> raced_;
};

} // namespace binfmtd
