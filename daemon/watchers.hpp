// Everything binfmtd reacts to after boot, without polling: configuration directories,
// interpreter files, the binfmt_misc table and the mount table, each a watch source asking
// the scheduler for a reconcile; the reconcile then calls update().
#pragma once

#include "event_loop.hpp"
#include "loop_alarm.hpp"
#include "reconcile_scheduler.hpp"
#include "watch_config.hpp"
#include "watch_interpreters.hpp"
#include "watch_kernel.hpp"
#include "watch_mounts.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace binfmtd {

class Watchers : binfmt::NonCopyable {
public:
    struct Settings {
        std::vector<std::string> config_dirs;
        std::string binfmt_dir;
        std::uint64_t debounce_usec = 100'000;
    };
    using Reconcile = std::function<void(const std::string& why)>;

    Watchers(EventLoop& loop, Settings settings, Reconcile reconcile);

    // After each reconcile: the interpreters that matter now, whether binfmt_misc is mounted
    // (then it is watched and held open), and what the reconcile wrote.
    void update(const std::vector<std::string>& interpreter_paths, bool mounted, const OwnWrites& own = {});

private:
    Schedule ask(); // the sources' way to the scheduler

    MonotonicClock clock_;
    LoopAlarm alarm_;
    ReconcileScheduler scheduler_;
    ConfigWatch config_;
    InterpreterWatch interpreters_;
    KernelTableWatch kernel_;
    MountWatch mounts_;
};

} // namespace binfmtd
