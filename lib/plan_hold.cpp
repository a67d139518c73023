#include "plan_hold.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace binfmt {

namespace {
std::string joined(const std::string& first, const std::string& then) {
    return first.empty() ? then : fmt::format("{}; {}", first, then);
}
} // namespace

Plan hold_plan(const Plan& plan, const PlanInput& in, const std::string& why) {
    std::set<std::string> touched; // entries some action was for (a swap's stand-in counts for its entry)
    for (const auto& a : plan.actions) touched.insert(a.stands_in_for.empty() ? a.name : a.stands_in_for);
    // Registered only to be tried before another: the kernel has its definition, in another place.
    for (const auto& r : plan.reorders) touched.erase(r.name);

    Plan held;
    held.owned = in.owned;
    for (PlannedEntry pe : plan.entries) {
        const auto k = in.kernel.find(pe.name);
        const bool in_kernel = k != in.kernel.end();
        if (pe.state == State::Foreign) {
            // Another tool's: nothing binfmtd would do anyway.
        } else if (!touched.count(pe.name)) {
            if (pe.state != State::Failed) pe.error = joined(pe.error, why);
        } else if (pe.state == State::Active) {
            pe.state = State::Pending;
            pe.error = fmt::format("{}: {}", why,
                                   in_kernel ? "the kernel still has its previous definition" : "not registered");
        } else {
            pe.error = joined(pe.error, fmt::format("{}: the kernel still has it", why));
        }
        touched.erase(pe.name);
        held.entries.push_back(std::move(pe));
    }
    // What is left are owned entries no longer defined, which the plan would have removed.
    for (const auto& name : touched) {
        const auto k = in.kernel.find(name);
        const auto o = in.owned.find(name);
        if (k == in.kernel.end()) continue;
        held.entries.push_back({name, k->second.enabled ? State::Active : State::Disabled,
                                fmt::format("no longer defined; {}: the kernel still has it", why),
                                o != in.owned.end() ? o->second.origin : std::string("kernel")});
    }
    std::sort(held.entries.begin(), held.entries.end(),
              [](const PlannedEntry& a, const PlannedEntry& b) { return a.name < b.name; });
    return held;
}

} // namespace binfmt
