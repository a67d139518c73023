// Everything binfmtd reacts to after boot, without polling: configuration
// directories, the binfmt_misc table, the mount table, and interpreter files.
// Each event schedules one reconcile (debounced); the reconcile then calls update().
#pragma once

#include "event_loop.hpp"
#include "inotify.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace binfmtd {

// The writes a reconcile made to binfmt_misc: their inotify events are ours.
struct OwnWrites {
    bool register_file = false;
    std::set<std::string> entries;
};

class Watchers {
public:
    struct Settings {
        std::vector<std::string> config_dirs;
        std::string binfmt_dir;
        std::uint64_t debounce_usec = 100'000;
    };
    using Trigger = std::function<void(const std::string& why)>;

    Watchers(EventLoop& loop, Settings settings, Trigger reconcile);
    ~Watchers();

    // After each reconcile: the interpreters that matter now, whether binfmt_misc
    // is mounted (then it is watched and held open), and what the reconcile wrote.
    void update(const std::vector<std::string>& interpreter_paths, bool mounted, const OwnWrites& own = {});

private:
    void arm_config();
    void arm_interpreters();
    void arm_kernel(bool mounted);
    // Reads the binfmt_misc events queued so far; true when one of them is not
    // explained by `own` (nullptr: none is).
    bool drain_kernel(const OwnWrites* own);
    // A reconcile within `delay_usec` (the kernel's table, mounts: urgent).
    void schedule(const std::string& why, std::uint64_t delay_usec);
    // A reconcile once files have settled (configuration, interpreters).
    void debounce(const std::string& why);
    void arm_timer();
    // What is mounted at binfmt_dir (file system, device, root inode, flags), or "".
    std::string mount_identity() const;

    EventLoop& loop_;
    Settings settings_;
    Trigger reconcile_;

    Inotify config_, interpreters_;
    std::unique_ptr<Inotify> kernel_; // per mount: its watch ends with the mount
    EventLoop::Source config_source_, kernel_source_, interpreter_source_, mount_source_, timer_;
    int mountinfo_fd_ = -1;
    std::string mount_identity_; // as of the last reconcile
    int hold_fd_ = -1; // keeps binfmt_misc busy: another tool's umount fails instead of wiping the table
    std::vector<std::string> watched_interpreters_;
    bool rearm_interpreters_ = true;
    // CLOCK_MONOTONIC usec; 0 = nothing pending.
    std::uint64_t urgent_due_ = 0, debounce_due_ = 0, burst_start_ = 0, timer_due_ = 0;
    std::string urgent_why_, debounce_why_;
    bool rearm_config_ = false, kernel_gone_ = false;
};

} // namespace binfmtd
