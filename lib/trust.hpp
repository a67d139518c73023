// The trust walk: root executes whatever the kernel hands to an interpreter, and obeys what a
// configuration file says, so nobody but root may be able to change either or the path to it.
#pragma once

#include "noncopyable.hpp"
#include "verdict.hpp"

#include <map>
#include <string>
#include <sys/stat.h>

namespace binfmt {

// Ok, Missing or Unsafe (the reason quoting the offending path). Follows the symlink chain; every directory holding a
// link or the file must be root-owned and not group/other-writable (a sticky directory is tolerated above the immediate
// parent), the file root-owned, regular, executable and not group/other-writable.
Verdict check_interpreter(const std::string& path);

// The same walk for a file whose content root obeys (a configuration file): every symlink on the
// way root's and in a directory only root can write, the directory holding the file too (no
// procfs). Empty when trusted, else the problem, naming the path it is about. The file itself is
// judged on the descriptor it is read from.
std::string path_chain_problem(const std::string& path);

// While one is alive (on this thread), check_interpreter remembers what it saw: one reconcile
// checks the same interpreters and directories many times over (each preset's candidates, then
// the chosen one again), and each check costs a dozen syscalls. Open one per reconcile, never
// for longer: a change on disk after it was opened is not seen until the next one.
class TrustCacheScope : NonCopyable {
public:
    TrustCacheScope();
    ~TrustCacheScope();

    struct Memo {
        std::map<std::string, Verdict> results;                // by the path as asked
        std::map<std::string, std::string> directory_problems; // by real directory
        std::map<std::string, struct stat> lstats;             // by real path
    };

private:
    Memo memo_;
    Memo* outer_;
};

} // namespace binfmt
