#include "reconciler.hpp"

#include "escape.hpp"
#include "log.hpp"
#include "plan_hold.hpp"
#include "presets.hpp"
#include "register_string.hpp"
#include "sources.hpp"
#include "trust.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

namespace binfmtd {

using binfmt::State;

namespace {
std::size_t count(const ReconcileReport& r, State s) {
    return static_cast<std::size_t>(std::count_if(r.entries.begin(), r.entries.end(),
                                                  [s](const binfmt::PlannedEntry& e) { return e.state == s; }));
}

void log_diagnostics(const binfmt::Config& cfg) {
    for (const auto& d : cfg.diagnostics) {
        if (d.severity == binfmt::Severity::Error) log::error("{}", d.str());
        else if (d.severity == binfmt::Severity::Warning) log::warning("{}", d.str());
        else log::debug("{}", d.str());
    }
}
} // namespace

bool ReconcileReport::ok() const { return !config_errors && count(*this, State::Failed) == 0; }

std::string ReconcileReport::summary() const {
    return fmt::format("{} active, {} disabled, {} pending, {} failed, {} foreign", count(*this, State::Active),
                       count(*this, State::Disabled), count(*this, State::Pending), count(*this, State::Failed),
                       count(*this, State::Foreign));
}

Reconciler::Reconciler(std::string root, Kernel& kernel) : Reconciler(binfmt::Layout::system(root), {}, kernel) {}

Reconciler::Reconciler(binfmt::Layout layout, binfmt::TrustedOwners owners, Kernel& kernel)
    : layout_(std::move(layout)), owners_(owners), kernel_(kernel), store_(layout_), checker_(owners_) {}

RuntimeState Reconciler::load_state() {
    auto loaded = store_.load();
    if (!loaded.ok()) log::warning("{}, ignoring", loaded.failure().message);
    return loaded.ok() ? loaded.value() : RuntimeState{};
}

void Reconciler::save(const RuntimeState& before, const RuntimeState& after) {
    // A reconcile that changes nothing writes nothing (unless the file is in another version's format).
    if (after == before && store_.exists() && !store_.needs_rewrite()) return;
    if (auto s = store_.save(after); !s.ok()) log::error("{}", s.failure().message);
}

binfmt::PlanInput Reconciler::plan_input(const binfmt::Config& cfg, const RuntimeState& state,
                                         ReconcileReport& report) const {
    binfmt::PlanInput in;
    for (const auto& e : cfg.entries) {
        binfmt::Desired d = checker_.desire(e);
        if (state.unregistered.count(e.name) && d.entry.enabled) {
            d.entry.enabled = false;
            d.verdict = {binfmt::Verdict::Kind::Disabled,
                         "unregistered at run time (until reboot or the next Register)"};
        }
        report.defined[e.name] = d.entry;
        if (!d.entry.interpreter.empty()) report.interpreter_paths.push_back(d.entry.interpreter);
        else if (auto* p = binfmt::find_preset(e.preset))
            for (auto& c : binfmt::interpreter_candidates(*p)) report.interpreter_paths.push_back(c);
        in.desired.push_back(std::move(d));
    }
    in.broken_origins.insert(cfg.broken_files.begin(), cfg.broken_files.end());
    in.invalid = cfg.invalid_entries;
    in.owned = state.owned;
    return in;
}

void Reconciler::apply(const binfmt::Plan& plan, const binfmt::PlanInput& in, RefusedStandIn refused_stand_in,
                       ReconcileReport& report, RuntimeState& state) {
    std::set<std::string> failed;    // entries whose actions broke off
    std::set<std::string> stand_ins; // stand-ins of a swap now in the kernel
    auto mark_failed = [&](const std::string& name, std::string why) {
        for (auto& pe : report.entries)
            if (pe.name == name) pe.state = State::Failed, pe.error = std::move(why);
        state.owned.erase(name);
        failed.insert(name);
    };
    // A failed re-registration leaves the old one in the kernel, still binfmtd's: the next
    // reconcile tries again, and a file it ran before still runs.
    auto keep_previous = [&](const std::string& name) {
        if (auto o = in.owned.find(name); o != in.owned.end()) state.owned[name] = o->second;
        if (auto k = in.kernel.find(name); k != in.kernel.end()) report.kernel[name] = k->second;
    };
    // The kernel's order as the writes leave it: a registration is the newest entry.
    auto registered = [&](const std::string& name) {
        auto& order = report.kernel_order;
        order.erase(std::remove(order.begin(), order.end(), name), order.end());
        order.insert(order.begin(), name);
    };
    auto removed = [&](const std::string& name) {
        auto& order = report.kernel_order;
        order.erase(std::remove(order.begin(), order.end(), name), order.end());
    };
    auto previous_line = [&](const std::string& name) {
        if (auto o = in.owned.find(name); o != in.owned.end() && !o->second.registration.empty())
            return o->second.registration;
        auto k = in.kernel.find(name);
        return k == in.kernel.end() ? std::string() : binfmt::encode_register(k->second.entry).value_or("");
    };
    for (const auto& a : plan.actions) {
        const bool stand_in = !a.stands_in_for.empty();
        // A stand-in in the kernel is always taken out again; the rest of a failed entry's
        // actions is left undone.
        if (stand_in && a.type == binfmt::Action::Type::Remove && !stand_ins.count(a.name)) continue;
        if (!stand_in && failed.count(a.name)) continue;
        ++report.writes;
        if (stand_in) {
            report.wrote_entries.insert(a.name);
            if (a.type == binfmt::Action::Type::Register) {
                report.wrote_register = true;
                if (auto s = kernel_.add(a.line); s.ok()) {
                    stand_ins.insert(a.name);
                    registered(a.name);
                } else if (refused_stand_in == RefusedStandIn::KeepOld) {
                    mark_failed(a.stands_in_for, fmt::format("the kernel rejected the new definition: {}; the "
                                                             "previous registration stays",
                                                             std::strerror(s.failure().errnum)));
                    keep_previous(a.stands_in_for);
                } else {
                    // Refused: the swap becomes a plain removal and registration, with its gap.
                    log::warning("{}: no gapless swap: {}", a.stands_in_for, s.failure().message);
                }
            } else if (auto s = kernel_.remove(a.name); s.ok() || s.failure().errnum == ENOENT) {
                stand_ins.erase(a.name);
                removed(a.name);
            } else {
                log::error("cannot remove {}, the stand-in of {}: {}", a.name, a.stands_in_for, s.failure().message);
            }
            continue;
        }
        if (a.type == binfmt::Action::Type::Remove) {
            report.wrote_entries.insert(a.name);
            auto s = kernel_.remove(a.name);
            if (s.ok() || s.failure().errnum == ENOENT) {
                report.kernel.erase(a.name);
                removed(a.name);
                log::info("Removed {}", a.name);
            } else {
                mark_failed(a.name,
                            fmt::format("cannot remove it from the kernel: {}", std::strerror(s.failure().errnum)));
            }
            continue;
        }
        report.wrote_register = report.wrote_register || !a.line.empty();
        auto s = a.line.empty() ? Status(Failure{binfmt::ApiErrorCode::KernelRejected, "unencodable", EINVAL})
                                : kernel_.add(a.line);
        if (!s.ok()) {
            // Taken since the table was read (systemd-binfmt or update-binfmts writing meanwhile):
            // no verdict on the definition; reconcile() reads the table again.
            if (s.failure().errnum == EEXIST && !in.kernel.count(a.name)) raced_.insert(a.name);
            std::string why = fmt::format("the kernel rejected the registration: {}",
                                          std::strerror(s.failure().errnum));
            // A re-registration the kernel refused: the old one goes back in before its
            // stand-in (if any) goes out.
            const std::string old = a.type == binfmt::Action::Type::Register && in.kernel.count(a.name)
                                        ? previous_line(a.name)
                                        : std::string();
            const bool put_back = !old.empty() && kernel_.add(old).ok();
            if (put_back) why += "; the previous registration was put back";
            if (put_back) registered(a.name);
            mark_failed(a.name, std::move(why));
            if (put_back) {
                ++report.writes;
                keep_previous(a.name);
            }
        } else if (a.type == binfmt::Action::Type::Restore) { // what it is, the kernel says
            registered(a.name);
            if (auto k = kernel_.read_entry(a.name)) report.kernel[a.name] = std::move(*k);
            log::info("Restored {} as last registered", a.name);
        } else {
            registered(a.name);
            report.kernel[a.name] = {a.entry, true};
            log::info("Registered {} ({} -> {})", a.name, binfmt::kind_name(a.entry.kind), a.entry.interpreter);
        }
    }
}

ReconcileReport Reconciler::reconcile(RefusedStandIn refused_stand_in) {
    // Another tool registering entries while binfmtd writes (systemd-binfmt after its flush) can
    // take a name between the read of the table and binfmtd's write: that is no failure of the
    // definition, only a stale table. Read it again, a few times at most.
    constexpr int kRereads = 3;
    ReconcileReport report = reconcile_pass(refused_stand_in, true, false);
    for (int i = 1; !raced_.empty() && i <= kRereads; ++i) {
        ReconcileReport next = reconcile_pass(refused_stand_in, false, i == kRereads);
        // The watch must know every write of every pass as binfmtd's own.
        next.writes += report.writes;
        next.wrote_register = next.wrote_register || report.wrote_register;
        next.wrote_entries.insert(report.wrote_entries.begin(), report.wrote_entries.end());
        report = std::move(next);
    }
    return report;
}

ReconcileReport Reconciler::reconcile_pass(RefusedStandIn refused_stand_in, bool first, bool last) {
    binfmt::TrustCacheScope trust_cache; // each interpreter and directory looked at once per reconcile
    ReconcileReport report;
    raced_.clear();
    // A user's own instance reads their binfmtd.d alone; the system's reads every source.
    const binfmt::Config cfg = layout_.system_root ? binfmt::load_sources(*layout_.system_root, {})
                                                   : binfmt::load_config_dirs(layout_.config_dirs, {}, owners_);
    if (first) log_diagnostics(cfg);
    report.config_errors = cfg.has_errors();
    report.diagnostics = cfg.diagnostics;

    const RuntimeState saved = load_state();
    RuntimeState state = saved;
    for (const auto& [name, out] : keep_out_) {
        if (out) state.unregistered.insert(name);
        else state.unregistered.erase(name);
    }
    keep_out_.clear();
    report.kept_out = state.unregistered;
    binfmt::PlanInput in = plan_input(cfg, state, report);

    report.mount = kernel_.mount_state();
    if (report.mount.mounted())
        if (auto claimed = kernel_.claim(); !claimed.ok()) {
            const bool gone = claimed.failure().code == binfmt::ApiErrorCode::NotMounted; // unmounted meanwhile
            report.mount.kind = gone ? MountState::Kind::NotMounted : MountState::Kind::HeldElsewhere;
            report.mount.why_not = claimed.failure().message;
        }
    if (report.mount.mounted() && !report.mount.kernel_enabled)
        log::warning("binfmt_misc at \"{}\" is disabled (its status is 0): the kernel runs no entry", kernel_.dir());
    if (!report.mount.mounted()) {
        // Nothing there: wait for binfmt_misc.
        for (const auto& d : in.desired)
            if (d.entry.enabled)
                report.entries.push_back({d.entry.name, State::Pending, report.mount.why_not, d.entry.origin.file});
        if (state != saved) save(saved, state); // what was asked (keep_out) is kept
        report.owned = state.owned;
        log::warning("{}; {} entries pending", report.mount.why_not, report.entries.size());
        log::info("Reconciled: {}; 0 writes to binfmt_misc", report.summary());
        return report;
    }

    const KernelTable table = kernel_.read_table();
    for (const auto& p : table.unreadable) log::warning("{}", p);
    in.kernel = table.by_name();
    // binfmt_misc lists its entries in the order the kernel tries them, the newest first.
    for (const auto& [name, k] : table.entries) in.kernel_order.push_back(name);
    report.kernel = in.kernel;
    report.kernel_order = in.kernel_order;

    if (!report.mount.writable()) {
        // The kernel stays as it is: every state is the one its table gives.
        report.entries = binfmt::hold_plan(binfmt::make_plan(in), in, report.mount.why_not).entries;
        report.owned = state.owned;
        // Another binfmtd's instance: not even the state file is written (it may share our --root).
        if (report.mount.kind == MountState::Kind::ReadOnly && state != saved) save(saved, state);
        log::warning("{}; nothing is changed in the kernel", report.mount.why_not);
        log::info("Reconciled: {}; 0 writes to binfmt_misc", report.summary());
        return report;
    }

    const binfmt::Plan plan = binfmt::make_plan(in);
    for (const auto& r : plan.reorders)
        log::info("{}: registering it again, to be tried before {}{}", r.name, binfmt::in_quotes(r.outranks),
                  r.why.empty() ? "" : fmt::format(" ({})", r.why));
    report.entries = plan.entries;
    state.owned = plan.owned;
    apply(plan, in, refused_stand_in, report, state);
    save(saved, state);
    report.owned = state.owned;
    if (!raced_.empty() && !last) {
        log::info("{}: registered by another tool while binfmtd wrote the table; reading it again",
                  fmt::join(raced_, ", "));
        return report;
    }

    for (const auto& pe : report.entries) {
        if (in.invalid.count(pe.name) && pe.state == State::Failed) continue; // logged with the config errors
        if (pe.state == State::Failed) log::error("{}: failed: {}", pe.name, pe.error);
        else if (pe.state == State::Pending) log::warning("{}: pending: {}", pe.name, pe.error);
        else if (!pe.error.empty()) log::info("{}: {}: {}", pe.name, binfmt::state_name(pe.state), pe.error);
    }
    log::info("Reconciled: {}; {} writes to binfmt_misc", report.summary(), report.writes);
    return report;
}

} // namespace binfmtd
