#include "instance_lock.hpp"

#include "binfmt_fs.hpp" // kBinfmtfsMagic
#include "proc_locks.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

namespace binfmtd {

namespace {
std::string holder(const struct stat& st) {
    std::ifstream in("/proc/locks");
    std::stringstream text;
    text << in.rdbuf();
    const auto pid = binfmt::flock_holder(text.str(), major(st.st_dev), minor(st.st_dev), st.st_ino);
    return pid ? fmt::format("another binfmtd (PID {})", *pid) : std::string("another binfmtd");
}
} // namespace

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
    if (fd_ && st.st_dev == dev_ && st.st_ino == ino_) return {}; // the instance already ours
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        if (err == EWOULDBLOCK)
            return Failure{Code::ReadOnly,
                           fmt::format("{} manages the binfmt_misc instance at \"{}\" (it holds its lock); one "
                                       "binfmtd per instance",
                                       holder(st), dir),
                           err};
        return Failure{Code::ReadOnly, fmt::format("cannot lock \"{}\": {}", dir, std::strerror(err)), err};
    }
    fd_ = std::move(fd);
    dev_ = st.st_dev;
    ino_ = st.st_ino;
    return {};
}

} // namespace binfmtd
