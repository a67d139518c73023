// `register NAME (--magic|--extension|--preset) ...` and `register --file FILE.toml`.
#include "bus.hpp"
#include "config_file.hpp"
#include "escape.hpp"
#include "offline.hpp"
#include "verbs.hpp"

#include "bytes.hpp"
#include "spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

namespace binfmtctl {

namespace {

binfmt::Bytes bytes_arg(const char* option, const std::string& text) {
    std::string error;
    auto bytes = binfmt::unescape(text, error);
    if (!bytes) throw UsageError(fmt::format("{} {}: {}", option, binfmt::in_quotes(text), error));
    return *bytes;
}

std::uint32_t offset_arg(const std::string& text) {
    std::uint32_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
        throw UsageError(fmt::format("--offset {} is not a byte offset (0 to 256)", binfmt::in_quotes(text)));
    return value;
}

std::int32_t priority_arg(const std::string& text) {
    std::int32_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
        throw UsageError(fmt::format("--priority {} is not an integer from {} to {}", binfmt::in_quotes(text),
                                     std::numeric_limits<std::int32_t>::min(),
                                     std::numeric_limits<std::int32_t>::max()));
    return value;
}

// The definition the command line describes, checked as the daemon will check it, so that a
// mistyped value is a usage error quoting it rather than a round trip.
binfmt::Spec spec_from_args(const Args& a) {
    if (a.name.empty()) throw UsageError("register needs NAME, or --file FILE.toml");
    if (a.magic.given() + a.extension.given() + a.preset.given() != 1)
        throw UsageError("register needs exactly one of --magic, --extension or --preset");

    binfmt::Spec spec;
    if (a.magic.given()) spec["magic"] = bytes_arg("--magic", a.magic.value);
    if (a.mask.given()) spec["mask"] = bytes_arg("--mask", a.mask.value);
    if (a.offset.given()) spec["offset"] = offset_arg(a.offset.value);
    if (a.extension.given()) spec["extension"] = a.extension.value;
    if (a.preset.given()) spec["preset"] = a.preset.value;
    if (a.interpreter.given()) spec["interpreter"] = a.interpreter.value;
    if (a.priority.given()) spec["priority"] = priority_arg(a.priority.value);
    // Flags only when given, so that a preset's defaults stay unless overridden (--fix-binary=false).
    for (auto& [key, flag] : {std::pair{"preserve-argv0", &a.preserve_argv0}, std::pair{"open-binary", &a.open_binary},
                              std::pair{"credentials", &a.credentials}, std::pair{"fix-binary", &a.fix_binary}})
        if (flag->given()) spec[key] = flag->value;

    binfmt::Entry entry;
    std::vector<binfmt::SpecProblem> problems;
    if (!binfmt::entry_from_spec(a.name, spec, entry, problems)) {
        std::string text = fmt::format("cannot register {}:", binfmt::in_quotes(a.name));
        for (auto& p : problems) text += fmt::format("\n  {}{}", p.key.empty() ? "" : "--" + p.key + ": ", p.message);
        throw UsageError(text);
    }
    return spec;
}

int register_file(Context& ctx) {
    const std::string& path = ctx.args.file;
    // Only the text counts: the daemon writes its own copy, so who may edit this one does not matter.
    const binfmt::ConfigFile file = binfmt::read_config_file(path, false);
    if (file.outcome == binfmt::ConfigFile::Outcome::Refused) {
        std::fputs(fmt::format("binfmtctl: {} {}\n", binfmt::in_quotes(path), file.why).c_str(), stderr);
        return 1;
    }
    const std::string* text = &file.text;
    std::vector<binfmt::Entry> entries;
    std::vector<std::string> invalid;
    std::vector<binfmt::Diagnostic> diags;
    const bool parsed = binfmt::parse_config_text(*text, path, entries, invalid, diags);
    print_diagnostics(diags);
    const bool errors = std::any_of(diags.begin(), diags.end(),
                                    [](auto& d) { return d.severity == binfmt::Severity::Error; });
    if (!parsed || errors || !invalid.empty()) {
        std::fputs(fmt::format("binfmtctl: {} is invalid; nothing was registered\n", binfmt::in_quotes(path)).c_str(),
                   stderr);
        return 1;
    }
    if (entries.empty()) {
        std::fputs(fmt::format("binfmtctl: {} defines no entries\n", binfmt::in_quotes(path)).c_str(), stderr);
        return 1;
    }

    auto& bus = ctx.bus();
    const auto options = bus.options({.persist = ctx.args.persist,
                                      .replace = ctx.args.replace,
                                      .force = ctx.args.force});
    // One RegisterAll: the daemon registers every entry of the file or none.
    std::vector<sdbus::Struct<std::string, VariantMap>> all;
    for (auto& e : entries) all.emplace_back(e.name, to_variants(binfmt::to_spec(e)));
    try {
        bus.manager().RegisterAll(all, options);
    } catch (const sdbus::Error& err) {
        const int code = report_error(err, path, {ctx.args.replace, ctx.args.persist, ctx.args.force, true});
        std::fputs(fmt::format("binfmtctl: nothing from {} was registered\n", binfmt::in_quotes(path)).c_str(), stderr);
        return code;
    }
    return 0;
}

} // namespace

int verb_register(Context& ctx) {
    if (!ctx.args.file.empty()) return register_file(ctx);
    const binfmt::Spec spec = spec_from_args(ctx.args);
    auto& bus = ctx.bus();
    bus.manager().Register(ctx.args.name, to_variants(spec),
                           bus.options({.persist = ctx.args.persist,
                                        .replace = ctx.args.replace,
                                        .force = ctx.args.force}));
    return 0;
}

} // namespace binfmtctl
