#include "watch_interpreters.hpp"

#include "paths.hpp"
#include "watch_config.hpp"

#include <filesystem>
#include <sys/epoll.h>

namespace fs = std::filesystem;

namespace binfmtd {

namespace {
constexpr const char* kWhy = "an interpreter changed";
} // namespace

InterpreterWatch::InterpreterWatch(EventLoop& loop, Schedule schedule) : schedule_(std::move(schedule)) {
    source_ = loop.add_io(inotify_.fd(), EPOLLIN, [this](std::uint32_t) { on_readable(); });
}

void InterpreterWatch::on_readable() {
    if (!inotify_.drain()) return;
    rearm_ = true; // links and directories may differ now
    schedule_(kWhy, ReconcileScheduler::Urgency::Settle, 0);
}

void InterpreterWatch::watch(const std::vector<std::string>& paths) {
    if (paths == paths_ && !rearm_) return;
    paths_ = paths;
    arm();
}

void InterpreterWatch::arm() {
    // Every directory on the way (a symlink's target may be elsewhere), by file name.
    Inotify::Dirs dirs;
    for (auto& path : paths_) {
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
    rearm_ = !inotify_.set(dirs, directory_change_mask());
    if (rearm_) schedule_(kWhy, ReconcileScheduler::Urgency::Settle, 0);
}

} // namespace binfmtd
