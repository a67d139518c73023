#include "plan.hpp"

#include "entry_diff.hpp"
#include "paths.hpp"
#include "register_string.hpp"

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
    std::set<std::string> desired_names;

    const KernelEntry* kernel(const std::string& name) const {
        auto it = in.kernel.find(name);
        return it == in.kernel.end() ? nullptr : &it->second;
    }

    void report(const std::string& name, State state, std::string origin, std::string error = {},
                bool adopted = false) {
        plan.entries.push_back({name, state, std::move(error), std::move(origin), adopted});
    }
    // `pin`: where the pinned file's identity and path are taken from (what was registered before,
    // or what is there now).
    template <typename Pin> void own(const std::string& name, const std::string& origin, const Pin& pin,
                                     const std::string& registration, bool adopted = false) {
        plan.owned[name] = {name, origin, pin.pinned, registration, pin.pinned_path, adopted};
    }
    // Another tool's entry: what it pins is not known here (the client asks the kernel).
    void adopt(const std::string& name, const std::string& origin, const std::string& registration) {
        plan.owned[name] = {name, origin, {}, registration, {}, true};
    }
    void own(const Owned& o) { plan.owned[o.name] = o; }
    static std::string line_of(const Entry& e) { return encode_register(e).value_or(std::string()); }
    const Owned* owned(const std::string& name) const {
        auto it = in.owned.find(name);
        return it == in.owned.end() ? nullptr : &it->second;
    }
    void remove(const std::string& name) { plan.actions.push_back({Action::Type::Remove, name, {}, {}, {}}); }
    // Returns the line it will write.
    const std::string& add(const Entry& e) {
        return plan.actions.emplace_back(Action{Action::Type::Register, e.name, e, line_of(e), {}}).line;
    }

    void desired(const Desired& d) {
        const Entry& e = d.entry;
        const std::string& origin = e.origin.file;
        const KernelEntry* k = kernel(e.name);
        const Owned* had = owned(e.name);
        const bool mine = had && !had->adopted; // binfmtd's to change and to remove
        const bool was_adopted = k && had && had->adopted;

        using K = Verdict::Kind;
        switch (d.verdict.kind) {
        case K::Ok: break;
        case K::Missing:
            // A registered entry keeps working (an F entry pins its file) while we wait.
            if (k && had) own(e.name, origin, *had, had->registration, had->adopted);
            report(e.name, State::Pending, origin, d.verdict.reason, was_adopted);
            return;
        case K::Disabled:
        case K::Unsafe:
        case K::Native:
        case K::Invalid:
            if (k && mine) remove(e.name);
            report(e.name, d.verdict.kind == K::Disabled ? State::Disabled : State::Failed, origin,
                   k && !mine ? fmt::format("{}; the kernel's entry of that name is another tool's and stays",
                                            d.verdict.reason)
                              : d.verdict.reason);
            return;
        }
        const bool repin = mine && e.flags.fix_binary && !had->pinned.empty() && !d.pinned.empty() &&
                           had->pinned != d.pinned;
        if (k && k->entry.same_registration(e) && !repin) {
            // Nothing to write. Another tool's entry is adopted when only binfmtd's own files define
            // it; binfmt.d and binfmts declare theirs, so binfmtd manages them whoever wrote them.
            const bool adopted = !mine && e.source == Source::Binfmtd;
            if (adopted) adopt(e.name, origin, line_of(e));
            else if (mine && !had->pinned.empty()) // what we registered is as good a line as a new one
                own(e.name, origin, *had, had->registration.empty() ? line_of(e) : had->registration);
            else own(e.name, origin, d, mine && !had->registration.empty() ? had->registration : line_of(e));
            report(e.name, k->enabled ? State::Active : State::Disabled, origin,
                   k->enabled ? std::string() : "disabled in the kernel", adopted);
            return;
        }
        if (k && !mine) {
            report(e.name, State::Failed, origin,
                   fmt::format("the kernel already has an entry \"{}\" that binfmtd did not register{} and that "
                               "differs ({}); remove it (echo -1 > .../{}) or rename this entry",
                               e.name, was_adopted ? " (it adopted it while identical)" : "",
                               describe_differences(k->entry, e), e.name));
            return;
        }
        const std::string stand_in = k ? swap_out(e) : std::string();
        own(e.name, origin, d, add(e));
        if (!stand_in.empty()) plan.actions.push_back({Action::Type::Remove, stand_in, {}, {}, e.name});
        report(e.name, State::Active, origin);
    }

    // A name no entry has, in the kernel or the configuration, for `name`'s stand-in.
    std::string swap_name(const std::string& name) const {
        for (int n = 1;; ++n) {
            const std::string suffix = std::string(kSwapSuffix) + (n == 1 ? "" : fmt::format("-{}", n));
            const std::string candidate = name.substr(0, kNameMax - suffix.size()) + suffix;
            if (!in.kernel.count(candidate) && !desired_names.count(candidate)) return candidate;
        }
    }
    // Takes the registered `e.name` out of the kernel's way: its new definition under a stand-in
    // first, then the old one removed. Returns the stand-in's name, "" when there is none (its
    // register line would not encode: then a plain removal).
    std::string swap_out(const Entry& e) {
        Entry stand_in = e;
        stand_in.name = swap_name(e.name);
        std::string line = line_of(stand_in);
        const bool swapped = !line.empty();
        if (swapped) plan.actions.push_back({Action::Type::Register, stand_in.name, stand_in, std::move(line), e.name});
        remove(e.name);
        return swapped ? stand_in.name : std::string();
    }

    // Owned or adopted by us but not (validly) desired any more.
    void orphan(const Owned& o) {
        const KernelEntry* k = kernel(o.name);
        std::string why;
        if (auto it = in.invalid.find(o.name); it != in.invalid.end()) why = it->second;
        else if (in.broken_origins.count(o.origin)) why = fmt::format("{} has errors", o.origin);
        if (why.empty()) {
            if (k && !o.adopted) remove(o.name);
            else if (k) report(o.name, State::Foreign, "kernel"); // another tool's again, and it stays
            return;
        }
        // Its definition is broken: keep what the last valid one registered (or adopted), and put
        // it back if someone took it out meanwhile (then binfmtd registered it: fully owned).
        own(o);
        if (k) {
            report(o.name, k->enabled ? State::Active : State::Disabled, o.origin,
                   fmt::format("{}; keeping the last valid definition", why), o.adopted);
        } else if (!o.registration.empty()) {
            plan.owned[o.name].adopted = false;
            plan.actions.push_back({Action::Type::Restore, o.name, {}, o.registration, {}});
            report(o.name, State::Active, o.origin, fmt::format("{}; restored the last valid definition", why));
        } else {
            plan.owned.erase(o.name);
            report(o.name, State::Failed, o.origin, why);
        }
    }
};

} // namespace

Plan make_plan(const PlanInput& in) {
    Planner p{in, {}, {}};
    for (const auto& d : in.desired) p.desired_names.insert(d.entry.name);
    const std::set<std::string>& desired_names = p.desired_names;
    for (const auto& d : in.desired) p.desired(d);
    for (const auto& [name, o] : in.owned)
        if (!desired_names.count(name)) p.orphan(o);
    for (const auto& [name, why] : in.invalid)
        if (!desired_names.count(name) && !in.owned.count(name)) p.report(name, State::Failed, {}, why);
    for (const auto& [name, k] : in.kernel) {
        if (desired_names.count(name) || in.owned.count(name) || in.invalid.count(name)) continue;
        p.report(name, State::Foreign, "kernel");
    }
    std::sort(p.plan.entries.begin(), p.plan.entries.end(),
              [](const PlannedEntry& a, const PlannedEntry& b) { return a.name < b.name; });
    return std::move(p.plan);
}

} // namespace binfmt
