// The service's core, free of D-Bus types: answers queries from the last
// reconcile, carries out Register/Unregister/Reload, and reports state changes.
#pragma once

#include "binfmt_fs.hpp"
#include "definitions.hpp"
#include "entry_record.hpp"
#include "reconciler.hpp"
#include "spec.hpp"

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace binfmtd {

using EntryInfo = binfmt::EntryRecord;

struct RegisterOptions {
    bool persist = false;
    bool replace = false;
    bool force = false;
};

class Manager {
public:
    Manager(const std::string& root, const BinfmtFs& fs);

    // Re-reads configuration and kernel, reconciles, reports changes.
    void reload();

    std::vector<EntryInfo> list() const;
    EntryInfo get(const std::string& name) const; // ApiError NoSuchEntry
    std::string describe() const;                 // JSON
    bool mounted() const { return mounted_; }
    bool ok() const { return last_.ok(); }
    const ReconcileReport& last() const { return last_; }
    std::string summary() const { return last_.summary(); }

    // Throw ApiError with the contract's error names.
    void register_entry(const std::string& name, const binfmt::Spec& spec, const RegisterOptions& options);
    void unregister_entry(const std::string& name, bool persist);
    // Enabled kernel entries matching the file, highest kernel priority first: (name, interpreter).
    std::vector<std::pair<std::string, std::string>> resolve(const std::string& filename,
                                                             const binfmt::Bytes& head) const;

    std::function<void(const std::string& name, const std::string& state)> on_entry_changed;
    std::function<void(bool mounted)> on_mounted_changed;
    // After every reconcile, whatever caused it.
    std::function<void(const ReconcileReport&)> on_reconciled;

private:
    const binfmt::PlannedEntry* planned(const std::string& name) const;
    EntryInfo info(const binfmt::PlannedEntry& pe) const;

    const BinfmtFs& fs_;
    Reconciler reconciler_;
    DefinitionFiles files_;
    ReconcileReport last_;
    bool mounted_ = false;
};

} // namespace binfmtd
