// The service's core, free of D-Bus types: answers queries from the last
// reconcile, carries out Register/Unregister/Reload, and reports state changes.
#pragma once

#include "definitions.hpp"
#include "entry_record.hpp"
#include "kernel.hpp"
#include "reconciler.hpp"
#include "spec.hpp"
#include "status.hpp"

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace binfmtd {

// One entry of a RegisterAll.
struct Registration {
    std::string name;
    binfmt::Spec spec;
};

// binfmt_misc as the last reconcile found it: the properties Mounted, Writable, KernelEnabled.
struct MountFacts {
    bool mounted = false;        // a binfmt_misc file system is there
    bool writable = false;       // this binfmtd can change its entries
    bool kernel_enabled = false; // its `status` is 1: the kernel runs its enabled entries
    bool operator==(const MountFacts&) const = default;
};

struct RegisterOptions {
    bool persist = false;
    bool replace = false;
    bool force = false;
};

class Manager {
public:
    Manager(const std::string& root, Kernel& kernel);

    // Re-reads configuration and kernel, reconciles, reports changes.
    void reload();

    std::vector<binfmt::EntryRecord> list() const;
    Result<binfmt::EntryRecord> get(const std::string& name) const; // NoSuchEntry
    std::string describe() const;                                   // JSON
    const MountFacts& mount() const { return mount_; }
    const ReconcileReport& last() const { return last_; }
    std::string summary() const { return last_.summary(); }

    // A refused call changes nothing; its Failure carries the contract's error name.
    Status register_entry(const std::string& name, const binfmt::Spec& spec, const RegisterOptions& options);
    // All or nothing: every entry is checked before anything is written; if one is then refused
    // (by the kernel, or outranked), the definition files, the state and the kernel are put back
    // as they were, the kernel without a gap.
    Status register_all(const std::vector<Registration>& entries, const RegisterOptions& options);
    // A caller cannot make binfmtd check and hold more entries than this in one call.
    static constexpr std::size_t kMaxEntriesPerCall = 256;
    Status unregister_entry(const std::string& name, bool persist);
    // Enabled kernel entries matching the file, highest kernel priority first: (name, interpreter).
    std::vector<std::pair<std::string, std::string>> matching(const std::string& filename,
                                                              const binfmt::Bytes& head) const;

    std::function<void(const std::string& name, const std::string& state)> on_entry_changed;
    // When some of MountFacts changed, after a reconcile.
    std::function<void(const MountFacts& before, const MountFacts& now)> on_mount_changed;
    // After every reconcile, whatever caused it.
    std::function<void(const ReconcileReport&)> on_reconciled;

private:
    const binfmt::PlannedEntry* planned(const std::string& name) const;
    void reload(Reconciler::RefusedStandIn refused_stand_in);
    // One checked entry of a Register: written to its file, or (`lift_only`) an entry that was
    // unregistered until reboot and whose winning definition, in a file binfmtd may not
    // override, is the very one asked for: it only comes back.
    struct Checked {
        binfmt::Entry entry;
        bool lift_only = false;
    };
    // Every check of a Register short of writing.
    Result<Checked> checked(const std::string& name, const binfmt::Spec& spec, const RegisterOptions& options) const;
    Status apply(const std::vector<Checked>& entries, const RegisterOptions& options);
    binfmt::EntryRecord info(const binfmt::PlannedEntry& pe) const;
    // EntryRecord's overlaps and outranked-by of every entry, worked out once a reconcile.
    void find_overlaps();

    Kernel& kernel_;
    Reconciler reconciler_;
    DefinitionFiles files_;
    std::vector<std::string> config_dirs_;
    ReconcileReport last_;
    MountFacts mount_;
    std::map<std::string, std::vector<std::string>> overlaps_; // entry -> overlap sentences
    std::map<std::string, std::string> outranked_by_;          // entry -> the entry run instead
};

} // namespace binfmtd
