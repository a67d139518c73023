#include "watchers.hpp"

#include "log.hpp"
#include "paths.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace binfmtd {

namespace {
// IN_MODIFY too: a file truncated and then written must restart the debounce at the truncation.
constexpr std::uint32_t kDirChanges = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY |
                                      IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;
constexpr std::uint64_t kKernelCoalesceUsec = 2'000; // a flush removes many entries in one burst
constexpr std::uint64_t kMaxDebounces = 10;           // a burst of file changes waits at most this many debounces
constexpr std::uint64_t kTimerSlackUsec = 1'000;      // a timer firing this close to a due time serves it
} // namespace

Watchers::Watchers(EventLoop& loop, Settings settings, Trigger reconcile)
    : loop_(loop), settings_(std::move(settings)), reconcile_(std::move(reconcile)) {
    arm_config();
    config_source_ = loop_.add_io(config_.fd(), EPOLLIN, [this](std::uint32_t) {
        if (!config_.drain()) return;
        rearm_config_ = true; // directories may have appeared or gone
        debounce("the configuration changed");
    });
    interpreter_source_ = loop_.add_io(interpreters_.fd(), EPOLLIN, [this](std::uint32_t) {
        if (!interpreters_.drain()) return;
        rearm_interpreters_ = true; // links and directories may differ now
        debounce("an interpreter changed");
    });
    // The mount table signals EPOLLPRI on every mount, unmount and remount in our namespace.
    mountinfo_fd_ = ::open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
    if (mountinfo_fd_ >= 0)
        // The kernel re-arms it in poll itself: nothing needs to be read.
        mount_source_ = loop_.add_io(mountinfo_fd_, EPOLLPRI, [this](std::uint32_t) {
            // Other mounts (containers make many) do not concern us.
            if (mount_identity() != mount_identity_) schedule("the mount table changed", 0);
        });
    else log::warning("cannot watch /proc/self/mountinfo: {}", std::strerror(errno));
}

Watchers::~Watchers() {
    if (mountinfo_fd_ >= 0) ::close(mountinfo_fd_);
    if (hold_fd_ >= 0) ::close(hold_fd_);
}

namespace {
std::uint64_t now_usec() {
    struct timespec ts {};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000 + static_cast<std::uint64_t>(ts.tv_nsec) / 1000;
}
} // namespace

void Watchers::schedule(const std::string& why, std::uint64_t delay_usec) {
    // A flush must not wait for a pending configuration debounce, nor push it back.
    const std::uint64_t due = now_usec() + delay_usec;
    if (!urgent_due_ || due < urgent_due_) urgent_due_ = due, urgent_why_ = why;
    arm_timer();
}

void Watchers::debounce(const std::string& why) {
    // Every change restarts the wait, so that a file being written (truncated, then filled)
    // is read once it is whole; a burst that never settles is read after kMaxDebounces waits.
    const std::uint64_t now = now_usec();
    if (!burst_start_) burst_start_ = now;
    debounce_due_ = std::min(now + settings_.debounce_usec, burst_start_ + kMaxDebounces * settings_.debounce_usec);
    debounce_why_ = why;
    arm_timer();
}

void Watchers::arm_timer() {
    const std::uint64_t due = !urgent_due_ ? debounce_due_ : !debounce_due_ ? urgent_due_ : std::min(urgent_due_, debounce_due_);
    if (!due || (timer_ && due == timer_due_)) return;
    const std::uint64_t now = now_usec();
    timer_due_ = due;
    timer_ = loop_.add_timer(due > now ? due - now : 0, [this] {
        // Sources are replaced here, never inside their own handlers.
        EventLoop::Source done = std::move(timer_);
        const std::uint64_t now = now_usec() + kTimerSlackUsec;
        std::string why;
        if (urgent_due_ && urgent_due_ <= now) why = urgent_why_, urgent_due_ = 0;
        if (debounce_due_ && debounce_due_ <= now) {
            why += (why.empty() ? "" : ", ") + debounce_why_;
            debounce_due_ = burst_start_ = 0;
        }
        if (!why.empty()) {
            if (rearm_config_) rearm_config_ = false, arm_config();
            drain_kernel(nullptr); // the reconcile reads the table after these events anyway
            reconcile_(why);
        }
        arm_timer(); // what is still to come (a debounce that an urgent event went ahead of)
    });
}

void Watchers::arm_config() {
    Inotify::Dirs dirs;
    for (auto& dir : settings_.config_dirs) dirs[dir];
    if (config_.set(dirs, kDirChanges)) return;
    rearm_config_ = true; // a directory vanished meanwhile: look again after the debounce
    debounce("the configuration changed");
}

void Watchers::arm_interpreters() {
    // Every directory on the way (a symlink's target may be elsewhere), by file name.
    Inotify::Dirs dirs;
    for (auto& path : watched_interpreters_) {
        fs::path p = path;
        for (int hop = 0; hop < binfmt::kMaxSymlinkHops; ++hop) {
            dirs[p.parent_path().string()].insert(p.filename().string());
            std::error_code ec;
            if (!fs::is_symlink(p, ec)) break;
            fs::path target = fs::read_symlink(p, ec);
            if (ec) break;
            p = target.is_absolute() ? target : p.parent_path() / target;
        }
    }
    rearm_interpreters_ = !interpreters_.set(dirs, kDirChanges);
    if (rearm_interpreters_) debounce("an interpreter changed");
}

std::string Watchers::mount_identity() const {
    // O_PATH: looking must not trigger an automount.
    const int fd = ::open(settings_.binfmt_dir.c_str(), O_PATH | O_CLOEXEC | O_DIRECTORY);
    if (fd < 0) return {};
    struct statfs sfs {};
    struct stat st {};
    std::string id;
    if (::fstatfs(fd, &sfs) == 0 && ::fstat(fd, &st) == 0)
        id = fmt::format("{:x}:{}:{}:{:x}", static_cast<unsigned long>(sfs.f_type), st.st_dev, st.st_ino,
                         static_cast<unsigned long>(sfs.f_flags));
    ::close(fd);
    return id;
}

void Watchers::arm_kernel(bool mounted) {
    if (kernel_gone_) kernel_gone_ = false, kernel_source_ = {}, kernel_.reset();
    if (!mounted) {
        kernel_source_ = {};
        kernel_.reset();
        if (hold_fd_ >= 0) ::close(hold_fd_), hold_fd_ = -1;
        return;
    }
    if (hold_fd_ < 0) hold_fd_ = ::open(settings_.binfmt_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (kernel_) return;
    // A write to register/status shows as IN_MODIFY; a removed entry as IN_DELETE.
    kernel_ = std::make_unique<Inotify>();
    if (::inotify_add_watch(kernel_->fd(), settings_.binfmt_dir.c_str(), IN_MODIFY | IN_DELETE | IN_CREATE) < 0) {
        log::warning("cannot watch \"{}\": {}", settings_.binfmt_dir, std::strerror(errno));
        kernel_.reset();
        return;
    }
    kernel_source_ = loop_.add_io(kernel_->fd(), EPOLLIN, [this](std::uint32_t) {
        // Our own writes were drained by update() right after the reconcile that
        // made them: what is left here was done by someone else.
        if (drain_kernel(nullptr)) schedule("binfmt_misc changed", kKernelCoalesceUsec);
    });
}

bool Watchers::drain_kernel(const OwnWrites* own) {
    if (!kernel_) return false;
    bool foreign = false;
    kernel_->read([&](int, std::uint32_t mask, std::string_view name) {
        if (mask & (IN_IGNORED | IN_UNMOUNT)) kernel_gone_ = true; // the next update() re-arms
        // A registration shows as MODIFY on "register" (identical events merge, so they
        // are not counted); a removal as MODIFY and DELETE on the entry's own file.
        // "status" (flush, global enable/disable) is never written by binfmtd.
        const bool ours = own && !(mask & (IN_IGNORED | IN_UNMOUNT | IN_Q_OVERFLOW)) &&
                          ((name == "register" && own->register_file) || own->entries.count(std::string(name)));
        foreign = foreign || !ours;
    });
    return foreign;
}

void Watchers::update(const std::vector<std::string>& interpreter_paths, bool mounted, const OwnWrites& own) {
    // Someone else may have changed the table while we reconciled: look again.
    if (drain_kernel(&own)) schedule("binfmt_misc changed", kKernelCoalesceUsec);
    arm_kernel(mounted);
    mount_identity_ = mount_identity();
    if (interpreter_paths == watched_interpreters_ && !rearm_interpreters_) return;
    watched_interpreters_ = interpreter_paths;
    arm_interpreters();
}

} // namespace binfmtd
