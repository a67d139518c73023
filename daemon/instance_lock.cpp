#include "instance_lock.hpp"

#include "binfmt_fs.hpp" // kBinfmtfsMagic
#include "log.hpp"
#include "proc_locks.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <optional>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

namespace binfmtd {

namespace {
std::string proc_locks() {
    std::ifstream in("/proc/locks");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::optional<long> holder_pid(const struct stat& st) {
    return binfmt::flock_holder(proc_locks(), major(st.st_dev), minor(st.st_dev), st.st_ino);
}

std::string holder(const struct stat& st) {
    const auto pid = holder_pid(st);
    return pid ? fmt::format("another binfmtd (PID {})", *pid) : std::string("another binfmtd");
}

// The effective uid of a process, from /proc/PID/status; nullopt when it cannot be told.
std::optional<long> euid_of(long pid) {
    std::ifstream in(fmt::format("/proc/{}/status", pid));
    for (std::string line; std::getline(in, line);)
        if (line.rfind("Uid:", 0) == 0) {
            std::istringstream fields(line.substr(4));
            long real = -1, effective = -1;
            if (fields >> real >> effective) return effective;
        }
    return std::nullopt;
}

Status held(const struct stat& st, const std::string& dir, int err) {
    return Failure{binfmt::ApiErrorCode::ReadOnly,
                   fmt::format("{} manages the binfmt_misc instance at \"{}\" (it holds its lock); one binfmtd per "
                               "instance",
                               holder(st), dir),
                   err};
}
} // namespace

Status InstanceLock::lock_register(int dirfd, const std::string& dir, bool hold) {
    if (!hold) {
        // Only asked whether someone holds it: /proc/locks says, without opening `register` for
        // writing (a binfmtd that finds the kernel right opens nothing for writing).
        struct stat st {};
        if (::fstatat(dirfd, "register", &st, AT_SYMLINK_NOFOLLOW) != 0) return {};
        if (binfmt::flock_held(proc_locks(), major(st.st_dev), minor(st.st_dev), st.st_ino))
            return held(st, dir, EWOULDBLOCK);
        return {};
    }
    binfmt::UniqueFd reg(::openat(dirfd, "register", O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!reg && errno == EROFS) return {}; // nothing can be written there, by anyone
    struct stat st {};
    if (!reg || ::fstat(reg.get(), &st) != 0)
        return Failure{binfmt::ApiErrorCode::ReadOnly,
                       fmt::format("cannot open \"{}/register\": {}", dir, std::strerror(errno)), errno};
    if (::flock(reg.get(), LOCK_EX | LOCK_NB) != 0) return held(st, dir, errno);
    if (hold) fallback_ = std::move(reg);
    return {};
}

Status InstanceLock::claim(const std::string& dir) {
    using Code = binfmt::ApiErrorCode;
    // O_RDONLY, not O_PATH: flock needs a descriptor that is open for real.
    binfmt::UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    struct statfs sfs {};
    struct stat st {};
    if (!fd || ::fstatfs(fd.get(), &sfs) != 0 || ::fstat(fd.get(), &st) != 0)
        return Failure{Code::NotMounted, fmt::format("cannot open \"{}\": {}", dir, std::strerror(errno)), errno};
    if (sfs.f_type != kBinfmtfsMagic)
        return Failure{Code::NotMounted, fmt::format("binfmt_misc is not mounted at \"{}\"", dir)};
    const bool same = fd_ && st.st_dev == dev_ && st.st_ino == ino_;
    if (same && dir_locked_) return {}; // the instance already ours
    if (same) fd = std::move(fd_);      // holding `register`: try the directory again
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) {
        // Another binfmtd may hold `register` (a user had the directory when it started).
        fallback_ = binfmt::UniqueFd();
        if (auto s = lock_register(fd.get(), dir, false); !s.ok()) {
            ::flock(fd.get(), LOCK_UN);
            return s;
        }
        dir_locked_ = true;
    } else if (errno != EWOULDBLOCK) {
        return Failure{Code::ReadOnly, fmt::format("cannot lock \"{}\": {}", dir, std::strerror(errno)), errno};
    } else if (!same || !fallback_) {
        // Held: by a binfmtd (root), or by a user in the way, whose lock binfmtd steps around.
        const auto pid = holder_pid(st);
        const auto euid = pid ? euid_of(*pid) : std::nullopt;
        if (!euid || *euid == 0) return held(st, dir, EWOULDBLOCK);
        if (auto s = lock_register(fd.get(), dir, true); !s.ok()) return s;
        log::warning("a process of uid {} (PID {}) holds the lock of the binfmt_misc instance at \"{}\"; it is "
                     "no binfmtd, so binfmtd locks the instance's register file instead, ignoring",
                     *euid, *pid, dir);
        dir_locked_ = false;
    }
    fd_ = std::move(fd);
    dev_ = st.st_dev;
    ino_ = st.st_ino;
    return {};
}

} // namespace binfmtd
