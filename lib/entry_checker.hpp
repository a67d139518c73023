// The checks an entry passes before it may be registered: its preset's interpreter found,
// the interpreter's trust, the native guard, the host's own architecture family. The daemon
// decides with it and `binfmtctl validate` reports with it, so the two cannot disagree.
#pragma once

#include "native.hpp"
#include "plan.hpp"
#include "trust.hpp"

#include <string>
#include <vector>

namespace binfmt {

// "device:inode" of the file `path` names now (following links), "" when there is none: what an
// F registration pins, compared by identity, never by name.
std::string file_identity(const std::string& path);

class EntryChecker {
public:
    // `owners`: whose interpreters are trusted besides root's (a user's own instance: theirs).
    explicit EntryChecker(binfmt::TrustedOwners owners = {});

    // `entry` with its preset's interpreter filled in when one is installed (else unchanged).
    binfmt::Entry with_interpreter(const binfmt::Entry& entry) const;
    // Every check, for an entry as with_interpreter() returns it.
    binfmt::Verdict check(const binfmt::Entry& entry) const;
    // What the reconciler wants of a configured entry: with its interpreter, the verdict
    // (a disabled entry is not checked; one of the host's own family is disabled), and the
    // identity of the interpreter file an F registration would pin.
    binfmt::Desired desire(const binfmt::Entry& entry) const;

private:
    binfmt::TrustedOwners owners_;
    std::string host_family_;
    std::vector<binfmt::NativeSample> native_;
};

} // namespace binfmt
