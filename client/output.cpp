#include "output.hpp"

#include "entry_record_json.hpp"
#include "escape.hpp"
#include "table.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <map>
#include <stdexcept>

namespace binfmtctl {

namespace {

std::string_view state_color(std::string_view state) {
    if (state == "active") return kGreen;
    if (state == "failed") return kRed;
    if (state == "pending") return kYellow;
    return {};
}

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

} // namespace

void print_list(const std::vector<ListRow>& rows, const OutputOptions& out) {
    std::vector<std::vector<std::string>> cells;
    cells.reserve(rows.size());
    for (auto& r : rows)
        cells.push_back({binfmt::escape_text(r.name), r.kind, or_dash(binfmt::escape_text(r.interpreter)),
                         or_dash(r.flags), binfmt::escape_text(r.state), or_dash(binfmt::escape_text(r.origin))});
    constexpr std::size_t kStateColumn = 4;
    print_table({"NAME", "KIND", "INTERPRETER", "FLAGS", "STATE", "ORIGIN"}, cells, out.legend,
                [](std::size_t col, const std::string& text) {
                    return col == kStateColumn ? state_color(text) : std::string_view{};
                });
    if (out.legend) std::printf("\n%s listed.\n", plural(rows.size(), "entry", "entries").c_str());
}

void print_entry(const binfmt::EntryRecord& e, const OutputOptions& out, const std::string& pin_unknown) {
    if (out.json) {
        const auto doc = binfmt::entry_to_json<nlohmann::ordered_json>(e);
        std::puts(doc.dump(2).c_str());
        return;
    }
    // Every value from the daemon is shown escaped: a name or path may hold any byte.
    std::vector<Field> f{{"Name", binfmt::escape_text(e.name)},
                         {"State", binfmt::escape_text(e.state), state_color(e.state)},
                         {"Kind", binfmt::escape_text(e.kind)}};
    if (e.kind == "extension") {
        f.push_back({"Extension", binfmt::escape_text(e.extension)});
    } else {
        f.push_back({"Magic", binfmt::printable(e.magic)});
        f.push_back({"Mask", e.mask.empty() ? "-" : binfmt::printable(e.mask)});
        f.push_back({"Offset", std::to_string(e.offset)});
    }
    f.push_back({"Interpreter", or_dash(binfmt::escape_text(e.interpreter))});
    f.push_back({"Flags", or_dash(e.flags)});
    if (e.flags.find('F') != std::string::npos) {
        if (e.pinned.empty())
            f.push_back({"Pinned", pin_unknown.empty() ? "unknown"
                                                       : fmt::format("unknown: {}", binfmt::escape_text(pin_unknown))});
        else if (!e.pinned_stale) f.push_back({"Pinned", binfmt::escape_text(e.pinned)});
        else
            f.push_back({"Pinned",
                         fmt::format("{} (stale: {} names another file now; the kernel runs the old one until "
                                     "the entry is registered again)",
                                     binfmt::escape_text(e.pinned), binfmt::in_quotes(e.interpreter)),
                         kYellow});
    }
    f.push_back({"Enabled", e.enabled ? "yes" : "no"});
    f.push_back({"Origin", or_dash(binfmt::escape_text(e.origin))});
    if (!e.error.empty()) f.push_back({"Error", binfmt::escape_text(e.error), kRed});
    print_fields(f);
}

void print_summary(const std::string& describe_json) {
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(describe_json);
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(fmt::format("binfmtd sent a Describe() document that is not JSON: {}", e.what()));
    }
    if (!doc.is_object()) throw std::runtime_error("binfmtd sent a Describe() document that is not a JSON object");

    auto text = [](const nlohmann::json& obj, const char* key) {
        auto it = obj.find(key);
        return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    const bool mounted = doc.contains("mounted") && doc["mounted"].is_boolean() && doc["mounted"].get<bool>();
    const std::string dir = text(doc, "binfmt_dir");

    // Counts in a fixed order, the usual states first, then any state this client does not know.
    constexpr std::array<std::string_view, 5> kStates{"active", "disabled", "pending", "failed", "foreign"};
    std::map<std::string, std::size_t> counts;
    std::vector<Field> failed;
    const nlohmann::json entries = doc.contains("entries") && doc["entries"].is_array() ? doc["entries"]
                                                                                        : nlohmann::json::array();
    for (auto& e : entries) {
        if (!e.is_object()) continue;
        const std::string state = text(e, "state");
        ++counts[state];
        if (state == "failed")
            failed.push_back({"Failed",
                              fmt::format("{}: {}", binfmt::escape_text(text(e, "name")),
                                          or_dash(binfmt::escape_text(text(e, "error")))),
                              kRed});
    }
    std::vector<std::string> parts;
    for (auto s : kStates) {
        auto it = counts.find(std::string(s));
        if (it != counts.end()) parts.push_back(fmt::format("{} {}", it->second, s)), counts.erase(it);
    }
    for (auto& [state, n] : counts) parts.push_back(fmt::format("{} {}", n, or_dash(binfmt::escape_text(state))));

    std::vector<Field> f{
        {"Version", or_dash(binfmt::escape_text(text(doc, "version")))},
        {"Binfmt_misc", fmt::format("{} ({})", or_dash(binfmt::escape_text(dir)), mounted ? "mounted" : "not mounted"),
         mounted ? std::string_view{} : kRed},
        {"Entries", parts.empty() ? "0" : fmt::format("{} ({})", entries.size(), fmt::join(parts, ", "))}};
    f.insert(f.end(), failed.begin(), failed.end());
    print_fields(f);
}

void print_document(const std::string& json) {
    // Re-encoded as ASCII, the same document: a C1 control or a bidi character in a name stays a
    // \u escape instead of reaching the terminal raw.
    std::string text;
    try {
        text = nlohmann::ordered_json::parse(json).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
    } catch (const nlohmann::json::exception&) {
        text = binfmt::escape_text(json);
    }
    std::fputs((text + "\n").c_str(), stdout);
}

void print_matches(const std::string& file, const std::vector<Match>& matches, const OutputOptions& out) {
    if (out.json) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (auto& m : matches) list.push_back({{"name", m.name}, {"interpreter", m.interpreter}});
        // A file name need not be UTF-8, which JSON strings must be: such a name goes escaped.
        const std::string name = binfmt::valid_utf8(file) ? file : binfmt::escape_text(file);
        std::puts(nlohmann::ordered_json{{"file", name}, {"matches", list}}.dump(2).c_str());
        return;
    }
    if (matches.empty()) return;
    std::vector<std::vector<std::string>> cells;
    for (auto& m : matches) cells.push_back({binfmt::escape_text(m.name), or_dash(binfmt::escape_text(m.interpreter))});
    print_table({"NAME", "INTERPRETER"}, cells, out.legend,
                [first = binfmt::escape_text(matches.front().name)](std::size_t col, const std::string& text) {
                    return col == 0 && text == first ? kBold : std::string_view{};
                });
    if (out.legend)
        std::printf("\n%s; the kernel uses %s.\n", plural(matches.size(), "matching entry", "matching entries").c_str(),
                    binfmt::in_quotes(matches.front().name).c_str());
}

} // namespace binfmtctl
