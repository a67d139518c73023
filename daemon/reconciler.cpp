#include "reconciler.hpp"

#include "log.hpp"
#include "presets.hpp"
#include "register_string.hpp"
#include "trust.hpp"
#include "validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

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

binfmt::Desired Reconciler::desire(const binfmt::Entry& entry) const {
    binfmt::Desired d{entry, {}, false};
    binfmt::Entry& e = d.entry;
    const binfmt::Preset* preset = e.preset.empty() ? nullptr : binfmt::find_preset(e.preset);
    if (preset && preset->family == host_family_) {
        e.enabled = false;
        d.blocked = fmt::format("preset \"{}\" is the host's own architecture family ({}), not registered", e.preset,
                                host_family_);
        return d;
    }
    if (!e.enabled) return d;
    if (preset && e.interpreter.empty()) {
        auto found = binfmt::resolve_interpreter(*preset, [](const std::string& p) {
            return check_interpreter(p).status != InterpreterCheck::Status::Missing;
        });
        if (!found) {
            auto candidates = binfmt::interpreter_candidates(*preset);
            d.blocked = fmt::format("no interpreter for preset \"{}\" is installed (looked for {})", e.preset,
                                    fmt::join(candidates, ", "));
            d.pending = true;
            return d;
        }
        e.interpreter = *found;
        if (auto problems = binfmt::validate(e); !problems.empty()) {
            d.blocked = problems.front();
            return d;
        }
    }
    auto check = check_interpreter(e.interpreter);
    if (check.status != InterpreterCheck::Status::Ok) {
        d.blocked = check.reason;
        d.pending = check.status == InterpreterCheck::Status::Missing;
        return d;
    }
    if (!e.force) {
        if (auto what = binfmt::captured_native(e, native_); !what.empty())
            d.blocked = fmt::format("magic {} would capture native executables ({}); refusing (set force = true "
                                    "to override)", binfmt::printable(e.magic), what);
    }
    return d;
}

void Reconciler::apply(const binfmt::Plan& plan, ReconcileReport& report,
                       std::map<std::string, binfmt::Owned>& owned) const {
    auto mark_failed = [&](const std::string& name, std::string why) {
        for (auto& pe : report.entries)
            if (pe.name == name) pe.state = State::Failed, pe.error = std::move(why);
        owned.erase(name);
    };
    for (const auto& a : plan.actions) {
        if (a.type == binfmt::Action::Type::Remove) {
            ++report.writes;
            int err = fs_.remove(a.name);
            if (err == 0 || err == ENOENT) log::info("Removed {}", a.name);
            else mark_failed(a.name, fmt::format("cannot remove it from the kernel: {}", std::strerror(err)));
            continue;
        }
        auto line = binfmt::encode_register(a.entry);
        ++report.writes;
        int err = line ? fs_.add(*line) : EINVAL;
        if (err == 0) log::info("Registered {} ({} -> {})", a.name, binfmt::kind_name(a.entry.kind), a.entry.interpreter);
        else mark_failed(a.name, fmt::format("the kernel rejected the registration: {}", std::strerror(err)));
    }
}

ReconcileReport Reconciler::reconcile() {
    ReconcileReport report;
    binfmt::Config cfg = binfmt::load_config_dirs(binfmt::config_dirs(root_), {});
    for (const auto& d : cfg.diagnostics) {
        if (d.severity == binfmt::Severity::Error) log::error("{}", d.str());
        else if (d.severity == binfmt::Severity::Warning) log::warning("{}", d.str());
        else log::debug("{}", d.str());
    }
    report.config_errors = cfg.has_errors();

    binfmt::PlanInput in;
    for (const auto& e : cfg.entries) in.desired.push_back(desire(e));
    in.broken_origins.insert(cfg.broken_files.begin(), cfg.broken_files.end());
    for (const auto& name : cfg.invalid_entries) {
        auto diag = std::find_if(cfg.diagnostics.begin(), cfg.diagnostics.end(), [&](const binfmt::Diagnostic& d) {
            return d.entry == name && d.severity == binfmt::Severity::Error;
        });
        in.invalid[name] = diag != cfg.diagnostics.end() ? diag->str() : "invalid definition";
    }
    std::string error;
    in.owned = store_.load(error);
    if (!error.empty()) log::warning("{}", error);

    report.unusable = fs_.unusable_reason();
    if (!report.unusable.empty()) {
        // Nothing can be written: everything waits for binfmt_misc.
        for (const auto& d : in.desired)
            report.entries.push_back({d.entry.name, State::Pending, report.unusable, d.entry.origin.file});
        log::warning("{}; {} entries pending", report.unusable, report.entries.size());
        return report;
    }

    std::vector<std::string> problems;
    in.kernel = fs_.read_table(problems);
    for (const auto& p : problems) log::warning("{}", p);

    binfmt::Plan plan = binfmt::make_plan(in);
    report.entries = plan.entries;
    auto owned = plan.owned;
    apply(plan, report, owned);
    if (owned != in.owned || !std::filesystem::exists(store_.path())) {
        if (!store_.save(owned, error)) log::error("{}", error);
    }

    for (const auto& pe : report.entries) {
        if (pe.state == State::Failed) log::error("{}: failed: {}", pe.name, pe.error);
        else if (pe.state == State::Pending) log::warning("{}: pending: {}", pe.name, pe.error);
        else if (!pe.error.empty()) log::info("{}: {}: {}", pe.name, binfmt::state_name(pe.state), pe.error);
    }
    log::info("Reconciled: {}; {} writes to binfmt_misc", report.summary(), report.writes);
    return report;
}

} // namespace binfmtd
