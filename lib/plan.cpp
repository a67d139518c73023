#include "plan.hpp"

#include "entry_diff.hpp"
#include "paths.hpp"
#include "priority.hpp"
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

    // The actions of one entry (or of none, name ""), kept together: the overlapping entries'
    // groups are put in rank order once every entry has been planned.
    struct Group {
        std::string name;
        std::vector<Action> actions;
    };
    std::vector<Group> groups = {};
    void begin(const std::string& name) { groups.push_back({name, {}}); }
    void act(Action a) {
        if (groups.empty()) begin({});
        groups.back().actions.push_back(std::move(a));
    }

    // The entries the kernel's order is kept for, by name: each as it will be in the kernel
    // (its match as registered, its rank as defined).
    std::map<std::string, Entry> ranked = {};
    std::set<std::string> registering = {};             // registered by this plan anyway
    std::set<std::string> fixed = {};                   // in the kernel and not binfmtd's to register again
    std::map<std::string, const Desired*> movable = {}; // registered as defined: may be registered again

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
    void remove(const std::string& name) { act({Action::Type::Remove, name, {}, {}, {}}); }
    // Returns the line it will write.
    std::string add(const Entry& e) {
        std::string line = line_of(e);
        act({Action::Type::Register, e.name, e, line, {}});
        return line;
    }

    void desired(const Desired& d) {
        begin(d.entry.name);
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
            if (k && had) rank_fixed(e, *k); // it could not be registered again now
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
            if (adopted || !k->enabled) rank_fixed(e, *k); // registering it again would take or enable it
            else rank(e, &d);
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
        rank(e, nullptr);
        registering.insert(e.name);
        register_gaplessly(d, k != nullptr);
        report(e.name, State::Active, origin);
    }

    // Registers `d` (again, when `registered`: through a stand-in, so that no moment is left
    // without a handler) and owns what it wrote.
    void register_gaplessly(const Desired& d, bool registered) {
        const Entry& e = d.entry;
        const std::string stand_in = registered ? swap_out(e) : std::string();
        own(e.name, e.origin.file, d, add(e));
        if (!stand_in.empty()) act({Action::Type::Remove, stand_in, {}, {}, e.name});
    }

    // Kept in the kernel's order: to be registered (`d` null) or registered as `d` defines it.
    void rank(const Entry& e, const Desired* d) {
        ranked[e.name] = e;
        if (d) movable[e.name] = d;
    }
    // Kept in the order but never registered again: its match as the kernel has it.
    void rank_fixed(const Entry& e, const KernelEntry& k) {
        Entry as_registered = k.entry;
        as_registered.name = e.name;
        as_registered.priority = e.priority;
        as_registered.source = e.source;
        as_registered.dir_rank = e.dir_rank;
        as_registered.origin = e.origin;
        ranked[e.name] = std::move(as_registered);
        fixed.insert(e.name);
    }

    // The kernel's order among overlapping entries made to follow their ranks: every one
    // registered after each overlapping one it outranks (lib/priority). Registers again, as a
    // swap, the registered entries out of order, and puts the overlapping entries' groups of
    // actions, in rank order, where the first of them was.
    void order() {
        // Only entries that overlap another are ordered.
        std::vector<const Entry*> all, overlapping;
        for (auto& [name, e] : ranked) all.push_back(&e);
        std::set<const Entry*> seen;
        for (auto [a, b] : overlapping_pairs(all))
            for (const Entry* e : {a, b})
                if (seen.insert(e).second) overlapping.push_back(e);
        std::map<std::string, std::size_t> newest_first;
        for (std::size_t i = 0; i < in.kernel_order.size(); ++i) newest_first.emplace(in.kernel_order[i], i);
        for (auto& [name, k] : in.kernel) newest_first.emplace(name, in.kernel_order.size() + newest_first.size());
        const std::vector<const Entry*> lowest_first = lowest_rank_first(std::move(overlapping));
        const std::vector<std::string> names = registration_order(lowest_first, newest_first, registering, fixed);
        if (names.empty()) return;

        std::map<std::string, std::vector<Action>> actions_of;
        for (auto& name : names) {
            auto m = movable.find(name);
            if (m == movable.end()) continue;
            // Registered as defined, but not after everything it outranks: again, gaplessly.
            begin(name);
            register_gaplessly(*m->second, true);
            actions_of[name] = std::move(groups.back().actions);
            groups.pop_back();
            Reorder r{name, below(name, lowest_first), {}};
            if (!r.outranks.empty()) r.why = why_outranks(ranked.at(name), ranked.at(r.outranks));
            plan.reorders.push_back(std::move(r));
        }
        const std::set<std::string> in_order(names.begin(), names.end());
        std::vector<Group> out;
        std::size_t slot = 0;
        for (auto& g : groups) {
            if (g.name.empty() || !in_order.count(g.name)) {
                out.push_back(std::move(g));
                continue;
            }
            if (!actions_of.count(g.name)) actions_of[g.name] = std::move(g.actions);
            if (slot == 0) {
                out.push_back({});
                slot = out.size();
            }
        }
        for (auto& name : names)
            for (auto& a : actions_of[name]) out[slot - 1].actions.push_back(std::move(a));
        groups = std::move(out);
    }

    // The highest-ranked overlapping entry below `name` in `lowest_first` ("" when none).
    std::string below(const std::string& name, const std::vector<const Entry*>& lowest_first) const {
        const Entry& e = ranked.at(name);
        std::string found;
        for (const Entry* b : lowest_first) {
            if (b->name == name) break;
            if (can_overlap(e, *b)) found = b->name;
        }
        return found;
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
        if (swapped) act({Action::Type::Register, stand_in.name, stand_in, std::move(line), e.name});
        remove(e.name);
        return swapped ? stand_in.name : std::string();
    }

    // Owned or adopted by us but not (validly) desired any more.
    void orphan(const Owned& o) {
        begin({});
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
            act({Action::Type::Restore, o.name, {}, o.registration, {}});
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
    p.order();
    for (const auto& [name, o] : in.owned)
        if (!desired_names.count(name)) p.orphan(o);
    for (auto& g : p.groups)
        for (auto& a : g.actions) p.plan.actions.push_back(std::move(a));
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
