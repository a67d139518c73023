// When to reconcile: every watch source asks for one, with its reason and its urgency, and the
// scheduler serves them with as few reconciles as the rules allow. Time comes from a Clock and
// the wake-up from an Alarm, so the rules are unit-tested without sleeping.
#pragma once

#include "noncopyable.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace binfmtd {

class Clock {
public:
    virtual ~Clock() = default;
    virtual std::uint64_t now_usec() const = 0; // monotonic
};

// One wake-up at a time: arming again replaces the one before.
class Alarm {
public:
    virtual ~Alarm() = default;
    virtual void arm(std::uint64_t due_usec, std::function<void()> fire) = 0;
};

class ReconcileScheduler : binfmt::NonCopyable {
public:
    enum class Urgency {
        Settle, // files being written: wait until they have been quiet for a debounce
        Urgent, // the kernel's table or the mounts: as soon as the caller's delay allows
    };
    struct Settings {
        std::uint64_t debounce_usec = 100'000;
        std::uint64_t max_debounces = 10; // a burst that never settles waits this many debounces at most
        std::uint64_t slack_usec = 1'000; // an alarm this close to a due time serves it
    };
    using Serve = std::function<void(const std::string& why)>;

    ReconcileScheduler(Clock& clock, Alarm& alarm, Settings settings, Serve serve);

    // Settle ignores `delay_usec`: each change restarts the debounce (a file truncated and then
    // written is read once it is whole), capped from the burst's first change. An urgent request
    // neither waits behind a pending debounce nor pushes it back.
    void schedule(const std::string& why, Urgency urgency, std::uint64_t delay_usec = 0);
    bool pending() const { return urgent_.due || settle_.due; }

private:
    struct Wait {
        std::uint64_t due = 0; // 0: nothing waits
        std::vector<std::string> reasons;
        void add(const std::string& why);
    };
    void arm();
    void fire();

    Clock& clock_;
    Alarm& alarm_;
    Settings settings_;
    Serve serve_;
    Wait urgent_, settle_;
    std::uint64_t burst_start_ = 0; // the first change of the current settle burst
    std::uint64_t armed_for_ = 0;   // the due time the alarm is armed for (0: none)
};

// How a watch source asks for a reconcile (ReconcileScheduler::schedule, or a test's recorder).
using Schedule = std::function<void(const std::string& why, ReconcileScheduler::Urgency, std::uint64_t delay_usec)>;

} // namespace binfmtd
