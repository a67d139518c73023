// One binfmtd per binfmt_misc instance: an exclusive flock(2) on the instance's root directory.
// Every instance (one per user namespace that mounts binfmt_misc) has its own root inode, and
// every way to reach an instance (another mount point, a bind mount, any --root) reaches that
// same inode, so no path escapes the lock; another instance has another inode and never conflicts.
//
// Anyone may open the directory, so a user could hold that lock to keep binfmtd out. When its
// holder is not root, binfmtd takes the instance's `register` instead (mode 0200: only the
// instance's root opens it) and keeps trying the directory; a binfmtd that got the directory
// also makes sure nobody holds `register`. `register` is not the only lock because a file open
// for writing makes a read-only remount of binfmt_misc fail.
#pragma once

#include "noncopyable.hpp"
#include "status.hpp"
#include "unique_fd.hpp"

#include <string>
#include <sys/types.h>

namespace binfmtd {

class InstanceLock : binfmt::NonCopyable {
public:
    // Holds the lock on the instance mounted at `dir` now: kept when it is the instance already
    // locked, else taken anew (the old instance's let go). Fails with NotMounted when `dir` is
    // not binfmt_misc, and with ReadOnly when another process holds the lock (its PID named when
    // /proc/locks shows it).
    Status claim(const std::string& dir);
    // The locked instance's root directory (-1 before a claim succeeded): writes go through it,
    // so they reach the instance that is locked, whatever is mounted at the path meanwhile.
    int dirfd() const { return fd_.get(); }

private:
    // Takes `register`'s lock (held, or only tried and let go). 0, or why not.
    Status lock_register(int dirfd, const std::string& dir, bool hold);

    binfmt::UniqueFd fd_;
    binfmt::UniqueFd fallback_; // `register`, flocked while a user holds the directory's lock
    bool dir_locked_ = false;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
};

} // namespace binfmtd
