// The mount table: binfmt_misc mounted, unmounted or remounted (read-only, say) asks for an
// immediate reconcile; the many other mounts (containers make them) do not.
#pragma once

#include "event_loop.hpp"
#include "reconcile_scheduler.hpp"
#include "unique_fd.hpp"

#include <string>

namespace binfmtd {

class MountWatch : binfmt::NonCopyable {
public:
    MountWatch(EventLoop& loop, std::string dir, Schedule schedule);
    // After each reconcile: what it saw is what later changes are compared with.
    void remember() { seen_ = identity(); }

private:
    // What is mounted at the directory (file system, device, root inode, flags), or "".
    std::string identity() const;

    std::string dir_;
    Schedule schedule_;
    binfmt::UniqueFd mountinfo_;
    EventLoop::Source source_;
    std::string seen_;
};

} // namespace binfmtd
