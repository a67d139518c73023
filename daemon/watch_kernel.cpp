#include "watch_kernel.hpp"

#include "log.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/epoll.h>
#include <sys/inotify.h>

namespace binfmtd {

namespace {
constexpr const char* kWhy = "binfmt_misc changed";
} // namespace

KernelTableWatch::KernelTableWatch(EventLoop& loop, std::string dir, Schedule schedule)
    : loop_(loop), dir_(std::move(dir)), schedule_(std::move(schedule)) {}

void KernelTableWatch::update(bool mounted, const OwnWrites& own) {
    // Someone else may have changed the table while we reconciled: look again.
    if (drain(&own) || (own.register_file && has_unknown_entry(own.table)))
        schedule_(kWhy, ReconcileScheduler::Urgency::Urgent, kCoalesceUsec);
    arm(mounted);
}

void KernelTableWatch::arm(bool mounted) {
    if (gone_) gone_ = false, source_ = {}, inotify_.reset();
    if (!mounted) {
        source_ = {};
        inotify_.reset();
        hold_.reset();
        return;
    }
    if (!hold_) hold_.reset(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (inotify_) return;
    // A write to register/status shows as IN_MODIFY; a removed entry as IN_DELETE.
    inotify_ = std::make_unique<Inotify>();
    if (!inotify_->add(dir_, IN_MODIFY | IN_DELETE | IN_CREATE)) {
        log::warning("cannot watch \"{}\": {}", dir_, std::strerror(errno));
        inotify_.reset();
        return;
    }
    source_ = loop_.add_io(inotify_->fd(), EPOLLIN, [this](std::uint32_t) { on_readable(); });
}

void KernelTableWatch::on_readable() {
    // Our own writes were drained by update() right after the reconcile that
    // made them: what is left here was done by someone else.
    if (drain(nullptr)) schedule_(kWhy, ReconcileScheduler::Urgency::Urgent, kCoalesceUsec);
}

bool KernelTableWatch::has_unknown_entry(const std::set<std::string>& table) const {
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name != "register" && name != "status" && !table.count(name)) return true;
    }
    return false;
}

bool KernelTableWatch::drain(const OwnWrites* own) {
    if (!inotify_) return false;
    bool foreign = false;
    inotify_->read([&](int, std::uint32_t mask, std::string_view name) {
        if (mask & (IN_IGNORED | IN_UNMOUNT)) gone_ = true; // the next update() re-arms
        // A registration shows as MODIFY on "register" (identical events merge, so they
        // are not counted); a removal as MODIFY and DELETE on the entry's own file.
        // "status" (flush, global enable/disable) is never written by binfmtd.
        const bool ours = own && !(mask & (IN_IGNORED | IN_UNMOUNT | IN_Q_OVERFLOW)) &&
                          ((name == "register" && own->register_file) || own->entries.count(std::string(name)));
        foreign = foreign || !ours;
    });
    return foreign;
}

} // namespace binfmtd
