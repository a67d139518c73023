#include "reconciler.hpp"

#include "log.hpp"
#include "presets.hpp"
#include "trust.hpp"
#include "validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>

namespace binfmtd {

using binfmt::State;

namespace {
std::optional<binfmt::Bytes> read_head(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    binfmt::Bytes head(binfmt::kHeadSize, 0);
    in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
    return head;
}

std::size_t count(const ReconcileReport& r, State s) {
    return static_cast<std::size_t>(std::count_if(r.entries.begin(), r.entries.end(),
                                                  [s](const binfmt::PlannedEntry& e) { return e.state == s; }));
}
} // namespace

bool ReconcileReport::ok() const { return !config_errors && count(*this, State::Failed) == 0; }

std::string ReconcileReport::summary() const {
    return fmt::format("{} active, {} disabled, {} pending, {} failed, {} foreign", count(*this, State::Active),
                       count(*this, State::Disabled), count(*this, State::Pending), count(*this, State::Failed),
                       count(*this, State::Foreign));
}

Reconciler::Reconciler(std::string root, const BinfmtFs& fs)
    : root_(std::move(root)), fs_(fs), store_(root_), host_family_(binfmt::host_family()),
      native_(binfmt::native_samples(host_family_)) {
    // Real native executables too, whatever the family table knows.
    for (const char* path : {"/proc/self/exe", "/bin/sh"})
        if (auto head = read_head(path)) native_.push_back({fmt::format("the host's own {}", path), std::move(*head)});
}

Reconciler::Verdict Reconciler::check(binfmt::Entry& e) const {
    using K = Verdict::Kind;
    const binfmt::Preset* preset = e.preset.empty() ? nullptr : binfmt::find_preset(e.preset);
    if (preset && preset->family == host_family_)
        return {K::HostFamily, fmt::format("preset \"{}\" is the host's own architecture family ({}), not registered",
                                           e.preset, host_family_)};
    if (preset && e.interpreter.empty()) {
        auto found = binfmt::resolve_interpreter(*preset, [](const std::string& p) {
            return check_interpreter(p).status != InterpreterCheck::Status::Missing;
        });
        if (!found)
            return {K::Missing, fmt::format("no interpreter for preset \"{}\" is installed (looked for {})", e.preset,
                                            fmt::join(binfmt::interpreter_candidates(*preset), ", "))};
        e.interpreter = *found;
        if (auto problems = binfmt::validate(e); !problems.empty()) return {K::Invalid, problems.front()};
    }
    auto trust = check_interpreter(e.interpreter);
    if (trust.status == InterpreterCheck::Status::Missing) return {K::Missing, trust.reason};
    if (trust.status == InterpreterCheck::Status::Unsafe) return {K::Unsafe, trust.reason};
    if (!e.force) {
        if (auto what = binfmt::captured_native(e, native_); !what.empty())
            return {K::Native, fmt::format("magic \"{}\" would capture native executables ({}); refusing (set force "
                                           "= true to override)", binfmt::printable(e.magic), what)};
    }
    return {};
}

binfmt::Desired Reconciler::desire(const binfmt::Entry& entry) const {
    binfmt::Desired d{entry, {}, false, {}};
    if (!d.entry.enabled && d.entry.preset.empty()) return d;
    Verdict v = check(d.entry);
    if (v.kind == Verdict::Kind::HostFamily) d.entry.enabled = false;
    if (!d.entry.enabled && v.kind != Verdict::Kind::HostFamily) return d;
    d.blocked = v.reason;
    d.pending = v.kind == Verdict::Kind::Missing;
    struct stat st {};
    if (v.kind == Verdict::Kind::Ok && ::stat(d.entry.interpreter.c_str(), &st) == 0)
        d.pinned = fmt::format("{}:{}", st.st_dev, st.st_ino);
    return d;
}

void Reconciler::save(const RuntimeState& state) const {
    std::string error;
    if (!store_.save(state, error)) log::error("{}", error);
}

void Reconciler::set_unregistered(const std::string& name, bool unregistered) {
    std::string error;
    RuntimeState state = store_.load(error);
    if (unregistered) state.unregistered.insert(name);
    else state.unregistered.erase(name);
    save(state);
}

void Reconciler::apply(const binfmt::Plan& plan, ReconcileReport& report, RuntimeState& state) const {
    auto mark_failed = [&](const std::string& name, std::string why) {
        for (auto& pe : report.entries)
            if (pe.name == name) pe.state = State::Failed, pe.error = std::move(why);
        state.owned.erase(name);
    };
    for (const auto& a : plan.actions) {
        if (a.type == binfmt::Action::Type::Remove) {
            ++report.writes;
            report.wrote_entries.insert(a.name);
            int err = fs_.remove(a.name);
            if (err == 0 || err == ENOENT) {
                report.kernel.erase(a.name);
                log::info("Removed {}", a.name);
            }
            else mark_failed(a.name, fmt::format("cannot remove it from the kernel: {}", std::strerror(err)));
            continue;
        }
        ++report.writes;
        report.wrote_register = report.wrote_register || !a.line.empty();
        int err = a.line.empty() ? EINVAL : fs_.add(a.line);
        if (err == 0 && a.type == binfmt::Action::Type::Restore) { // what it is, the kernel says
            if (auto k = fs_.read_entry(a.name)) report.kernel[a.name] = std::move(*k);
            log::info("Restored {} as last registered", a.name);
        } else if (err == 0) {
            report.kernel[a.name] = {a.entry, true};
            log::info("Registered {} ({} -> {})", a.name, binfmt::kind_name(a.entry.kind), a.entry.interpreter);
        }
        else mark_failed(a.name, fmt::format("the kernel rejected the registration: {}", std::strerror(err)));
    }
}

ReconcileReport Reconciler::reconcile() {
    TrustCacheScope trust_cache; // each interpreter and directory looked at once per reconcile
    ReconcileReport report;
    binfmt::Config cfg = binfmt::load_config_dirs(binfmt::config_dirs(root_), {});
    for (const auto& d : cfg.diagnostics) {
        if (d.severity == binfmt::Severity::Error) log::error("{}", d.str());
        else if (d.severity == binfmt::Severity::Warning) log::warning("{}", d.str());
        else log::debug("{}", d.str());
    }
    report.config_errors = cfg.has_errors();

    std::string error;
    const RuntimeState saved = store_.load(error);
    if (!error.empty()) log::warning("{}", error);

    binfmt::PlanInput in;
    for (const auto& e : cfg.entries) {
        binfmt::Desired d = desire(e);
        if (saved.unregistered.count(e.name) && d.entry.enabled) {
            d.entry.enabled = false;
            d.blocked = "unregistered at run time (until reboot or the next Register)";
        }
        report.defined[e.name] = d.entry;
        if (!d.entry.interpreter.empty()) report.interpreter_paths.push_back(d.entry.interpreter);
        else if (auto* p = binfmt::find_preset(e.preset))
            for (auto& c : binfmt::interpreter_candidates(*p)) report.interpreter_paths.push_back(c);
        in.desired.push_back(std::move(d));
    }
    in.broken_origins.insert(cfg.broken_files.begin(), cfg.broken_files.end());
    for (const auto& name : cfg.invalid_entries) {
        auto diag = std::find_if(cfg.diagnostics.begin(), cfg.diagnostics.end(), [&](const binfmt::Diagnostic& d) {
            return d.entry == name && d.severity == binfmt::Severity::Error;
        });
        in.invalid[name] = diag != cfg.diagnostics.end() ? diag->str() : "invalid definition";
    }
    in.owned = saved.owned;

    const auto usable = fs_.usability();
    report.unusable = usable.reason;
    report.mounted = usable.status != BinfmtFs::Usability::Status::NotMounted;
    if (usable.status != BinfmtFs::Usability::Status::Ok) {
        // Nothing can be written: wait for a (writable) binfmt_misc.
        const State s = usable.status == BinfmtFs::Usability::Status::ReadOnly ? State::Failed : State::Pending;
        for (const auto& d : in.desired)
            if (d.entry.enabled) report.entries.push_back({d.entry.name, s, report.unusable, d.entry.origin.file});
        log::warning("{}; {} entries {}", report.unusable, report.entries.size(), binfmt::state_name(s));
        log::info("Reconciled: {}; 0 writes to binfmt_misc", report.summary());
        return report;
    }

    std::vector<std::string> problems;
    in.kernel = fs_.read_table(problems);
    for (const auto& p : problems) log::warning("{}", p);
    report.kernel = in.kernel;

    binfmt::Plan plan = binfmt::make_plan(in);
    report.entries = plan.entries;
    RuntimeState state{plan.owned, saved.unregistered};
    apply(plan, report, state);
    if (state != saved || !std::filesystem::exists(store_.path())) save(state);

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
