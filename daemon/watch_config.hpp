// The configuration directories: any change there asks for a reconcile once files settle.
// A directory that does not exist yet is waited for (its nearest existing ancestor is watched).
#pragma once

#include "event_loop.hpp"
#include "inotify.hpp"
#include "reconcile_scheduler.hpp"

#include <string>
#include <vector>

namespace binfmtd {

class ConfigWatch : binfmt::NonCopyable {
public:
    ConfigWatch(EventLoop& loop, std::vector<std::string> dirs, Schedule schedule);
    // Before a reconcile: directories may have appeared or gone since the last event.
    void rearm_if_needed();
    // What the event loop calls when events are queued (tests call it directly).
    void on_readable();

private:
    void arm();

    std::vector<std::string> dirs_;
    Schedule schedule_;
    Inotify inotify_;
    EventLoop::Source source_;
    bool rearm_ = false;
};

// What a change in a watched directory is: IN_MODIFY too, so that a file truncated and then
// written restarts the debounce at the truncation.
std::uint32_t directory_change_mask();

} // namespace binfmtd
