#include "offline.hpp"

#include "config.hpp"
#include "diagnostic_json.hpp"
#include "entry_checker.hpp"
#include "escape.hpp"
#include "presets.hpp"
#include "priority.hpp"
#include "sources.hpp"
#include "table.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>

namespace binfmtctl {

namespace {
// The daemon's checks of each valid entry (preset interpreter, interpreter trust, native guard,
// host family), as the diagnostics the daemon's verdicts would be: a refusal is an error, a
// missing interpreter a warning (binfmtd keeps the entry pending), a disabled preset a note.
// Returns the entries binfmtd would register (now, or once their interpreter is there).
std::vector<const binfmt::Entry*> check_entries(binfmt::Config& cfg) {
    const binfmt::EntryChecker checker;
    std::vector<const binfmt::Entry*> registered;
    for (const auto& e : cfg.entries) {
        const binfmt::Verdict v = checker.desire(e).verdict;
        using K = binfmt::Verdict::Kind;
        if ((v.ok() || v.kind == K::Missing) && e.enabled) registered.push_back(&e);
        if (v.ok() || v.reason.empty()) continue;
        const binfmt::Severity s = v.kind == K::Missing    ? binfmt::Severity::Warning
                                   : v.kind == K::Disabled ? binfmt::Severity::Info
                                                           : binfmt::Severity::Error;
        cfg.diagnostics.push_back({s, e.origin, e.name, v.reason});
    }
    return registered;
}

std::string dump(const nlohmann::json& doc) {
    // ASCII only: a C1 control in a name stays a \u escape, never a raw byte on a terminal. A
    // file name need not be UTF-8: such bytes become U+FFFD rather than an exception.
    return doc.dump(2, ' ', true, nlohmann::json::error_handler_t::replace);
}

} // namespace

void print_diagnostics(const std::vector<binfmt::Diagnostic>& diagnostics) {
    for (auto& d : diagnostics) {
        std::string where = d.where.str() + ": " + std::string(binfmt::severity_name(d.severity)) + ": ";
        if (!d.entry.empty()) where += fmt::format("[{}] ", binfmt::escape(d.entry));
        std::fputs((where + binfmt::escape_text(d.message) + "\n").c_str(),
                   d.severity == binfmt::Severity::Info ? stdout : stderr);
    }
}

int verb_validate(const std::vector<std::string>& paths, const std::string& root, const OutputOptions& out) {
    // A file binfmtd would ignore as untrusted is an error here: validate must not pass what
    // the daemon will not load.
    binfmt::LoadOptions opts;
    opts.untrusted = binfmt::Severity::Error;
    binfmt::Config cfg;
    if (paths.empty()) {
        cfg = binfmt::load_sources(root, opts);
    } else {
        // A draft elsewhere is judged on its content; a file in a standard directory as binfmtd would.
        opts.check_trust = false;
        opts.trusted_dirs = binfmt::config_dirs(root);
        cfg = binfmt::load_source_paths(paths, opts);
    }
    // Entries matching the same files: which one the kernel will run them with, and why.
    for (auto& d : binfmt::overlap_diagnostics(check_entries(cfg))) cfg.diagnostics.push_back(std::move(d));
    if (out.json) {
        nlohmann::json diags = nlohmann::json::array();
        for (auto& d : cfg.diagnostics) diags.push_back(binfmt::diagnostic_to_json<nlohmann::json>(d));
        nlohmann::json entries = nlohmann::json::array();
        for (auto& e : cfg.entries) entries.push_back(e.name);
        nlohmann::json doc = {
            {"valid", !cfg.has_errors()}, {"files", cfg.files}, {"entries", entries}, {"diagnostics", diags}};
        std::puts(dump(doc).c_str());
    } else {
        print_diagnostics(cfg.diagnostics);
        if (out.legend)
            std::printf("%zu valid entr%s in %zu file%s, %zu invalid\n", cfg.entries.size(),
                        cfg.entries.size() == 1 ? "y" : "ies", cfg.files.size(), cfg.files.size() == 1 ? "" : "s",
                        cfg.invalid_entries.size());
    }
    return cfg.has_errors() ? 1 : 0;
}

int verb_presets(const OutputOptions& out) {
    const std::string host = binfmt::host_family();
    auto exists = [](const std::string& p) { return std::filesystem::exists(p); };
    nlohmann::json doc = nlohmann::json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : binfmt::presets()) {
        auto interp = binfmt::find_interpreter(p, exists);
        const bool native = p.family == host;
        std::string note = native ? "host family, skipped" : interp ? "" : "interpreter not installed";
        doc.push_back({{"name", p.name()},
                       {"arch", p.arch},
                       {"family", p.family},
                       {"interpreter", interp.value_or("")},
                       {"native", native}});
        rows.push_back({p.name(), std::string(p.arch), std::string(p.family), interp.value_or("-"), note});
    }
    if (out.json) std::puts(doc.dump(2).c_str());
    else print_table({"PRESET", "ARCH", "FAMILY", "INTERPRETER", "NOTE"}, rows, out.legend);
    return 0;
}

} // namespace binfmtctl
