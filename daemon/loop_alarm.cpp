#include "loop_alarm.hpp"

#include <ctime>

namespace binfmtd {

std::uint64_t MonotonicClock::now_usec() const {
    struct timespec ts {};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000 + static_cast<std::uint64_t>(ts.tv_nsec) / 1000;
}

void LoopAlarm::arm(std::uint64_t due_usec, std::function<void()> fire) {
    const std::uint64_t now = clock_.now_usec();
    timer_ = loop_.add_timer(due_usec > now ? due_usec - now : 0, [this, fire = std::move(fire)] {
        // The handler may arm the next alarm, which replaces timer_: the firing source (and this
        // lambda, which it owns) must outlive the call, so both are taken out first.
        EventLoop::Source done = std::move(timer_);
        const auto call = fire;
        call();
    });
}

} // namespace binfmtd
