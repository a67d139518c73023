#include "reconcile_scheduler.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace binfmtd {

void ReconcileScheduler::Wait::add(const std::string& why) {
    if (std::find(reasons.begin(), reasons.end(), why) == reasons.end()) reasons.push_back(why);
}

ReconcileScheduler::ReconcileScheduler(Clock& clock, Alarm& alarm, Settings settings, Serve serve)
    : clock_(clock), alarm_(alarm), settings_(settings), serve_(std::move(serve)) {}

void ReconcileScheduler::schedule(const std::string& why, Urgency urgency, std::uint64_t delay_usec) {
    const std::uint64_t now = clock_.now_usec();
    if (urgency == Urgency::Urgent) {
        const std::uint64_t due = now + delay_usec;
        if (!urgent_.due || due < urgent_.due) urgent_.due = due;
        urgent_.add(why);
    } else {
        if (!burst_start_) burst_start_ = now;
        settle_.due = std::min(now + settings_.debounce_usec,
                               burst_start_ + settings_.max_debounces * settings_.debounce_usec);
        settle_.add(why);
    }
    arm();
}

void ReconcileScheduler::arm() {
    const std::uint64_t due = !urgent_.due   ? settle_.due
                              : !settle_.due ? urgent_.due
                                             : std::min(urgent_.due, settle_.due);
    if (!due || due == armed_for_) return;
    armed_for_ = due;
    alarm_.arm(due, [this] { fire(); });
}

void ReconcileScheduler::fire() {
    armed_for_ = 0;
    const std::uint64_t now = clock_.now_usec() + settings_.slack_usec;
    std::vector<std::string> reasons;
    for (Wait* w : {&urgent_, &settle_}) {
        if (!w->due || w->due > now) continue;
        for (auto& r : w->reasons)
            if (std::find(reasons.begin(), reasons.end(), r) == reasons.end()) reasons.push_back(r);
        *w = {};
        if (w == &settle_) burst_start_ = 0;
    }
    if (!reasons.empty()) serve_(fmt::format("{}", fmt::join(reasons, ", ")));
    arm(); // what is still to come (a debounce an urgent request went ahead of)
}

} // namespace binfmtd
