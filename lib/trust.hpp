// The trust walk: root executes whatever the kernel hands to an interpreter, and obeys what a
// configuration file says, so nobody but root may be able to change either or the path to it.
// A user's own binfmt_misc instance (binfmtd --user) trusts that user as well, and nobody else.
#pragma once

#include "noncopyable.hpp"
#include "verdict.hpp"

#include <map>
#include <string>
#include <sys/stat.h>
#include <sys/types.h>

namespace binfmt {

// Whose files and directories the walk accepts: root's always, and in a user's own instance that
// user's. The uids are the ones stat(2) shows, so the walk must run where they are the real
// owners (the initial user namespace: inside a user's namespace every other user, root included,
// looks like the overflow uid).
class TrustedOwners {
public:
    TrustedOwners() = default; // root only
    static TrustedOwners root_and(uid_t user) { return TrustedOwners(user); }

    bool trusts(uid_t uid) const { return uid == 0 || uid == user_; }
    std::string describe() const; // "root", or "root or uid 1000"
    bool operator==(const TrustedOwners&) const = default;

private:
    explicit TrustedOwners(uid_t user) : user_(user) {}
    uid_t user_ = 0;
};

// Ok, Missing or Unsafe (the reason quoting the offending path). Follows the symlink chain; every directory holding a
// link or the file must be a trusted owner's and not group/other-writable (a sticky directory is tolerated above the
// immediate parent), the file a trusted owner's, regular, executable and not group/other-writable.
Verdict check_interpreter(const std::string& path, const TrustedOwners& owners = {});

// The same walk for a file whose content root obeys (a configuration file): every symlink on the
// way a trusted owner's and in a directory only they can write, the directory holding the file too
// (no procfs). Empty when trusted, else the problem, naming the path it is about. The file itself
// is judged on the descriptor it is read from.
std::string path_chain_problem(const std::string& path, const TrustedOwners& owners = {});

// While one is alive (on this thread), check_interpreter remembers what it saw: one reconcile
// checks the same interpreters and directories many times over (each preset's candidates, then
// the chosen one again), and each check costs a dozen syscalls. Open one per reconcile, never
// for longer: a change on disk after it was opened is not seen until the next one.
class TrustCacheScope : NonCopyable {
public:
    TrustCacheScope();
    ~TrustCacheScope();

    struct Memo {
        std::map<std::string, Verdict> results;                // by owners and the path as asked
        std::map<std::string, std::string> directory_problems; // by owners and real directory
        std::map<std::string, struct stat> lstats;             // by real path
    };

private:
    Memo memo_;
    Memo* outer_;
};

} // namespace binfmt
