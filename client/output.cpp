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

void print_entry(const binfmt::EntryRecord& e, const OutputOptions& out, const std::string& pin_unknown,
                 bool outranked_foreign) {
    if (out.json) {
        const auto doc = binfmt::entry_to_json<nlohmann::ordered_json>(e);
        std::puts(doc.dump(2).c_str());
        return;
    }
    // Every value from the daemon is shown escaped: a name or path may hold any byte.
    std::vector<Field> f{{"Name", binfmt::escape_text(e.name)},
                         {"State", binfmt::escape_text(e.state), state_color(e.state)}};
    if (e.adopted)
        f.push_back({"Adopted", "yes: another tool registered it as defined here; binfmtd writes nothing for it and "
                                "never changes or removes it"});
    f.push_back({"Kind", binfmt::escape_text(e.kind)});
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
    if (e.priority != 0 || !e.overlaps.empty()) f.push_back({"Priority", std::to_string(e.priority)});
    // Entries matching some of the same files: which one runs them, and why.
    for (auto& o : e.overlaps) f.push_back({"Overlaps", binfmt::escape_text(o)});
    if (!e.outranked_by.empty())
        f.push_back({"Outranked by",
                     fmt::format("{} ({}registered later: the kernel runs the files both match with it)",
                                 binfmt::escape_text(e.outranked_by), outranked_foreign ? "foreign, " : ""),
                     kYellow});
    f.push_back({"Origin", e.origin_line > 0 && e.origin.starts_with("/")
                               ? fmt::format("{}:{}", binfmt::escape_text(e.origin), e.origin_line)
                               : or_dash(binfmt::escape_text(e.origin))});
    if (!e.error.empty()) f.push_back({"Error", binfmt::escape_text(e.error), kRed});
    if (!e.kernel_interpreter.empty()) {
        // The definition above is not what the kernel has under this name; this is.
        if (e.kernel_magic.empty()) {
            f.push_back({"Kernel kind", "extension"});
        } else {
            f.push_back({"Kernel magic", binfmt::printable(e.kernel_magic)});
            f.push_back({"Kernel mask", e.kernel_mask.empty() ? "-" : binfmt::printable(e.kernel_mask)});
            f.push_back({"Kernel offset", std::to_string(e.kernel_offset)});
        }
        f.push_back({"Kernel interpreter", binfmt::escape_text(e.kernel_interpreter)});
        f.push_back({"Kernel flags", or_dash(e.kernel_flags)});
    }
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
    std::size_t adopted = 0;
    std::vector<Field> failed;
    const nlohmann::json entries = doc.contains("entries") && doc["entries"].is_array() ? doc["entries"]
                                                                                        : nlohmann::json::array();
    for (auto& e : entries) {
        if (!e.is_object()) continue;
        const std::string state = text(e, "state");
        ++counts[state];
        if (auto a = e.find("adopted"); a != e.end() && a->is_boolean() && a->get<bool>()) ++adopted;
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

    std::vector<Field> f{{"Version", or_dash(binfmt::escape_text(text(doc, "version")))},
                         {"Binfmt_misc", or_dash(binfmt::escape_text(dir))}};
    f.push_back(mounted ? Field{"Mounted", "yes"}
                        : Field{"Mounted", fmt::format("no: {}", or_dash(binfmt::escape_text(why))), kRed});
    if (mounted) {
        // Read-only or another binfmtd's: the entries run as they are, nothing can change them.
        f.push_back(writable ? Field{"Writable", "yes"}
                             : Field{"Writable", fmt::format("no: {}", or_dash(binfmt::escape_text(why))), kRed});
        f.push_back(enabled ? Field{"Kernel", "enabled"}
                            : Field{"Kernel", "disabled (its status is 0): no entry runs", kRed});
    }
    f.push_back({"Entries", parts.empty() ? "0"
                                          : fmt::format("{} ({}){}", entries.size(), fmt::join(parts, ", "),
                                                        adopted ? fmt::format("; {} adopted", adopted) : "")});
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

void print_matches(const std::string& file, const std::vector<Match>& matches, bool kernel_enabled,
                   const OutputOptions& out) {
    if (out.json) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (auto& m : matches) list.push_back({{"name", m.name}, {"interpreter", m.interpreter}});
        // A file name need not be UTF-8, which JSON strings must be: such a name goes escaped.
        const std::string name = binfmt::valid_utf8(file) ? file : binfmt::escape_text(file);
        std::puts(nlohmann::ordered_json{{"file", name}, {"kernel_enabled", kernel_enabled}, {"matches", list}}
                      .dump(2)
                      .c_str());
        return;
    }
    if (matches.empty()) return;
    std::vector<std::vector<std::string>> cells;
    for (auto& m : matches) cells.push_back({binfmt::escape_text(m.name), or_dash(binfmt::escape_text(m.interpreter))});
    // With binfmt_misc disabled no row is the one that runs: none is highlighted.
    print_table({"NAME", "INTERPRETER"}, cells, out.legend,
                [first = binfmt::escape_text(matches.front().name), kernel_enabled](std::size_t col,
                                                                                    const std::string& text) {
                    return kernel_enabled && col == 0 && text == first ? kBold : std::string_view{};
                });
    if (out.legend && !kernel_enabled)
        std::printf("\n%s; binfmt_misc is disabled (its status is 0): none of them runs.\n",
                    plural(matches.size(), "matching entry", "matching entries").c_str());
    else if (out.legend)
        std::printf("\n%s; the kernel uses %s.\n", plural(matches.size(), "matching entry", "matching entries").c_str(),
                    binfmt::in_quotes(matches.front().name).c_str());
}

} // namespace binfmtctl
