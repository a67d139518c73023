#include "plan.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace binfmt {

std::string_view state_name(State s) {
    switch (s) {
    case State::Active: return "active";
    case State::Disabled: return "disabled";
    case State::Pending: return "pending";
    case State::Failed: return "failed";
    case State::Foreign: return "foreign";
    }
    return "failed";
}

namespace {

struct Planner {
    const PlanInput& in;
    Plan plan;

    const KernelEntry* kernel(const std::string& name) const {
        auto it = in.kernel.find(name);
        return it == in.kernel.end() ? nullptr : &it->second;
    }
    bool owns(const std::string& name) const { return in.owned.count(name) != 0; }

    void report(const std::string& name, State state, std::string origin, std::string error = {}) {
        plan.entries.push_back({name, state, std::move(error), std::move(origin)});
    }
    void own(const std::string& name, const std::string& origin, const std::string& pinned = {}) {
        plan.owned[name] = {name, origin, pinned};
    }
    const Owned* owned(const std::string& name) const {
        auto it = in.owned.find(name);
        return it == in.owned.end() ? nullptr : &it->second;
    }
    void remove(const std::string& name) { plan.actions.push_back({Action::Type::Remove, name, {}}); }
    void add(const Entry& e) { plan.actions.push_back({Action::Type::Register, e.name, e}); }

    void desired(const Desired& d) {
        const Entry& e = d.entry;
        const std::string& origin = e.origin.file;
        const KernelEntry* k = kernel(e.name);
        const bool mine = owns(e.name);

        if (!e.enabled) {
            if (k && mine) remove(e.name);
            report(e.name, State::Disabled, origin, d.blocked);
            return;
        }
        if (!d.blocked.empty()) {
            if (d.pending) {
                // A registered entry keeps working (an F entry pins its file) while we wait.
                if (k && mine) own(e.name, origin, owned(e.name)->pinned);
                report(e.name, State::Pending, origin, d.blocked);
            } else {
                if (k && mine) remove(e.name);
                report(e.name, State::Failed, origin, d.blocked);
            }
            return;
        }
        const Owned* had = owned(e.name);
        const bool repin = had && e.flags.fix_binary && !had->pinned.empty() && !d.pinned.empty() &&
                           had->pinned != d.pinned;
        if (k && k->entry.same_registration(e) && !repin) {
            own(e.name, origin, had && !had->pinned.empty() ? had->pinned : d.pinned); // adopt an identical one
            report(e.name, k->enabled ? State::Active : State::Disabled, origin,
                   k->enabled ? std::string() : "disabled in the kernel");
            return;
        }
        if (k && !mine) {
            report(e.name, State::Failed, origin,
                   fmt::format("the kernel already has an entry \"{}\" that binfmtd did not register and that "
                               "differs; remove it (echo -1 > .../{}) or rename this entry",
                               e.name, e.name));
            return;
        }
        if (k) remove(e.name);
        add(e);
        own(e.name, origin, d.pinned);
        report(e.name, State::Active, origin);
    }

    // Owned by us but not (validly) desired any more.
    void orphan(const Owned& o) {
        const KernelEntry* k = kernel(o.name);
        if (auto it = in.invalid.find(o.name); it != in.invalid.end()) {
            if (k) own(o.name, o.origin, o.pinned);
            report(o.name, k ? (k->enabled ? State::Active : State::Disabled) : State::Failed, o.origin,
                   fmt::format("{}; keeping the last valid definition", it->second));
            return;
        }
        if (in.broken_origins.count(o.origin)) {
            if (k) own(o.name, o.origin, o.pinned);
            report(o.name, k ? (k->enabled ? State::Active : State::Disabled) : State::Failed, o.origin,
                   fmt::format("{} has errors; keeping the last valid definition", o.origin));
            return;
        }
        if (k) remove(o.name);
    }
};

} // namespace

Plan make_plan(const PlanInput& in) {
    Planner p{in, {}};
    std::set<std::string> desired_names;
    for (const auto& d : in.desired) {
        desired_names.insert(d.entry.name);
        p.desired(d);
    }
    for (const auto& [name, o] : in.owned)
        if (!desired_names.count(name)) p.orphan(o);
    for (const auto& [name, why] : in.invalid)
        if (!desired_names.count(name) && !in.owned.count(name))
            p.report(name, State::Failed, {}, why);
    for (const auto& [name, k] : in.kernel) {
        if (desired_names.count(name) || in.owned.count(name) || in.invalid.count(name)) continue;
        p.report(name, State::Foreign, "kernel");
    }
    std::sort(p.plan.entries.begin(), p.plan.entries.end(),
              [](const PlannedEntry& a, const PlannedEntry& b) { return a.name < b.name; });
    return std::move(p.plan);
}

} // namespace binfmt
