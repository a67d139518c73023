#include "watch_config.hpp"

#include <sys/epoll.h>
#include <sys/inotify.h>

namespace binfmtd {

namespace {
constexpr const char* kWhy = "the configuration changed";
} // namespace

std::uint32_t directory_change_mask() {
    return IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB |
           IN_DELETE_SELF | IN_MOVE_SELF;
}

ConfigWatch::ConfigWatch(EventLoop& loop, std::vector<std::string> dirs, Schedule schedule)
    : dirs_(std::move(dirs)), schedule_(std::move(schedule)) {
    arm();
    source_ = loop.add_io(inotify_.fd(), EPOLLIN, [this](std::uint32_t) { on_readable(); });
}

void ConfigWatch::on_readable() {
    if (!inotify_.drain()) return;
    rearm_ = true; // directories may have appeared or gone
    schedule_(kWhy, ReconcileScheduler::Urgency::Settle, 0);
}

void ConfigWatch::rearm_if_needed() {
    if (rearm_) rearm_ = false, arm();
}

void ConfigWatch::arm() {
    Inotify::Dirs dirs;
    for (auto& dir : dirs_) dirs[dir];
    if (inotify_.set(dirs, directory_change_mask())) return;
    rearm_ = true; // a directory vanished meanwhile: look again after the debounce
    schedule_(kWhy, ReconcileScheduler::Urgency::Settle, 0);
}

} // namespace binfmtd
