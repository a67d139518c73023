#include "sources.hpp"

#include "binfmt_d.hpp"
#include "binfmts.hpp"
#include "config_file.hpp"
#include "paths.hpp"
#include "presets.hpp"
#include "text_lines.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sys/stat.h>

namespace fs = std::filesystem;

namespace binfmt {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The names in `dir` that can be definitions, sorted.
std::vector<std::string> names_in(const std::string& dir, std::string_view suffix) {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (ignored_name(name) || !ends_with(name, suffix) || name.size() == suffix.size()) continue;
        out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string first_error(const std::vector<Diagnostic>& diags, const std::string& name, const std::string& file) {
    for (auto& d : diags)
        if (d.entry == name && d.where.file == file && d.severity == Severity::Error) return d.str();
    return "invalid definition";
}

// One definition that survived its own source's rules.
struct Found {
    Definition def;
    std::string file;
};

// Adds what a lower source defines for names no higher source has, noting the rest.
void merge(Config& cfg, std::map<std::string, Found>& found, const std::set<std::string>& masked) {
    std::set<std::string> taken;
    for (auto& e : cfg.entries) taken.insert(e.name);
    for (auto& [name, why] : cfg.invalid_entries) taken.insert(name);
    for (auto& [name, f] : found) {
        if (masked.count(name)) {
            cfg.diagnostics.push_back({Severity::Info, f.def.entry.origin, name,
                                       "masked by a binfmt.d file of the same name, ignoring"});
            continue;
        }
        if (taken.count(name)) {
            cfg.diagnostics.push_back({Severity::Info, f.def.entry.origin, name,
                                       "overridden by a definition of a higher source (binfmtd.d > binfmt.d > "
                                       "binfmts)"});
            continue;
        }
        if (f.def.valid) cfg.entries.push_back(std::move(f.def.entry));
        else cfg.invalid_entries.emplace(name, first_error(cfg.diagnostics, name, f.file));
    }
    std::sort(cfg.entries.begin(), cfg.entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
}

// Reads one file of another source; false when it holds nothing to parse.
bool read_source_file(const std::string& path, const LoadOptions& opts, Config& cfg, std::string& text, bool& masked) {
    ConfigFile file = read_config_file(path, opts.check_trust);
    masked = file.outcome == ConfigFile::Outcome::Masked;
    switch (file.outcome) {
    case ConfigFile::Outcome::Text: text = std::move(file.text); return true;
    case ConfigFile::Outcome::Masked: return false;
    case ConfigFile::Outcome::Untrusted:
        cfg.diagnostics.push_back({opts.untrusted, {path}, {}, fmt::format("{}, ignoring", file.why)});
        break;
    case ConfigFile::Outcome::Refused:
        cfg.diagnostics.push_back({Severity::Error, {path}, {}, fmt::format("{}, ignoring", file.why)});
        break;
    }
    cfg.broken_files.push_back(path);
    return false;
}

// systemd-binfmt's rules: files ordered by name across the directories, the first directory's
// file of a name replacing the others, a masked one registering nothing; for a name defined
// more than once the last definition in that order wins. `masked` gets the names a masked file
// hides: the lines of the files it replaces, and its own name without ".conf".
void load_binfmt_d(std::string_view root, const LoadOptions& opts, Config& cfg, std::map<std::string, Found>& found,
                   std::set<std::string>& masked) {
    std::map<std::string, std::vector<std::string>> by_name; // file name -> paths, highest first
    for (auto dir : kBinfmtDDirs) {
        const std::string d = under_root(root, dir);
        for (auto& name : names_in(d, ".conf")) {
            const std::string path = d + "/" + name;
            auto& paths = by_name[name];
            // /lib is /usr/lib on a merged-/usr system: the same file is not a second one.
            std::error_code ec;
            if (!paths.empty() && fs::equivalent(paths.back(), path, ec)) continue;
            paths.push_back(path);
        }
    }
    for (auto& [name, paths] : by_name) {
        std::string text;
        bool is_masked = false;
        const bool readable = read_source_file(paths.front(), opts, cfg, text, is_masked);
        if (is_masked) {
            masked.insert(name.substr(0, name.size() - 5));
            for (std::size_t i = 1; i < paths.size(); ++i) {
                std::vector<Diagnostic> ignored; // the hidden file's problems are not the configuration's
                ConfigFile f = read_config_file(paths[i], opts.check_trust);
                if (f.outcome != ConfigFile::Outcome::Text) continue;
                for (auto& def : parse_binfmt_d_text(f.text, paths[i], ignored)) masked.insert(def.entry.name);
            }
            if (paths.size() > 1) cfg.diagnostics.push_back({Severity::Info, {paths.front()}, {}, "masked"});
            continue;
        }
        if (!readable) continue;
        cfg.files.push_back(paths.front());
        for (auto& def : parse_binfmt_d_text(text, paths.front(), cfg.diagnostics)) {
            const std::string entry_name = def.entry.name;
            auto [it, fresh] = found.try_emplace(entry_name, Found{def, paths.front()});
            if (!fresh) {
                cfg.diagnostics.push_back({Severity::Info, it->second.def.entry.origin, entry_name,
                                           fmt::format("overridden by the later definition at {}",
                                                       def.entry.origin.str())});
                it->second = {std::move(def), paths.front()};
            }
        }
    }
}

// binfmt-support's records: only those update-binfmts imported are registered; the others are
// kept as disabled definitions, so that they are listed with the reason.
void load_binfmts(std::string_view root, const LoadOptions& opts, Config& cfg, std::map<std::string, Found>& found) {
    const std::string dir = under_root(root, kBinfmtsDir);
    const std::string admin = under_root(root, kBinfmtsAdminDir);
    BinfmtsOptions bopts;
    struct stat st {};
    bopts.run_detectors_installed = ::stat(std::string(kRunDetectors).c_str(), &st) == 0;
    for (auto& name : names_in(dir, "")) {
        const std::string path = dir + "/" + name;
        std::string text;
        bool is_masked = false;
        if (!read_source_file(path, opts, cfg, text, is_masked)) continue;
        cfg.files.push_back(path);
        Definition def = parse_binfmts_record(text, path, name, bopts, cfg.diagnostics);
        if (def.valid && ::lstat((admin + "/" + name).c_str(), &st) != 0) def.entry.enabled = false;
        found.emplace(name, Found{std::move(def), path});
    }
}

// A preset never fights the distribution: where binfmt.d defines an entry named like the preset
// (Debian's qemu-user-static ships /usr/lib/binfmt.d/qemu-ARCH.conf), the preset's match and
// flags are the distribution's bytes, so that both describe one registration whichever of
// binfmtd and systemd-binfmt wrote it last. Flags the TOML entry sets differently from the
// preset's defaults are kept; the interpreter is still found as for any preset unless given.
void follow_distribution(Config& cfg, const std::map<std::string, Found>& binfmt_d) {
    for (auto& e : cfg.entries) {
        if (e.preset.empty() || e.source != Source::Binfmtd) continue;
        auto it = binfmt_d.find(e.preset);
        const Preset* preset = find_preset(e.preset);
        if (it == binfmt_d.end() || !it->second.def.valid || !preset) continue;
        const Entry& distro = it->second.def.entry;
        if (distro.kind != Kind::Magic) continue;
        const bool default_flags = e.flags == entry_from_preset(*preset).flags;
        if (e.magic == distro.magic && e.mask == distro.mask && e.offset == distro.offset &&
            (!default_flags || e.flags == distro.flags))
            continue;
        e.magic = distro.magic;
        e.mask = distro.mask;
        e.offset = distro.offset;
        if (default_flags) e.flags = distro.flags;
        cfg.diagnostics.push_back({Severity::Info, e.origin, e.name,
                                   fmt::format("preset \"{}\" follows the distribution's definition at {}", e.preset,
                                               distro.origin.str())});
    }
}

} // namespace

bool ignored_name(std::string_view name) {
    if (name.empty() || name.front() == '.' || name.back() == '~') return true;
    return name.find(".dpkg-") != std::string_view::npos || name.find(".ucf-") != std::string_view::npos;
}

SourceSet read_source_set(std::string_view root, const LoadOptions& opts, std::vector<Diagnostic>& diags) {
    const std::string path = under_root(root, kSourcesFile);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return {};
    ConfigFile file = read_config_file(path, opts.check_trust);
    if (file.outcome == ConfigFile::Outcome::Masked) return {false, false};
    if (file.outcome != ConfigFile::Outcome::Text) {
        diags.push_back({Severity::Error, {path}, {}, fmt::format("{}; reading every source", file.why)});
        return {};
    }
    SourceSet set{false, false};
    TextLines lines(file.text);
    for (std::string_view line; lines.next(line);) {
        const int line_no = lines.number();
        const std::size_t first = line.find_first_not_of(" \t\r");
        if (first == std::string_view::npos || line[first] == '#') continue;
        const std::string_view word = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
        if (word == "binfmt.d") set.binfmt_d = true;
        else if (word == "binfmts") set.binfmts = true;
        else if (word != "binfmtd.d")
            diags.push_back({Severity::Error,
                             {path, line_no, static_cast<int>(first) + 1},
                             {},
                             fmt::format("unknown source \"{}\" (known: binfmtd.d, binfmt.d, binfmts), ignoring",
                                         word)});
    }
    return set;
}

Config load_sources(std::string_view root, const LoadOptions& opts) {
    Config cfg = load_config_dirs(config_dirs(root), opts);
    const SourceSet set = read_source_set(root, opts, cfg.diagnostics);
    std::set<std::string> masked;
    if (set.binfmt_d) {
        std::map<std::string, Found> found;
        load_binfmt_d(root, opts, cfg, found, masked);
        follow_distribution(cfg, found);
        merge(cfg, found, {});
    }
    if (set.binfmts) {
        std::map<std::string, Found> found;
        load_binfmts(root, opts, cfg, found);
        merge(cfg, found, masked);
    }
    return cfg;
}

Config load_source_paths(const std::vector<std::string>& paths, const LoadOptions& opts) {
    std::vector<std::string> toml, conf, records;
    for (auto& p : paths) {
        std::error_code ec;
        const std::string base = fs::path(p).filename().string();
        if (fs::is_directory(p, ec)) {
            toml.push_back(p);
            for (auto& name : names_in(p, ".conf")) conf.push_back((fs::path(p) / name).string());
        } else if (ends_with(base, ".conf") && (fs::exists(p, ec) || fs::is_symlink(p, ec))) {
            conf.push_back(p);
        } else if (ends_with(base, ".toml") || !(fs::exists(p, ec) || fs::is_symlink(p, ec))) {
            toml.push_back(p); // the TOML loader also reports what does not exist
        } else {
            records.push_back(p);
        }
    }
    Config cfg = load_config_paths(toml, opts);
    std::map<std::string, Found> found;
    for (auto& path : conf) {
        std::string text;
        bool masked = false;
        if (!read_source_file(path, opts, cfg, text, masked)) continue;
        cfg.files.push_back(path);
        for (auto& def : parse_binfmt_d_text(text, path, cfg.diagnostics)) {
            const std::string name = def.entry.name;
            found.insert_or_assign(name, Found{std::move(def), path});
        }
    }
    merge(cfg, found, {});
    found.clear();
    for (auto& path : records) {
        std::string text;
        bool masked = false;
        if (!read_source_file(path, opts, cfg, text, masked)) continue;
        cfg.files.push_back(path);
        const std::string name = fs::path(path).filename().string();
        found.emplace(name, Found{parse_binfmts_record(text, path, name, {true}, cfg.diagnostics), path});
    }
    merge(cfg, found, {});
    return cfg;
}

std::vector<std::string> source_dirs(std::string_view root) {
    std::vector<std::string> dirs = config_dirs(root);
    dirs.push_back(under_root(root, fs::path(kSourcesFile).parent_path().string()));
    for (auto d : kBinfmtDDirs) dirs.push_back(under_root(root, d));
    dirs.push_back(under_root(root, kBinfmtsDir));
    dirs.push_back(under_root(root, kBinfmtsAdminDir));
    return dirs;
}

} // namespace binfmt
