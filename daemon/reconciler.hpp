// Makes the kernel table match the configuration: config + kernel + ownership
// -> plan (lib/plan) -> writes through BinfmtFs.
#pragma once

#include "binfmt_fs.hpp"
#include "config.hpp"
#include "native.hpp"
#include "ownership.hpp"
#include "plan.hpp"

#include <string>
#include <vector>

namespace binfmtd {

struct ReconcileReport {
    std::vector<binfmt::PlannedEntry> entries;
    std::size_t writes = 0;       // writes made to binfmt_misc
    bool config_errors = false;   // some file or definition was rejected
    std::string unusable;         // why binfmt_misc could not be used, if so

    // Every managed entry active, disabled or pending, and the config clean.
    bool ok() const;
    std::string summary() const;  // "3 active, 1 pending, 0 failed, 2 foreign"
};

class Reconciler {
public:
    Reconciler(std::string root, const BinfmtFs& fs);

    ReconcileReport reconcile();

private:
    binfmt::Desired desire(const binfmt::Entry& entry) const;
    void apply(const binfmt::Plan& plan, ReconcileReport& report, std::map<std::string, binfmt::Owned>& owned) const;

    std::string root_;
    const BinfmtFs& fs_;
    OwnershipStore store_;
    std::string host_family_;
    std::vector<binfmt::NativeSample> native_;
};

} // namespace binfmtd
