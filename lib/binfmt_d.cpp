#include "binfmt_d.hpp"

#include "register_line.hpp"
#include "text_lines.hpp"
#include "validate.hpp"

#include <string_view>

namespace binfmt {

namespace {
constexpr std::string_view kBlank = " \t\r\n";
}

std::vector<Definition> parse_binfmt_d_text(const std::string& text, const std::string& path,
                                            std::vector<Diagnostic>& diags) {
    std::vector<Definition> out;
    TextLines lines(text);
    for (std::string_view line; lines.next(line);) {
        const int line_no = lines.number();

        const std::size_t first = line.find_first_not_of(kBlank);
        if (first == std::string_view::npos) continue;
        line = line.substr(first, line.find_last_not_of(kBlank) - first + 1);
        if (line.front() == '#' || line.front() == ';') continue;

        const int column = static_cast<int>(first) + 1;
        RegisterLine parsed = parse_register_line(line);
        Location at{path, line_no, column};
        if (!parsed.ok) {
            diags.push_back({Severity::Error,
                             {path, line_no, column + static_cast<int>(parsed.column) - 1},
                             parsed.name,
                             std::move(parsed.error)});
            if (check_name(parsed.name).empty()) {
                Definition bad{{}, false};
                bad.entry.name = parsed.name;
                bad.entry.origin = at;
                out.push_back(std::move(bad));
            }
            continue;
        }
        parsed.entry.origin = at;
        // The kernel took the line; binfmtd's own limits (names, its encoding's length) apply too.
        auto problems = validate(parsed.entry);
        if (auto why = utf8_problem(parsed.entry); !why.empty()) problems.push_back(std::move(why));
        for (auto& p : problems) diags.push_back({Severity::Error, at, parsed.name, p});
        if (!problems.empty()) {
            Definition bad{{}, false};
            bad.entry.name = parsed.name;
            bad.entry.origin = at;
            if (check_name(bad.entry.name).empty()) out.push_back(std::move(bad));
            continue;
        }
        parsed.entry.source = Source::BinfmtD;
        out.push_back({std::move(parsed.entry), true});
    }
    return out;
}

} // namespace binfmt
