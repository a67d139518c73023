// The reconciler's pure core: desired entries vs. the kernel table vs. what we
// own -> the actions that make the kernel match, and the resulting states.
#pragma once

#include "entry.hpp"
#include "kernel_entry.hpp"
#include "verdict.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace binfmt {

enum class State { Active, Disabled, Pending, Failed, Foreign };
std::string_view state_name(State state);

// One desired entry as the daemon sees it after its own checks.
struct Desired {
    Entry entry;
    // Ok: register it; Disabled: keep it out; Missing: `pending`; anything else: `failed`.
    Verdict verdict;
    // Identity (device:inode) of the interpreter file now. An F entry pins the file it
    // was registered with, so a changed identity means it must be registered again.
    std::string pinned;
    std::string pinned_path = {}; // that file's real path: what the kernel will name it
};

// What binfmtd answers for. Fully owned (adopted = false): binfmtd registered it, or a binfmt.d
// or binfmts definition declares it (whoever wrote it); binfmtd changes it to follow its
// definition and removes it when no source declares it any more. Adopted: another tool's
// entry that was identical to its binfmtd.d (or Register) definition when found; binfmtd
// writes nothing for it, never changes or removes it, and lets it go (foreign again) when that
// definition goes away. Registering it again (after a flush, say) makes it fully owned.
struct Owned {
    std::string name;
    std::string origin; // config file (or "runtime") that defined it
    std::string pinned; // interpreter identity when registered (see Desired::pinned)
    // The register line of what was registered: while its definition is broken, a
    // flushed or removed entry is restored from it (the config's last valid state).
    std::string registration;
    std::string pinned_path = {}; // the pinned file's real path then
    bool adopted = false;         // see above; an adopted entry's pin is not known (pinned is "")
    bool operator==(const Owned&) const = default;
};

struct Action {
    // Restore: put back the last registration of an entry whose definition is broken now.
    enum class Type { Register, Restore, Remove } type;
    std::string name; // the kernel entry written
    Entry entry;      // for Register
    std::string line; // for Register and Restore: what to write to `register` (empty: unencodable)
    // For the stand-in of a gapless swap (see swap_name): the entry it stands in for.
    std::string stands_in_for;
};

// A re-registration (a changed definition, an F entry whose interpreter file was replaced) is a
// swap, since the kernel has no replace: the new definition under a stand-in name first (the
// kernel tries the newest entry first), then the old one removed, the new one registered under
// its own name, and the stand-in removed; a matching file runs at every moment. The stand-in's
// name is the entry's own plus this suffix (cut to fit NAME_MAX), and a number when taken.
inline constexpr std::string_view kSwapSuffix = ".binfmtd-swap";

struct PlannedEntry {
    std::string name;
    State state = State::Failed;
    std::string error;
    std::string origin;
    bool adopted = false; // the kernel's entry is another tool's, identical to its definition
};

// A registered entry registered again only to be tried before an overlapping one it outranks.
struct Reorder {
    std::string name;
    std::string outranks; // the entry it must come before
    std::string why;      // why_outranks: "priority 10 over 0", ...
};

struct Plan {
    std::vector<Action> actions;        // in the order to apply them
    std::vector<PlannedEntry> entries;  // every managed and foreign entry, sorted by name
    std::map<std::string, Owned> owned; // what we own once the actions succeed
    std::vector<Reorder> reorders;      // what some of the actions are for, to be logged
};

struct PlanInput {
    std::vector<Desired> desired;              // sorted or not; names unique
    std::map<std::string, KernelEntry> kernel; // the table as read now
    // The kernel's names in the order it tries them, newest first (binfmt_misc lists them so). A
    // name of `kernel` missing here counts as older than all of these.
    std::vector<std::string> kernel_order;
    std::map<std::string, Owned> owned;   // what we registered before
    std::set<std::string> broken_origins; // config files currently unparsable
    // Entry name -> why its definition is invalid. Such an entry, like one whose file is broken,
    // is kept as it was (never removed).
    std::map<std::string, std::string> invalid;
};

// Where entries overlap (some file could match both: lib/priority.hpp), the kernel tries the
// newest first, so the plan registers them lowest rank first and registers again, gaplessly
// (a stand-in first, as for a swap), a registered entry that a lower-ranked overlapping one is
// newer than, or is registered after. While such a reorder runs, a file both match may briefly
// run with an entry's stand-in ahead of a higher-ranked one that is registered again next; it
// never finds no handler. Another tool's entries are never moved: binfmtd's are ordered
// against one it adopted (its definition has a priority), not against a foreign one.
Plan make_plan(const PlanInput& in);

} // namespace binfmt
