#include "priority.hpp"

#include "escape.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <utility>

namespace fs = std::filesystem;

namespace binfmt {

bool can_overlap(const Entry& a, const Entry& b) {
    if (a.kind != b.kind) return false;
    if (a.kind == Kind::Extension) return a.extension == b.extension;
    // Byte by byte over the file positions both look at: where both masks keep a bit, the two
    // magics must agree on it, or no file matches both.
    for (std::size_t i = 0; i < a.magic.size(); ++i) {
        const std::size_t at = a.offset + i;
        if (at < b.offset || at - b.offset >= b.magic.size()) continue;
        const std::size_t j = at - b.offset;
        const std::uint8_t ma = i < a.mask.size() ? a.mask[i] : 0xff;
        const std::uint8_t mb = j < b.mask.size() ? b.mask[j] : 0xff;
        if ((a.magic[i] ^ b.magic[j]) & ma & mb) return false;
    }
    return true;
}

namespace {

int source_rank(Source s) {
    switch (s) {
    case Source::Binfmtd: return 2;
    case Source::BinfmtD: return 1;
    case Source::Binfmts: return 0;
    }
    return 0;
}

std::string_view source_name(Source s) {
    switch (s) {
    case Source::Binfmtd: return "binfmtd.d";
    case Source::BinfmtD: return "binfmt.d";
    case Source::Binfmts: return "binfmts";
    }
    return "binfmtd.d";
}

std::string base_name(const std::string& path) { return fs::path(path).filename().string(); }
std::string dir_name(const std::string& path) { return fs::path(path).parent_path().string(); }

// What decides between two entries, in the order it is asked.
enum class Rule { Priority, Source, Directory, File, Line, Name, None };

// The rule that decides, and whether `a` wins by it.
std::pair<Rule, bool> decide(const Entry& a, const Entry& b) {
    if (a.priority != b.priority) return {Rule::Priority, a.priority > b.priority};
    if (a.source != b.source) return {Rule::Source, source_rank(a.source) > source_rank(b.source)};
    // Within binfmtd.d a lower directory's rank is a higher precedence (0 = /etc).
    if (a.dir_rank != b.dir_rank) return {Rule::Directory, a.dir_rank < b.dir_rank};
    const std::string fa = base_name(a.origin.file), fb = base_name(b.origin.file);
    if (fa != fb) return {Rule::File, fa > fb};
    if (a.origin.file != b.origin.file) return {Rule::File, a.origin.file > b.origin.file};
    if (a.origin.line != b.origin.line) return {Rule::Line, a.origin.line > b.origin.line};
    if (a.name != b.name) return {Rule::Name, a.name > b.name};
    return {Rule::None, false};
}

} // namespace

bool outranks(const Entry& a, const Entry& b) { return decide(a, b).second; }

std::string why_outranks(const Entry& w, const Entry& l) {
    const auto [rule, _] = decide(w, l);
    if (rule == Rule::Priority) return fmt::format("priority {} over {}", w.priority, l.priority);
    const std::string tie = fmt::format("both priority {}", w.priority);
    switch (rule) {
    case Rule::Source: return fmt::format("{}; {} outranks {}", tie, source_name(w.source), source_name(l.source));
    case Rule::Directory:
        return fmt::format("{}; {} takes precedence over {}", tie, in_quotes(dir_name(w.origin.file)),
                           in_quotes(dir_name(l.origin.file)));
    case Rule::File:
        return fmt::format("{}; the later file wins: {} sorts after {}", tie, in_quotes(w.origin.file),
                           in_quotes(l.origin.file));
    case Rule::Line:
        return fmt::format("{}; the later line of {} wins: {} after {}", tie, in_quotes(w.origin.file), w.origin.line,
                           l.origin.line);
    case Rule::Name:
        return fmt::format("{}; the name sorting later wins: {} after {}", tie, in_quotes(w.name), in_quotes(l.name));
    default: return tie;
    }
}

std::vector<const Entry*> lowest_rank_first(std::vector<const Entry*> entries) {
    std::sort(entries.begin(), entries.end(), [](const Entry* a, const Entry* b) { return outranks(*b, *a); });
    return entries;
}

std::vector<std::pair<const Entry*, const Entry*>> overlapping_pairs(const std::vector<const Entry*>& entries) {
    std::vector<std::pair<const Entry*, const Entry*>> out;
    std::map<std::string, std::vector<const Entry*>> by_extension;
    std::vector<const Entry*> magic;
    for (const Entry* e : entries) {
        if (e->kind == Kind::Extension) by_extension[e->extension].push_back(e);
        else magic.push_back(e);
    }
    for (auto& [ext, same] : by_extension)
        for (std::size_t i = 0; i < same.size(); ++i)
            for (std::size_t j = i + 1; j < same.size(); ++j) out.emplace_back(same[i], same[j]);
    for (std::size_t i = 0; i < magic.size(); ++i)
        for (std::size_t j = i + 1; j < magic.size(); ++j)
            if (can_overlap(*magic[i], *magic[j])) out.emplace_back(magic[i], magic[j]);
    return out;
}

std::string overlap_sentence(const Entry& winner, const Entry& loser) {
    return fmt::format("{} wins over {}: {}", in_quotes(winner.name), in_quotes(loser.name),
                       why_outranks(winner, loser));
}

std::vector<Diagnostic> overlap_diagnostics(const std::vector<const Entry*>& entries) {
    std::vector<Diagnostic> out;
    for (auto [a, b] : overlapping_pairs(entries)) {
        const Entry& winner = outranks(*a, *b) ? *a : *b;
        const Entry& loser = &winner == a ? *b : *a;
        const bool tie = winner.priority == loser.priority;
        out.push_back({tie ? Severity::Warning : Severity::Info, loser.origin, loser.name,
                       fmt::format("matches files that {} ({}) matches too; {} runs them: {}{}", in_quotes(winner.name),
                                   winner.origin.str(), in_quotes(winner.name), why_outranks(winner, loser),
                                   tie ? " (set `priority` to choose)" : "")});
    }
    return out;
}

std::vector<std::string> registration_order(const std::vector<const Entry*>& lowest_first,
                                            const std::map<std::string, std::size_t>& newest_first,
                                            const std::set<std::string>& registering,
                                            const std::set<std::string>& fixed) {
    // Walking up the ranks: an entry is registered (again) when it is new or changed, or when an
    // overlapping entry below it is newer in the kernel or is itself registered now (and so
    // becomes newer than everything left alone). Registering in this order leaves every entry
    // newer than each overlapping one it outranks.
    std::vector<std::string> out;
    std::set<std::string> moved;
    for (std::size_t x = 0; x < lowest_first.size(); ++x) {
        const Entry& e = *lowest_first[x];
        if (fixed.count(e.name)) continue;
        bool move = registering.count(e.name) || !newest_first.count(e.name);
        for (std::size_t y = 0; !move && y < x; ++y) {
            const Entry& below = *lowest_first[y];
            if (!can_overlap(e, below)) continue;
            move = moved.count(below.name) || newest_first.at(below.name) < newest_first.at(e.name);
        }
        if (move) {
            moved.insert(e.name);
            out.push_back(e.name);
        }
    }
    return out;
}

} // namespace binfmt
