// PendingCalls: the changing calls waiting for polkit are bounded per sender and in all, each
// is answered once, and every one still waiting is answered when binfmtd stops.
#include "pending_calls.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <string>
#include <vector>

using binfmtd::PendingCalls;

TEST_CASE("pending calls: bounded per sender and in all", "[pending_calls]") {
    PendingCalls pending;
    std::vector<std::string> abandoned;
    auto add = [&](const std::string& sender) {
        return pending.add(sender, [&abandoned, sender](const std::string&) { abandoned.push_back(sender); });
    };
    for (std::size_t i = 0; i < PendingCalls::kPerSender; ++i) REQUIRE(add(":1.1"));
    CHECK_FALSE(add(":1.1")); // this sender has the most waiting
    const auto other = add(":1.2");
    REQUIRE(other); // another sender is not held up by the first
    REQUIRE(pending.take(*other));
    CHECK_FALSE(pending.take(*other)); // answered once
    for (std::size_t i = 0; pending.size() < PendingCalls::kTotal; ++i) REQUIRE(add(fmt::format(":2.{}", i)));
    CHECK_FALSE(add(":3.1")); // everybody together has the most waiting
    CHECK(abandoned.empty());
}

TEST_CASE("pending calls: stopping answers each waiting call once", "[pending_calls]") {
    PendingCalls pending;
    std::vector<std::string> why;
    const auto first = pending.add(":1.1", [&](const std::string& w) { why.push_back(w); });
    const auto second = pending.add(":1.1", [&](const std::string& w) { why.push_back(w); });
    REQUIRE(first);
    REQUIRE(second);
    REQUIRE(pending.take(*first)); // authorized and answered before the stop
    pending.abandon_all("stopping");
    CHECK(why == std::vector<std::string>{"stopping"});
    CHECK(pending.size() == 0);
    CHECK_FALSE(pending.take(*second));                    // its authorization arriving late changes nothing
    CHECK(pending.add(":1.1", [](const std::string&) {})); // its place is free again
}
