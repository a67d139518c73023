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
#include <string>
#include <utility>
#include <vector>

namespace binfmtd {

// One entry of a RegisterAll.
struct Registration {
    std::string name;
    binfmt::Spec spec;
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
    // binfmt_misc is mounted and takes writes (the D-Bus property Mounted, today).
    bool writable() const { return writable_; }
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
    std::function<void(bool writable)> on_writable_changed;
    // After every reconcile, whatever caused it.
    std::function<void(const ReconcileReport&)> on_reconciled;

private:
    const binfmt::PlannedEntry* planned(const std::string& name) const;
    void reload(Reconciler::RefusedStandIn refused_stand_in);
    // Every check of a Register short of writing: the entry as it will be written.
    Result<binfmt::Entry> checked(const std::string& name, const binfmt::Spec& spec,
                                  const RegisterOptions& options) const;
    Status apply(const std::vector<binfmt::Entry>& entries, const RegisterOptions& options);
    binfmt::EntryRecord info(const binfmt::PlannedEntry& pe) const;

    Kernel& kernel_;
    Reconciler reconciler_;
    DefinitionFiles files_;
    ReconcileReport last_;
    bool writable_ = false;
};

} // namespace binfmtd
