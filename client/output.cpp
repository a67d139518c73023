#include "output.hpp"

#include "entry_record_json.hpp"
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
        cells.push_back({r.name, r.kind, or_dash(r.interpreter), or_dash(r.flags), r.state, or_dash(r.origin)});
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
    std::vector<Field> f{{"Name", e.name}, {"State", e.state, state_color(e.state)}, {"Kind", e.kind}};
    if (e.kind == "extension") {
        f.push_back({"Extension", e.extension});
    } else {
        f.push_back({"Magic", binfmt::printable(e.magic)});
        f.push_back({"Mask", e.mask.empty() ? "-" : binfmt::printable(e.mask)});
        f.push_back({"Offset", std::to_string(e.offset)});
    }
    f.push_back({"Interpreter", or_dash(e.interpreter)});
    f.push_back({"Flags", or_dash(e.flags)});
    if (e.flags.find('F') != std::string::npos) {
        if (e.pinned.empty())
            f.push_back({"Pinned", pin_unknown.empty() ? "unknown" : fmt::format("unknown: {}", pin_unknown)});
        else if (!e.pinned_stale) f.push_back({"Pinned", e.pinned});
        else
            f.push_back({"Pinned",
                         fmt::format("{} (stale: \"{}\" names another file now; the kernel runs the old one until "
                                     "the entry is registered again)",
                                     e.pinned, e.interpreter),
                         kYellow});
    }
    f.push_back({"Enabled", e.enabled ? "yes" : "no"});
    f.push_back({"Origin", e.origin_line ? fmt::format("{}:{}", e.origin, e.origin_line) : or_dash(e.origin)});
    if (!e.error.empty()) f.push_back({"Error", e.error, kRed});
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
    auto flag = [&](const char* key) {
        auto it = doc.find(key);
        return it != doc.end() && it->is_boolean() && it->get<bool>();
    };
    const bool mounted = flag("mounted"), writable = flag("writable"), enabled = flag("kernel_enabled");
    const std::string dir = text(doc, "binfmt_dir"), why = text(doc, "mount_error");

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
            failed.push_back({"Failed", fmt::format("{}: {}", text(e, "name"), or_dash(text(e, "error"))), kRed});
    }
    std::vector<std::string> parts;
    for (auto s : kStates) {
        auto it = counts.find(std::string(s));
        if (it != counts.end()) parts.push_back(fmt::format("{} {}", it->second, s)), counts.erase(it);
    }
    for (auto& [state, n] : counts) parts.push_back(fmt::format("{} {}", n, or_dash(state)));

    std::vector<Field> f{{"Version", or_dash(text(doc, "version"))}, {"Binfmt_misc", or_dash(dir)}};
    f.push_back(mounted ? Field{"Mounted", "yes"} : Field{"Mounted", fmt::format("no: {}", or_dash(why)), kRed});
    if (mounted) {
        // Read-only or another binfmtd's: the entries run as they are, nothing can change them.
        f.push_back(writable ? Field{"Writable", "yes"} : Field{"Writable", fmt::format("no: {}", or_dash(why)), kRed});
        f.push_back(enabled ? Field{"Kernel", "enabled"}
                            : Field{"Kernel", "disabled (its status is 0): no entry runs", kRed});
    }
    f.push_back({"Entries", parts.empty() ? "0" : fmt::format("{} ({})", entries.size(), fmt::join(parts, ", "))});
    f.insert(f.end(), failed.begin(), failed.end());
    // The configuration's problems, as `binfmtctl validate` prints them.
    const auto diags = doc.find("diagnostics");
    if (diags != doc.end() && diags->is_array())
        for (auto& d : *diags) {
            if (!d.is_object()) continue;
            const std::string severity = text(d, "severity"), entry = text(d, "entry");
            auto number = [&](const char* key) {
                auto it = d.find(key);
                return it != d.end() && it->is_number_integer() ? it->get<long>() : 0L;
            };
            std::string where = text(d, "file");
            if (number("line") > 0) where += fmt::format(":{}:{}", number("line"), number("column"));
            f.push_back({"Config",
                         fmt::format("{}: {}: {}{}", where, or_dash(severity),
                                     entry.empty() ? "" : fmt::format("[{}] ", entry), text(d, "message")),
                         severity == "error"     ? kRed
                         : severity == "warning" ? kYellow
                                                 : std::string_view{}});
        }
    print_fields(f);
}

void print_document(const std::string& json) {
    std::fputs(json.c_str(), stdout);
    if (json.empty() || json.back() != '\n') std::fputc('\n', stdout);
}

void print_matches(const std::string& file, const std::vector<Match>& matches, bool kernel_enabled,
                   const OutputOptions& out) {
    if (out.json) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (auto& m : matches) list.push_back({{"name", m.name}, {"interpreter", m.interpreter}});
        std::puts(nlohmann::ordered_json{{"file", file}, {"kernel_enabled", kernel_enabled}, {"matches", list}}
                      .dump(2)
                      .c_str());
        return;
    }
    if (matches.empty()) return;
    std::vector<std::vector<std::string>> cells;
    for (auto& m : matches) cells.push_back({m.name, or_dash(m.interpreter)});
    // With binfmt_misc disabled no row is the one that runs: none is highlighted.
    print_table({"NAME", "INTERPRETER"}, cells, out.legend,
                [first = matches.front().name, kernel_enabled](std::size_t col, const std::string& text) {
                    return kernel_enabled && col == 0 && text == first ? kBold : std::string_view{};
                });
    if (out.legend && !kernel_enabled)
        std::printf("\n%s; binfmt_misc is disabled (its status is 0): none of them runs.\n",
                    plural(matches.size(), "matching entry", "matching entries").c_str());
    else if (out.legend)
        std::printf("\n%s; the kernel uses \"%s\".\n",
                    plural(matches.size(), "matching entry", "matching entries").c_str(), matches.front().name.c_str());
}

} // namespace binfmtctl
