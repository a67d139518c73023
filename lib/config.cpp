#include "config.hpp"

#include "presets.hpp"
#include "validate.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/stat.h>

namespace fs = std::filesystem;

namespace binfmt {

std::string Diagnostic::str() const {
    std::string s = where.str() + ": ";
    if (!entry.empty()) s += fmt::format("[{}] ", entry);
    return s + message;
}

bool Config::has_errors() const {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

std::vector<std::string> config_dirs(const std::string& root) {
    std::string r = root == "/" ? "" : root;
    return {r + "/etc/binfmtd.d", r + "/run/binfmtd.d", r + "/usr/local/lib/binfmtd.d", r + "/usr/lib/binfmtd.d"};
}

namespace {

Location loc_of(const std::string& path, const toml::source_region& src) {
    return {path, static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)};
}

// Parses one [entry] table. Returns false (with diagnostics) when the definition is invalid.
bool parse_entry(const std::string& path, const std::string& name, const toml::table& tbl, Entry& e,
                 std::vector<Diagnostic>& diags) {
    bool ok = true;
    auto fail = [&](const toml::source_region& src, std::string msg) {
        diags.push_back({Severity::Error, loc_of(path, src), name, std::move(msg)});
        ok = false;
    };
    e.name = name;
    e.origin = loc_of(path, tbl.source());

    const toml::node *magic = nullptr, *mask = nullptr, *offset = nullptr, *ext = nullptr, *preset = nullptr;
    std::map<std::string, std::pair<bool*, const toml::node*>> bools{
        {"fix-binary", {&e.flags.fix_binary, nullptr}},   {"preserve-argv0", {&e.flags.preserve_argv0, nullptr}},
        {"open-binary", {&e.flags.open_binary, nullptr}}, {"credentials", {&e.flags.credentials, nullptr}},
        {"enabled", {&e.enabled, nullptr}},               {"force", {&e.force, nullptr}},
    };
    const toml::node* interp = nullptr;

    for (auto&& [key, node] : tbl) {
        const std::string k(key.str());
        if (k == "magic") magic = &node;
        else if (k == "mask") mask = &node;
        else if (k == "offset") offset = &node;
        else if (k == "extension") ext = &node;
        else if (k == "preset") preset = &node;
        else if (k == "interpreter") interp = &node;
        else if (auto it = bools.find(k); it != bools.end()) it->second.second = &node;
        else
            fail(key.source(), fmt::format("unknown key \"{}\" (known: preset, magic, mask, offset, extension, "
                                           "interpreter, fix-binary, preserve-argv0, open-binary, credentials, "
                                           "enabled, force)", k));
    }

    auto get_string = [&](const toml::node* n, std::string_view what, std::string& out) {
        if (!n) return false;
        if (auto s = n->value<std::string>()) {
            out = *s;
            return true;
        }
        fail(n->source(), fmt::format("`{}` must be a string", what));
        return false;
    };

    const int sources = (magic ? 1 : 0) + (ext ? 1 : 0) + (preset ? 1 : 0);
    if (sources != 1)
        fail(tbl.source(), sources == 0 ? "needs one of `magic`, `extension` or `preset`"
                                        : "`magic`, `extension` and `preset` exclude each other; use one");

    std::string text;
    if (get_string(preset, "preset", text)) {
        if (const Preset* p = find_preset(text)) {
            Entry base = entry_from_preset(*p);
            e.kind = base.kind, e.magic = base.magic, e.mask = base.mask, e.flags = base.flags;
            e.preset = text;
        } else {
            fail(preset->source(), fmt::format("unknown preset \"{}\" (see `binfmtctl presets`)", text));
        }
    }
    if (get_string(magic, "magic", text)) {
        std::string err;
        if (auto b = unescape(text, err)) e.magic = *b, e.kind = Kind::Magic;
        else fail(magic->source(), fmt::format("magic \"{}\": {}", text, err));
    }
    if (get_string(mask, "mask", text)) {
        std::string err;
        if (!magic) fail(mask->source(), "`mask` needs `magic`");
        if (auto b = unescape(text, err)) e.mask = *b;
        else fail(mask->source(), fmt::format("mask \"{}\": {}", text, err));
    }
    if (offset) {
        auto v = offset->value<std::int64_t>();
        if (!magic) fail(offset->source(), "`offset` needs `magic`");
        else if (!v || *v < 0 || *v > static_cast<std::int64_t>(kHeadSize))
            fail(offset->source(), fmt::format("offset must be an integer from 0 to {}", kHeadSize));
        else e.offset = static_cast<std::uint32_t>(*v);
    }
    if (get_string(ext, "extension", text)) e.extension = text, e.kind = Kind::Extension;
    get_string(interp, "interpreter", e.interpreter);

    // Explicit flag keys override a preset's defaults.
    for (auto& [k, target] : bools) {
        if (!target.second) continue;
        if (auto b = target.second->value<bool>()) *target.first = *b;
        else fail(target.second->source(), fmt::format("`{}` must be true or false", k));
    }

    if (ok) {
        for (auto& problem : validate(e)) fail(tbl.source(), std::move(problem));
    }
    return ok;
}

// A file a non-root user could rewrite would let them define what root executes.
std::string untrusted_reason(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    if (st.st_uid != 0) return fmt::format("owned by uid {}, not root", st.st_uid);
    if (st.st_mode & (S_IWGRP | S_IWOTH)) return fmt::format("writable by group or others (mode {:04o})", st.st_mode & 07777);
    return {};
}

bool is_masked(const fs::path& p) {
    std::error_code ec;
    if (fs::is_symlink(p, ec) && fs::read_symlink(p, ec) == "/dev/null") return true;
    return fs::is_regular_file(p, ec) && fs::file_size(p, ec) == 0;
}

struct Candidate {
    Entry entry;
    bool valid;
    std::size_t dir_rank; // 0 = highest precedence
    std::string file;
};

void load_file(const std::string& path, std::size_t rank, const LoadOptions& opts, Config& cfg,
               std::vector<Candidate>& candidates) {
    if (opts.check_trust) {
        if (auto why = untrusted_reason(path); !why.empty()) {
            cfg.diagnostics.push_back({Severity::Warning, {path}, {}, fmt::format("{}, ignoring", why)});
            cfg.broken_files.push_back(path);
            return;
        }
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        cfg.diagnostics.push_back({Severity::Error, {path}, {}, "cannot be read"});
        cfg.broken_files.push_back(path);
        return;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::vector<Entry> valid;
    std::vector<std::string> invalid;
    if (!parse_config_text(ss.str(), path, opts, valid, invalid, cfg.diagnostics)) {
        cfg.broken_files.push_back(path);
        return;
    }
    cfg.files.push_back(path);
    for (auto& e : valid) candidates.push_back({std::move(e), true, rank, path});
    for (auto& n : invalid) {
        Entry e;
        e.name = n;
        e.origin = {path};
        candidates.push_back({std::move(e), false, rank, path});
    }
}

// Entry-level precedence: higher directory wins; within a directory the file sorting last.
void resolve_candidates(std::vector<Candidate>& candidates, Config& cfg) {
    std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        if (a.entry.name != b.entry.name) return a.entry.name < b.entry.name;
        if (a.dir_rank != b.dir_rank) return a.dir_rank < b.dir_rank;
        return fs::path(a.file).filename() > fs::path(b.file).filename();
    });
    for (std::size_t i = 0; i < candidates.size();) {
        std::size_t j = i + 1;
        for (; j < candidates.size() && candidates[j].entry.name == candidates[i].entry.name; ++j)
            cfg.diagnostics.push_back({Severity::Info, candidates[j].entry.origin, candidates[j].entry.name,
                                       fmt::format("overridden by the definition in {}", candidates[i].file)});
        if (candidates[i].valid) cfg.entries.push_back(std::move(candidates[i].entry));
        else cfg.invalid_entries.push_back(candidates[i].entry.name);
        i = j;
    }
}

std::vector<fs::path> toml_files_in(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
        if (it->path().extension() == ".toml") out.push_back(it->path());
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

bool parse_config_text(const std::string& text, const std::string& path, const LoadOptions&,
                       std::vector<Entry>& out, std::vector<std::string>& invalid, std::vector<Diagnostic>& diags) {
    toml::table doc;
    try {
        doc = toml::parse(text, path);
    } catch (const toml::parse_error& err) {
        diags.push_back({Severity::Error, loc_of(path, err.source()), {},
                         fmt::format("syntax error: {}", err.description())});
        return false;
    }
    for (auto&& [key, node] : doc) {
        const std::string name(key.str());
        const auto* tbl = node.as_table();
        if (!tbl) {
            diags.push_back({Severity::Error, loc_of(path, key.source()), name,
                             fmt::format("\"{}\" must be a table: write [{}] followed by its keys", name, name)});
            invalid.push_back(name);
            continue;
        }
        Entry e;
        if (parse_entry(path, name, *tbl, e, diags)) out.push_back(std::move(e));
        else invalid.push_back(name);
    }
    return true;
}

Config load_config_dirs(const std::vector<std::string>& dirs, const LoadOptions& opts) {
    Config cfg;
    std::map<std::string, std::pair<std::size_t, fs::path>> effective; // file name -> (rank, path)
    for (std::size_t rank = 0; rank < dirs.size(); ++rank)
        for (auto& p : toml_files_in(dirs[rank])) effective.try_emplace(p.filename().string(), rank, p);

    std::vector<Candidate> candidates;
    for (auto& [fname, rp] : effective) {
        if (is_masked(rp.second)) {
            cfg.diagnostics.push_back({Severity::Info, {rp.second.string()}, {}, "masked"});
            continue;
        }
        load_file(rp.second.string(), rp.first, opts, cfg, candidates);
    }
    resolve_candidates(candidates, cfg);
    return cfg;
}

Config load_config_paths(const std::vector<std::string>& paths, const LoadOptions& opts) {
    Config cfg;
    std::vector<Candidate> candidates;
    for (std::size_t rank = 0; rank < paths.size(); ++rank) {
        std::error_code ec;
        if (fs::is_directory(paths[rank], ec)) {
            for (auto& p : toml_files_in(paths[rank]))
                if (!is_masked(p)) load_file(p.string(), rank, opts, cfg, candidates);
        } else if (fs::exists(paths[rank], ec)) {
            load_file(paths[rank], rank, opts, cfg, candidates);
        } else {
            cfg.diagnostics.push_back({Severity::Error, {paths[rank]}, {}, "no such file or directory"});
        }
    }
    resolve_candidates(candidates, cfg);
    return cfg;
}

} // namespace binfmt
