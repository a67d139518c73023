// The interpreters that matter now, and every directory and symlink on the way to each: an
// interpreter that appears, is replaced (a package upgrade) or disappears asks for a reconcile.
#pragma once

#include "event_loop.hpp"
#include "inotify.hpp"
#include "reconcile_scheduler.hpp"

#include <string>
#include <vector>

namespace binfmtd {

class InterpreterWatch : binfmt::NonCopyable {
public:
    InterpreterWatch(EventLoop& loop, Schedule schedule);
    // After each reconcile; the watches are rebuilt only when something differs.
    void watch(const std::vector<std::string>& paths);
    // What the event loop calls when events are queued (tests call it directly).
    void on_readable();

private:
    void arm();

    Schedule schedule_;
    Inotify inotify_;
    EventLoop::Source source_;
    std::vector<std::string> paths_;
    bool rearm_ = true;
};

} // namespace binfmtd
