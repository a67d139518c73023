// The scheduler's timing rules on a fake clock: no test here sleeps.
#include "reconcile_scheduler.hpp"

#include <catch2/catch.hpp>

using binfmtd::ReconcileScheduler;
using Urgency = ReconcileScheduler::Urgency;

namespace {
constexpr std::uint64_t ms = 1000; // usec

struct FakeClock final : binfmtd::Clock {
    std::uint64_t now = 1'000'000 * ms; // far from 0, which means "nothing" to the scheduler
    std::uint64_t now_usec() const override { return now; }
};

struct FakeAlarm final : binfmtd::Alarm {
    std::uint64_t due = 0;
    std::function<void()> fire;
    void arm(std::uint64_t d, std::function<void()> f) override { due = d, fire = std::move(f); }
};

// A scheduler whose reconciles are recorded as (time since start, reasons).
struct Bench {
    FakeClock clock;
    FakeAlarm alarm;
    const std::uint64_t start = clock.now;
    std::vector<std::pair<std::uint64_t, std::string>> served;
    ReconcileScheduler scheduler{clock, alarm, {.debounce_usec = 100 * ms}, [this](const std::string& why) {
                                     served.emplace_back(clock.now - start, why);
                                 }};

    // Time passes to START + T: the alarm fires (at its due time) whenever it is due by then.
    void at(std::uint64_t t) {
        while (alarm.fire && alarm.due <= start + t) {
            clock.now = std::max(clock.now, alarm.due);
            auto fire = std::move(alarm.fire);
            alarm.fire = nullptr;
            fire();
        }
        clock.now = start + t;
    }
    void settle(std::uint64_t t, const std::string& why = "the configuration changed") {
        at(t);
        scheduler.schedule(why, Urgency::Settle);
    }
    void urgent(std::uint64_t t, std::uint64_t delay, const std::string& why = "binfmt_misc changed") {
        at(t);
        scheduler.schedule(why, Urgency::Urgent, delay);
    }
    std::vector<std::uint64_t> times() const {
        std::vector<std::uint64_t> out;
        for (auto& [t, why] : served) out.push_back(t / ms);
        return out;
    }
};
} // namespace

TEST_CASE("scheduler: nothing asked, nothing served", "[scheduler]") {
    Bench b;
    b.at(10'000 * ms);
    CHECK(b.served.empty());
    CHECK_FALSE(b.alarm.fire);
    CHECK_FALSE(b.scheduler.pending());
}

TEST_CASE("scheduler: a change is served one debounce after it", "[scheduler]") {
    Bench b;
    b.settle(0);
    CHECK(b.scheduler.pending());
    b.at(99 * ms);
    CHECK(b.served.empty());
    b.at(100 * ms);
    CHECK(b.times() == std::vector<std::uint64_t>{100});
    CHECK(b.served[0].second == "the configuration changed");
    CHECK_FALSE(b.scheduler.pending());
}

TEST_CASE("scheduler: every change restarts the debounce", "[scheduler]") {
    Bench b;
    b.settle(0);
    b.settle(60 * ms);
    b.at(150 * ms); // past the first change's deadline
    CHECK(b.served.empty());
    b.at(160 * ms);
    CHECK(b.times() == std::vector<std::uint64_t>{160});
}

TEST_CASE("scheduler: a file rewritten in place is read once it is whole", "[scheduler]") {
    // With a 1 s debounce: another change starts the wait, the file is truncated 0.8 s later
    // (an empty file masks its entries), and written 0.4 s after that, past the first
    // change's deadline. The one reconcile comes a debounce after the write, never between.
    FakeClock clock;
    FakeAlarm alarm;
    const std::uint64_t start = clock.now;
    std::vector<std::uint64_t> served;
    ReconcileScheduler s(clock, alarm, {.debounce_usec = 1000 * ms},
                         [&](const std::string&) { served.push_back((clock.now - start) / ms); });
    auto at = [&](std::uint64_t t) {
        while (alarm.fire && alarm.due <= start + t) {
            clock.now = alarm.due;
            auto f = std::move(alarm.fire);
            alarm.fire = nullptr;
            f();
        }
        clock.now = start + t;
    };
    s.schedule("the configuration changed", Urgency::Settle); // touch other.toml
    at(800 * ms);
    s.schedule("the configuration changed", Urgency::Settle); // base.toml truncated
    at(1200 * ms);
    CHECK(served.empty());
    s.schedule("the configuration changed", Urgency::Settle); // base.toml written
    at(2199 * ms);
    CHECK(served.empty());
    at(5000 * ms);
    CHECK(served == std::vector<std::uint64_t>{2200});
}

TEST_CASE("scheduler: a burst that never settles is served after ten debounces", "[scheduler]") {
    Bench b;
    for (std::uint64_t t = 0; t <= 1500 * ms; t += 90 * ms) b.settle(t); // every 0.9 debounce
    b.at(3000 * ms);
    // Served at 1000 ms (the cap, not later), then the rest of the burst is a new one:
    // its first change at 1080 ms, the cap again from there, but it settles at 1440 + 100.
    CHECK(b.times() == std::vector<std::uint64_t>{1000, 1540});
}

TEST_CASE("scheduler: after a serve, a new burst has a cap window of its own", "[scheduler]") {
    Bench b;
    b.settle(0);
    b.at(500 * ms);
    REQUIRE(b.times() == std::vector<std::uint64_t>{100});
    for (std::uint64_t t = 500 * ms; t <= 2000 * ms; t += 50 * ms) b.settle(t);
    b.at(3000 * ms);
    CHECK(b.times() == std::vector<std::uint64_t>{100, 1500, 2100});
}

TEST_CASE("scheduler: an urgent request goes ahead of a pending debounce and does not move it", "[scheduler]") {
    Bench b;
    b.settle(0);
    b.urgent(20 * ms, 2 * ms);
    b.at(22 * ms);
    REQUIRE(b.served.size() == 1);
    CHECK(b.served[0] == std::pair<std::uint64_t, std::string>{22 * ms, "binfmt_misc changed"});
    b.at(99 * ms);
    CHECK(b.served.size() == 1); // the debounce is not served early
    b.at(100 * ms);
    CHECK(b.times() == std::vector<std::uint64_t>{22, 100}); // nor pushed back
    CHECK(b.served[1].second == "the configuration changed");
}

TEST_CASE("scheduler: the earliest urgent request sets the time; later ones do not delay it", "[scheduler]") {
    Bench b;
    b.scheduler.schedule("the mount table changed", Urgency::Urgent, 0);
    b.scheduler.schedule("binfmt_misc changed", Urgency::Urgent, 50 * ms); // before the first is served
    b.at(1 * ms);
    REQUIRE(b.times() == std::vector<std::uint64_t>{0});
    CHECK(b.served[0].second == "the mount table changed, binfmt_misc changed");
}

TEST_CASE("scheduler: requests due together are one reconcile with every reason once", "[scheduler]") {
    Bench b;
    b.settle(0);
    b.settle(10 * ms, "an interpreter changed");
    b.settle(20 * ms);
    b.urgent(119 * ms, 1 * ms); // due with the debounce, at 120 ms
    b.at(200 * ms);
    REQUIRE(b.served.size() == 1);
    CHECK(b.served[0].first == 120 * ms);
    CHECK(b.served[0].second == "binfmt_misc changed, the configuration changed, an interpreter changed");
}

TEST_CASE("scheduler: an alarm within the slack of a due time serves it too", "[scheduler]") {
    Bench b;
    b.settle(0);         // due at 100 ms
    b.urgent(99'500, 0); // due at 99.5 ms: the alarm fires then
    b.at(99'600);
    REQUIRE(b.served.size() == 1); // the debounce, 0.5 ms away, was served with it
    CHECK(b.served[0].second == "binfmt_misc changed, the configuration changed");
    b.at(1000 * ms);
    CHECK(b.served.size() == 1);
}
