// hold_plan: what each entry's state is while binfmt_misc cannot be written.
#include "plan_entries.hpp"
#include "plan_hold.hpp"

#include <catch2/catch.hpp>

using namespace binfmt;
using unit::ext;

namespace {
const std::string kWhy = "binfmt_misc at \"/b\" is mounted read-only";

Owned owned(const std::string& name) { return {name, "/etc/binfmtd.d/a.toml", {}, {}}; }
const PlannedEntry& held(const Plan& p, const std::string& name) {
    for (auto& e : p.entries)
        if (e.name == name) return e;
    FAIL("no planned entry " << name);
    throw;
}
Plan hold(const PlanInput& in) { return hold_plan(make_plan(in), in, kWhy); }
} // namespace

TEST_CASE("hold: no actions, and what was owned stays owned", "[plan_hold]") {
    PlanInput in;
    in.desired = {{ext("new"), {}, {}}, {ext("same"), {}, {}}};
    in.kernel["same"] = {ext("same"), true};
    in.kernel["orphan"] = {ext("orphan"), true};
    in.owned["orphan"] = owned("orphan");
    REQUIRE_FALSE(make_plan(in).actions.empty());
    const Plan p = hold(in);
    CHECK(p.actions.empty());
    CHECK(p.owned == in.owned);
}

TEST_CASE("hold: an entry the kernel has as defined stays active, with the reason", "[plan_hold]") {
    PlanInput in;
    in.desired = {{ext("same"), {}, {}}, {ext("off"), {}, {}}};
    in.kernel["same"] = {ext("same"), true};
    in.kernel["off"] = {ext("off"), false};
    in.owned["same"] = owned("same");
    const Plan p = hold(in);
    CHECK(held(p, "same").state == State::Active);
    CHECK(held(p, "same").error == kWhy);
    CHECK(held(p, "off").state == State::Disabled);
    CHECK(held(p, "off").error == "disabled in the kernel; " + kWhy);
}

TEST_CASE("hold: an entry that needed a write is pending, saying what the kernel has", "[plan_hold]") {
    PlanInput in;
    in.desired = {{ext("new"), {}, {}}, {ext("changed", "/bin/new"), {}, {}}};
    in.kernel["changed"] = {ext("changed", "/bin/old"), true};
    in.owned["changed"] = owned("changed");
    const Plan p = hold(in);
    CHECK(held(p, "new").state == State::Pending);
    CHECK(held(p, "new").error == kWhy + ": not registered");
    // A swap's stand-in belongs to its entry: one row, no stand-in listed.
    CHECK(held(p, "changed").state == State::Pending);
    CHECK(held(p, "changed").error == kWhy + ": the kernel still has its previous definition");
    CHECK(p.entries.size() == 2);
}

TEST_CASE("hold: an entry to be removed is shown as the kernel still has it", "[plan_hold]") {
    PlanInput in;
    Desired off{ext("switched-off"), {Verdict::Kind::Disabled, "enabled = false"}, {}};
    off.entry.enabled = false;
    in.desired = {off};
    in.kernel["switched-off"] = {ext("switched-off"), true};
    in.kernel["orphan"] = {ext("orphan"), true};
    in.owned["switched-off"] = owned("switched-off");
    in.owned["orphan"] = owned("orphan");
    const Plan p = hold(in);
    CHECK(held(p, "switched-off").state == State::Disabled);
    CHECK(held(p, "switched-off").error == "enabled = false; " + kWhy + ": the kernel still has it");
    CHECK(held(p, "orphan").state == State::Active);
    CHECK(held(p, "orphan").error == "no longer defined; " + kWhy + ": the kernel still has it");
    CHECK(held(p, "orphan").origin == "/etc/binfmtd.d/a.toml");
}

TEST_CASE("hold: foreign and failed entries are as the planner says", "[plan_hold]") {
    PlanInput in;
    in.desired = {{ext("unsafe"), {Verdict::Kind::Unsafe, "writable by others"}, {}}};
    in.kernel["theirs"] = {ext("theirs"), true};
    const Plan p = hold(in);
    CHECK(held(p, "theirs").state == State::Foreign);
    CHECK(held(p, "theirs").error.empty());
    CHECK(held(p, "unsafe").state == State::Failed);
    CHECK(held(p, "unsafe").error == "writable by others");
}

TEST_CASE("hold: an entry only out of order stays active: the kernel has its definition", "[plan_hold][priority]") {
    PlanInput in;
    Entry hi = ext("hi"), lo = ext("lo");
    hi.extension = lo.extension = "py";
    hi.priority = 10;
    in.desired = {{hi, {}, {}}, {lo, {}, {}}};
    in.kernel["hi"] = {hi, true};
    in.kernel["lo"] = {lo, true};
    in.kernel_order = {"lo", "hi"}; // lo runs *.py: hi would be registered again
    in.owned["hi"] = owned("hi");
    in.owned["lo"] = owned("lo");
    REQUIRE(make_plan(in).reorders.size() == 1);
    const Plan p = hold(in);
    CHECK(held(p, "hi").state == State::Active);
    CHECK(held(p, "hi").error == kWhy);
}
