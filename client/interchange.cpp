// `import FILE...` (binfmt.d lines or binfmt-support records to binfmtd.d TOML, or registered
// persistently with --write) and `export` (the configured entries as binfmt.d lines, for images
// and initrds that have no binfmtd).
#include "bus.hpp"
#include "offline.hpp"
#include "verbs.hpp"

#include "binfmt_d.hpp"
#include "binfmts.hpp"
#include "config_file.hpp"
#include "entry_checker.hpp"
#include "escape.hpp"
#include "register_string.hpp"
#include "sources.hpp"
#include "spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

namespace binfmtctl {

namespace {
constexpr std::string_view kBinfmtD = "binfmt.d", kBinfmts = "binfmts";

// A record is "key value" lines with binfmt-support's keys; a binfmt.d file is register lines,
// each starting with its delimiter. The suffix decides first, as systemd and update-binfmts do.
std::string_view format_of(const std::string& path, const std::string& text) {
    if (path.ends_with(".conf")) return kBinfmtD;
    static const char* const keys[] = {"package",   "interpreter", "magic",       "offset",   "mask",
                                       "extension", "detector",    "credentials", "preserve", "fix_binary"};
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        const auto start = line.find_first_not_of(" \t");
        if (start == std::string::npos || line[start] == '#' || line[start] == ';') continue;
        const std::string word = line.substr(start, line.find_first_of(" \t", start) - start);
        return std::find(std::begin(keys), std::end(keys), word) != std::end(keys) ? kBinfmts : kBinfmtD;
    }
    return kBinfmtD;
}

bool has_errors(const std::vector<binfmt::Diagnostic>& diags) {
    return std::any_of(diags.begin(), diags.end(), [](auto& d) { return d.severity == binfmt::Severity::Error; });
}
} // namespace

int verb_import(Context& ctx) {
    const std::string& forced = ctx.args.format;
    if (!forced.empty() && forced != kBinfmtD && forced != kBinfmts)
        throw UsageError(fmt::format("--format {}: must be \"binfmt.d\" or \"binfmts\"", binfmt::in_quotes(forced)));
    if (ctx.args.paths.empty()) throw UsageError("import needs at least one FILE");

    // By name, the later definition winning, as systemd-binfmt leaves it; in the order first seen.
    std::vector<binfmt::Entry> entries;
    bool failed = false;
    const bool detectors = std::filesystem::exists(std::string(binfmt::kRunDetectors));
    for (const auto& path : ctx.args.paths) {
        const binfmt::ConfigFile file = binfmt::read_config_file(path, false);
        if (file.outcome == binfmt::ConfigFile::Outcome::Refused) {
            std::fputs(fmt::format("binfmtctl: {} {}\n", binfmt::in_quotes(path), file.why).c_str(), stderr);
            failed = true;
            continue;
        }
        std::vector<binfmt::Diagnostic> diags;
        std::vector<binfmt::Definition> defs;
        if ((forced.empty() ? format_of(path, file.text) : std::string_view(forced)) == kBinfmtD)
            defs = binfmt::parse_binfmt_d_text(file.text, path, diags);
        else
            defs.push_back(binfmt::parse_binfmts_record(file.text, path, std::filesystem::path(path).filename(),
                                                        {detectors}, diags));
        print_diagnostics(diags);
        failed = failed || has_errors(diags);
        for (auto& d : defs) {
            if (!d.valid) {
                failed = true;
                continue;
            }
            d.entry.enabled = true; // imported: whether binfmt-support had imported it does not matter
            auto same = std::find_if(entries.begin(), entries.end(), [&](auto& e) { return e.name == d.entry.name; });
            if (same != entries.end()) *same = std::move(d.entry);
            else entries.push_back(std::move(d.entry));
        }
    }
    if (failed) {
        std::fputs("binfmtctl: nothing was imported\n", stderr);
        return 1;
    }
    if (entries.empty()) {
        std::fputs("binfmtctl: the files define no entries\n", stderr);
        return 1;
    }
    if (!ctx.args.write) {
        for (auto& e : entries)
            std::printf("# %s\n%s\n", binfmt::escape_text(e.origin.str()).c_str(), binfmt::to_toml(e).c_str());
        return 0;
    }
    // Persistently, all or nothing, as register --file.
    auto& bus = ctx.bus();
    std::vector<sdbus::Struct<std::string, VariantMap>> all;
    for (auto& e : entries) all.emplace_back(e.name, to_variants(binfmt::to_spec(e)));
    try {
        bus.manager().RegisterAll(all, bus.options({.persist = true, .replace = ctx.args.replace, .force = false}));
    } catch (const sdbus::Error& err) {
        const int code = report_error(err, ctx.args.paths.front(), {ctx.args.replace, true, false, true});
        std::fputs("binfmtctl: nothing was imported\n", stderr);
        return code;
    }
    return 0;
}

int verb_export(Context& ctx) {
    const binfmt::Config cfg = binfmt::load_sources(ctx.args.root, {});
    print_diagnostics(cfg.diagnostics);
    const binfmt::EntryChecker checker;
    std::printf("# binfmt_misc entries of binfmtd's configuration%s, as binfmt.d(5) lines\n",
                ctx.args.root == "/" ? "" : fmt::format(" under {}", binfmt::in_quotes(ctx.args.root)).c_str());
    for (const auto& defined : cfg.entries) {
        const std::string name = binfmt::escape_text(defined.name);
        // What binfmtd would register here, no more: not the host's own family, no interpreter
        // it would refuse or that is missing.
        const binfmt::Desired d = checker.desire(defined);
        const binfmt::Entry& e = d.entry;
        if (!d.verdict.ok() || !e.enabled) {
            std::printf("# %s: not registered here: %s\n", name.c_str(),
                        binfmt::escape_text(d.verdict.reason.empty() ? "disabled" : d.verdict.reason).c_str());
            continue;
        }
        const auto line = binfmt::encode_register(e);
        if (!line) {
            std::printf("# %s: cannot be written as one register line\n", name.c_str());
            continue;
        }
        std::printf("%s\n", line->c_str());
    }
    return cfg.has_errors() ? 1 : 0;
}

} // namespace binfmtctl
