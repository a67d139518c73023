#include "binfmts.hpp"

#include "register_line.hpp"
#include "text_lines.hpp"
#include "validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>

namespace binfmt {

namespace {

constexpr std::string_view kBlank = " \t\r";
constexpr std::array<std::string_view, 10> kKeys{"package",   "interpreter", "magic",       "offset",   "mask",
                                                 "extension", "detector",    "credentials", "preserve", "fix_binary"};

struct Value {
    std::string text;
    int line = 0, column = 0;
};

bool known(std::string_view key) {
    for (auto k : kKeys)
        if (k == key) return true;
    return false;
}

} // namespace

Definition parse_binfmts_record(const std::string& text, const std::string& path, const std::string& name,
                                const BinfmtsOptions& opts, std::vector<Diagnostic>& diags) {
    Definition def;
    def.entry.name = name;
    def.entry.origin = {path, 1, 1};
    def.entry.source = Source::Binfmts;
    const std::size_t errors_before = diags.size();
    auto error = [&](int line, int column, std::string message) {
        diags.push_back({Severity::Error, {path, line, column}, name, std::move(message)});
    };

    std::map<std::string, Value, std::less<>> values;
    TextLines lines(text);
    for (std::string_view line; lines.next(line);) {
        const int line_no = lines.number();
        const std::size_t first = line.find_first_not_of(kBlank);
        if (first == std::string_view::npos || line[first] == '#') continue;
        const std::size_t last = line.find_last_not_of(kBlank);
        const std::size_t key_end = std::min(line.find_first_of(" \t", first), last + 1);
        const std::string_view key = line.substr(first, key_end - first);
        std::size_t value_at = line.find_first_not_of(" \t", key_end);
        if (value_at == std::string_view::npos || value_at > last) value_at = last + 1;
        const std::string_view value = line.substr(value_at, last + 1 - value_at);
        if (!known(key)) {
            diags.push_back({Severity::Warning,
                             {path, line_no, static_cast<int>(first) + 1},
                             name,
                             fmt::format("unknown key \"{}\" (known: package, interpreter, magic, offset, mask, "
                                         "extension, detector, credentials, preserve, fix_binary), ignoring",
                                         key)});
            continue;
        }
        auto [it, fresh] = values.try_emplace(std::string(key), Value{std::string(value), line_no, int(value_at) + 1});
        if (!fresh)
            error(line_no, static_cast<int>(first) + 1,
                  fmt::format("\"{}\" is given twice (first on line {})", key, it->second.line));
    }

    auto get = [&](std::string_view key) -> const Value* {
        auto it = values.find(key);
        return it == values.end() ? nullptr : &it->second;
    };
    const Value* interpreter = get("interpreter");
    const Value* magic = get("magic");
    const Value* extension = get("extension");
    const Value* detector = get("detector");
    if (!interpreter || interpreter->text.empty())
        error(interpreter ? interpreter->line : 1, interpreter ? interpreter->column : 1,
              "needs an `interpreter` line");
    if (!magic == !extension) error(1, 1, "needs exactly one of `magic` and `extension`");
    for (std::string_view key : {"offset", "mask"})
        if (const Value* v = get(key); v && !magic) error(v->line, v->column, fmt::format("`{}` needs `magic`", key));
    Flags flags;
    const std::pair<std::string_view, bool Flags::*> yes_no[] = {{"credentials", &Flags::credentials},
                                                                 {"preserve", &Flags::preserve_argv0},
                                                                 {"fix_binary", &Flags::fix_binary}};
    for (auto& [key, flag] : yes_no)
        if (const Value* v = get(key)) {
            if (v->text == "yes") flags.*flag = true;
            else if (v->text != "no")
                error(v->line, v->column, fmt::format("{} \"{}\" must be yes or no", key, v->text));
        }
    if (detector && !opts.run_detectors_installed)
        error(detector->line, detector->column,
              fmt::format("detector \"{}\" needs binfmt-support's {}, which is not installed", detector->text,
                          kRunDetectors));
    if (diags.size() != errors_before &&
        std::any_of(diags.begin() + static_cast<long>(errors_before), diags.end(),
                    [](const Diagnostic& d) { return d.severity == Severity::Error; })) {
        def.valid = false;
        return def;
    }

    // The line update-binfmts writes, each field remembered so that the kernel's complaint
    // points at the key it came from.
    struct Field {
        std::size_t at;
        const Value* from;
    };
    std::vector<Field> fields;
    std::string line = ":" + name + ":";
    auto add = [&](std::string_view text, const Value* from) {
        fields.push_back({line.size(), from});
        line += text;
        line += ':';
    };
    line += magic ? "M:" : "E:";
    const Value* offset = get("offset");
    const Value* mask = get("mask");
    add(offset ? offset->text : std::string(), offset);
    add(magic ? magic->text : extension->text, magic ? magic : extension);
    add(mask ? mask->text : std::string(), mask);
    add(detector ? std::string(kRunDetectors) : interpreter->text, detector ? detector : interpreter);
    // update-binfmts writes the letters it was given; the kernel adds O to C by itself.
    if (flags.preserve_argv0) line += 'P';
    if (flags.credentials) line += 'C';
    if (flags.fix_binary) line += 'F';

    RegisterLine parsed = parse_register_line(line);
    if (!parsed.ok) {
        const Value* from = nullptr;
        for (auto& f : fields)
            if (parsed.column - 1 >= f.at) from = f.from;
        error(from ? from->line : 1, from ? from->column : 1, std::move(parsed.error));
        def.valid = false;
        return def;
    }
    if (parsed.entry.name != name) {
        error(1, 1, fmt::format("the record's name \"{}\" cannot be a register line's name (it contains ':')", name));
        def.valid = false;
        return def;
    }
    Entry e = std::move(parsed.entry);
    e.origin = def.entry.origin;
    e.source = Source::Binfmts;
    auto problems = validate(e);
    if (auto why = utf8_problem(e); !why.empty()) problems.push_back(std::move(why));
    for (auto& p : problems) error(1, 1, p);
    if (!problems.empty()) {
        def.valid = false;
        return def;
    }
    def.entry = std::move(e);
    return def;
}

} // namespace binfmt
