// The binfmt_misc table: another tool's registration, removal or flush asks for an urgent
// reconcile; binfmtd's own writes do not. While mounted, binfmt_misc is held open, so that
// another tool's umount fails instead of silently wiping the table.
#pragma once

#include "event_loop.hpp"
#include "inotify.hpp"
#include "reconcile_scheduler.hpp"
#include "unique_fd.hpp"

#include <memory>
#include <set>
#include <string>

namespace binfmtd {

// The writes a reconcile made to binfmt_misc: their inotify events are ours.
struct OwnWrites {
    bool register_file = false;
    std::set<std::string> entries;
    // The entries the reconcile left in the table. inotify merges identical events, so
    // another tool's registration right after ours shows as ours: a name the reconcile
    // did not leave there tells it apart.
    std::set<std::string> table;
};

class KernelTableWatch : binfmt::NonCopyable {
public:
    KernelTableWatch(EventLoop& loop, std::string dir, Schedule schedule);
    // After each reconcile: its own events are dropped, anyone else's ask for another reconcile;
    // the watch follows the mount (a new mount needs a new watch).
    void update(bool mounted, const OwnWrites& own);
    // Before a reconcile: the events so far are read with the table anyway.
    void discard_events() { drain(nullptr); }
    // What the event loop calls when events are queued (tests call it directly).
    void on_readable();
    static constexpr std::uint64_t kCoalesceUsec = 2'000; // a flush removes many entries in one burst

private:
    // True when an event queued so far is not explained by `own` (nullptr: none is).
    bool drain(const OwnWrites* own);
    // True when the directory holds an entry that is not in `table`.
    bool has_unknown_entry(const std::set<std::string>& table) const;
    void arm(bool mounted);

    EventLoop& loop_;
    std::string dir_;
    Schedule schedule_;
    std::unique_ptr<Inotify> inotify_; // per mount: its watch ends with the mount
    EventLoop::Source source_;
    binfmt::UniqueFd hold_;
    bool gone_ = false; // the watch ended (unmounted): make a new one at the next update
};

} // namespace binfmtd
