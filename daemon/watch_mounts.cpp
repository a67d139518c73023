#include "watch_mounts.hpp"

#include "log.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/statfs.h>

namespace binfmtd {

MountWatch::MountWatch(EventLoop& loop, std::string dir, Schedule schedule)
    : dir_(std::move(dir)), schedule_(std::move(schedule)),
      mountinfo_(::open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)) {
    if (!mountinfo_) {
        log::warning("cannot watch /proc/self/mountinfo: {}", std::strerror(errno));
        return;
    }
    // The mount table signals EPOLLPRI on every mount, unmount and remount in our namespace;
    // the kernel re-arms it in poll itself, so nothing needs to be read.
    source_ = loop.add_io(mountinfo_.get(), EPOLLPRI, [this](std::uint32_t) {
        if (identity() != seen_) schedule_("the mount table changed", ReconcileScheduler::Urgency::Urgent, 0);
    });
}

std::string MountWatch::identity() const {
    // O_PATH: looking must not trigger an automount.
    const binfmt::UniqueFd fd(::open(dir_.c_str(), O_PATH | O_CLOEXEC | O_DIRECTORY));
    if (!fd) return {};
    struct statfs sfs {};
    struct stat st {};
    if (::fstatfs(fd.get(), &sfs) != 0 || ::fstat(fd.get(), &st) != 0) return {};
    return fmt::format("{:x}:{}:{}:{:x}", static_cast<unsigned long>(sfs.f_type), st.st_dev, st.st_ino,
                       static_cast<unsigned long>(sfs.f_flags));
}

} // namespace binfmtd
