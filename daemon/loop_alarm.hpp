// The scheduler's clock and alarm in production: CLOCK_MONOTONIC and an sd-event timer.
#pragma once

#include "event_loop.hpp"
#include "reconcile_scheduler.hpp"

namespace binfmtd {

class MonotonicClock final : public Clock {
public:
    std::uint64_t now_usec() const override;
};

class LoopAlarm final : public Alarm {
public:
    LoopAlarm(EventLoop& loop, const Clock& clock) : loop_(loop), clock_(clock) {}
    void arm(std::uint64_t due_usec, std::function<void()> fire) override;

private:
    EventLoop& loop_;
    const Clock& clock_;
    EventLoop::Source timer_;
};

} // namespace binfmtd
