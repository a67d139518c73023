#include "proc_locks.hpp"

#include <cstdio>
#include <string>

namespace binfmt {

namespace {
// Calls found(pid) for each FLOCK held on the file; stops when it returns true.
template <typename Found>
bool each_flock(std::string_view proc_locks, unsigned major, unsigned minor, unsigned long inode, Found found) {
    // "1: FLOCK  ADVISORY  WRITE 14173 00:29:1 0 EOF"; a waiter's line has "->" after the number.
    while (!proc_locks.empty()) {
        const std::size_t end = proc_locks.find('\n');
        const std::string line(proc_locks.substr(0, end));
        proc_locks = end == std::string_view::npos ? std::string_view{} : proc_locks.substr(end + 1);
        char type[16] = {}, advice[16] = {}, access[16] = {};
        long pid = 0;
        unsigned maj = 0, min = 0;
        unsigned long ino = 0;
        if (std::sscanf(line.c_str(), "%*d: %15s %15s %15s %ld %x:%x:%lu", type, advice, access, &pid, &maj, &min,
                        &ino) != 7)
            continue;
        if (std::string_view(type) == "FLOCK" && maj == major && min == minor && ino == inode && found(pid))
            return true;
    }
    return false;
}
} // namespace

std::optional<long> flock_holder(std::string_view proc_locks, unsigned major, unsigned minor, unsigned long inode) {
    std::optional<long> holder;
    each_flock(proc_locks, major, minor, inode, [&](long pid) {
        if (pid > 0) holder = pid;
        return pid > 0;
    });
    return holder;
}

bool flock_held(std::string_view proc_locks, unsigned major, unsigned minor, unsigned long inode) {
    return each_flock(proc_locks, major, minor, inode, [](long) { return true; });
}

} // namespace binfmt
