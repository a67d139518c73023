#include "config.hpp"

#include "config_file.hpp"
#include "escape.hpp"
#include "spec.hpp"
#include "validate.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <sys/stat.h>
#include <utility>

namespace fs = std::filesystem;

namespace binfmt {

std::string Diagnostic::str() const {
    std::string s = where.str() + ": ";
    if (!entry.empty()) s += fmt::format("[{}] ", escape(entry));
    return s + escape_text(message); // toml++ may quote the file's raw bytes
}

bool Config::has_errors() const {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

namespace {

Location loc_of(const std::string& path, const toml::source_region& src) {
    return {path, static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)};
}

// A value as TOML writes it, for messages.
std::string toml_text(const toml::node& node) {
    std::ostringstream out;
    node.visit([&](const auto& v) { out << v; });
    return out.str();
}

// Parses one [entry] table: TOML values -> Spec (types, escapes), then the shared
// entry_from_spec; each problem is located at its key, or at the table header.
bool parse_entry(const std::string& path, const std::string& name, const toml::table& tbl, Entry& e,
                 std::vector<Diagnostic>& diags) {
    std::map<std::string, toml::source_region> where;
    std::vector<SpecProblem> problems;
    Spec spec;
    for (auto&& [key, node] : tbl) {
        const std::string k(key.str());
        where[k] = key.source();
        // Exact TOML types only: toml++'s value<T>() would convert integers to booleans.
        if (k == "priority") {
            // The one integer that may be negative: any int32, and only an integer.
            const auto* n = node.as_integer();
            constexpr auto lo = std::numeric_limits<std::int32_t>::min(), hi = std::numeric_limits<std::int32_t>::max();
            if (n && std::in_range<std::int32_t>(n->get())) spec[k] = static_cast<std::int32_t>(n->get());
            else
                problems.push_back({k, fmt::format("`priority` = {} is {} ({} to {})", escape_text(toml_text(node)),
                                                   n ? "out of range" : "not an integer", lo, hi)});
        } else if (auto* s = node.as_string()) {
            if (k == "magic" || k == "mask") {
                std::string err;
                if (auto bytes = unescape(s->get(), err)) spec[k] = std::move(*bytes);
                else problems.push_back({k, fmt::format("{} \"{}\": {}", k, escape_text(s->get()), err)});
            } else {
                spec[k] = s->get();
            }
        } else if (auto* b = node.as_boolean()) {
            spec[k] = b->get();
        } else if (auto* n = node.as_integer()) {
            const std::int64_t* i = &n->get();
            if (*i < 0 || *i > static_cast<std::int64_t>(kHeadSize))
                problems.push_back({k, fmt::format("`{}` = {} is out of range (0 to {})", k, *i, kHeadSize)});
            else spec[k] = static_cast<std::uint32_t>(*i);
        } else {
            // Arrays, tables, floats, dates: no key takes them; report through the spec's type check.
            spec[k] = Bytes{};
            if (k == "magic" || k == "mask") problems.push_back({k, fmt::format("`{}` must be a string", k)});
        }
    }
    if (problems.empty()) entry_from_spec(name, spec, e, problems);
    e.origin = loc_of(path, tbl.source());
    for (auto& p : problems) {
        auto it = where.find(p.key);
        diags.push_back({Severity::Error, loc_of(path, it != where.end() ? it->second : tbl.source()), name,
                         std::move(p.message)});
    }
    return problems.empty();
}

struct Candidate {
    Entry entry;
    bool valid;
    std::size_t dir_rank; // 0 = highest precedence
    std::string file;
};

// `report_mask`: a masked file is worth a note where it hides a lower directory's file.
void load_file(const std::string& path, std::size_t rank, const LoadOptions& opts, const TrustedOwners& owners,
               bool report_mask, Config& cfg, std::vector<Candidate>& candidates) {
    ConfigFile file = read_config_file(path, opts.check_trust, owners);
    switch (file.outcome) {
    case ConfigFile::Outcome::Text: break;
    case ConfigFile::Outcome::Masked:
        if (report_mask) cfg.diagnostics.push_back({Severity::Info, {path}, {}, "masked"});
        return;
    case ConfigFile::Outcome::Untrusted:
        cfg.diagnostics.push_back({opts.untrusted, {path}, {}, fmt::format("{}, ignoring", file.why)});
        cfg.broken_files.push_back(path);
        return;
    case ConfigFile::Outcome::Refused:
        cfg.diagnostics.push_back({Severity::Error, {path}, {}, fmt::format("{}, ignoring", file.why)});
        cfg.broken_files.push_back(path);
        return;
    }
    std::vector<Entry> valid;
    std::vector<std::string> invalid;
    if (!parse_config_text(file.text, path, valid, invalid, cfg.diagnostics)) {
        cfg.broken_files.push_back(path);
        return;
    }
    cfg.files.push_back(path);
    for (auto& e : valid) {
        e.dir_rank = static_cast<std::uint32_t>(rank);
        candidates.push_back({std::move(e), true, rank, path});
    }
    for (auto& n : invalid) {
        Entry e;
        e.name = n;
        e.origin = {path};
        candidates.push_back({std::move(e), false, rank, path});
    }
}

std::string first_error(const Config& cfg, const std::string& name) {
    auto it = std::find_if(cfg.diagnostics.begin(), cfg.diagnostics.end(),
                           [&](const Diagnostic& d) { return d.entry == name && d.severity == Severity::Error; });
    return it != cfg.diagnostics.end() ? it->str() : "invalid definition";
}

// Entry-level precedence: higher directory wins; within a directory the file sorting last.
void pick_winners(std::vector<Candidate>& candidates, Config& cfg) {
    std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        if (a.entry.name != b.entry.name) return a.entry.name < b.entry.name;
        if (a.dir_rank != b.dir_rank) return a.dir_rank < b.dir_rank;
        return fs::path(a.file).filename() > fs::path(b.file).filename();
    });
    for (std::size_t i = 0; i < candidates.size();) {
        std::size_t j = i + 1;
        for (; j < candidates.size() && candidates[j].entry.name == candidates[i].entry.name; ++j)
            cfg.diagnostics.push_back({Severity::Info, candidates[j].entry.origin, candidates[j].entry.name,
                                       fmt::format("overridden by the definition in {}",
                                                   in_quotes(candidates[i].file))});
        if (candidates[i].valid) cfg.entries.push_back(std::move(candidates[i].entry));
        else cfg.invalid_entries.emplace(candidates[i].entry.name, first_error(cfg, candidates[i].entry.name));
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

bool parse_config_text(const std::string& text, const std::string& path, std::vector<Entry>& out,
                       std::vector<std::string>& invalid, std::vector<Diagnostic>& diags) {
    toml::table doc;
    try {
        doc = toml::parse(text, path);
    } catch (const toml::parse_error& err) {
        diags.push_back({Severity::Error,
                         loc_of(path, err.source()),
                         {},
                         fmt::format("syntax error: {}", err.description())});
        return false;
    }
    for (auto&& [key, node] : doc) {
        const std::string name(key.str());
        const auto* tbl = node.as_table();
        if (!tbl) {
            diags.push_back({Severity::Error, loc_of(path, key.source()), name,
                             fmt::format("{} must be a table: write [{}] followed by its keys", in_quotes(name),
                                         name)});
            invalid.push_back(name);
            continue;
        }
        Entry e;
        if (parse_entry(path, name, *tbl, e, diags)) out.push_back(std::move(e));
        else invalid.push_back(name);
    }
    return true;
}

Config load_config_dirs(const std::vector<std::string>& dirs, const LoadOptions& opts, const TrustedOwners& owners) {
    Config cfg;
    std::map<std::string, std::pair<std::size_t, fs::path>> effective; // file name -> (rank, path)
    for (std::size_t rank = 0; rank < dirs.size(); ++rank)
        for (auto& p : toml_files_in(dirs[rank])) effective.try_emplace(p.filename().string(), rank, p);

    std::vector<Candidate> candidates;
    for (auto& [fname, rp] : effective) load_file(rp.second.string(), rp.first, opts, owners, true, cfg, candidates);
    pick_winners(candidates, cfg);
    return cfg;
}

Config load_config_paths(const std::vector<std::string>& paths, const LoadOptions& opts) {
    Config cfg;
    std::vector<Candidate> candidates;
    LoadOptions trusted = opts;
    trusted.check_trust = true;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        const std::string& path = paths[i];
        // Rank 0 wins: the last path, as the file sorting last wins within one directory.
        const std::size_t rank = paths.size() - 1 - i;
        std::error_code ec;
        const bool is_dir = fs::is_directory(path, ec);
        // What binfmtd would read is judged as binfmtd judges it; a draft elsewhere on its content.
        const LoadOptions& o = in_dirs(path, is_dir, opts.trusted_dirs) ? trusted : opts;
        if (is_dir) {
            for (auto& p : toml_files_in(path)) load_file(p.string(), rank, o, {}, false, cfg, candidates);
        } else if (fs::exists(path, ec) || fs::is_symlink(path, ec)) {
            load_file(path, rank, o, {}, false, cfg, candidates);
        } else {
            cfg.diagnostics.push_back({Severity::Error, {path}, {}, "no such file or directory"});
        }
    }
    pick_winners(candidates, cfg);
    return cfg;
}

bool in_dirs(const std::string& path, bool is_dir, const std::vector<std::string>& dirs) {
    std::error_code ec;
    const fs::path abs = fs::absolute(path, ec);
    if (ec) return false;
    // The directory holding the file (not the file: a link in /etc/binfmtd.d is read from there).
    const fs::path dir = fs::weakly_canonical(is_dir ? abs : abs.parent_path(), ec);
    if (ec) return false;
    for (auto& d : dirs) {
        std::error_code dec;
        const fs::path real = fs::weakly_canonical(d, dec);
        if (!dec && real == dir) return true;
    }
    return false;
}

} // namespace binfmt
