#include "entry_checker.hpp"

#include "escape.hpp"
#include "matcher.hpp"
#include "presets.hpp"
#include "sources.hpp"
#include "trust.hpp"
#include "validate.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <optional>
#include <sys/stat.h>

namespace binfmt {

using binfmt::Verdict;
using VerdictKind = Verdict::Kind;

namespace {
const binfmt::Preset* preset_of(const binfmt::Entry& e) {
    return e.preset.empty() ? nullptr : binfmt::find_preset(e.preset);
}
} // namespace

EntryChecker::EntryChecker(binfmt::TrustedOwners owners)
    : owners_(owners), host_family_(binfmt::host_family()), native_(binfmt::native_samples(host_family_)) {
    // Real native executables too, whatever the family table knows.
    for (const char* path : {"/proc/self/exe", "/bin/sh"})
        if (auto head = binfmt::read_head(path))
            native_.push_back({fmt::format("the host's own {}", path), std::move(*head)});
}

binfmt::Entry EntryChecker::with_interpreter(const binfmt::Entry& entry) const {
    binfmt::Entry e = entry;
    if (const auto* preset = preset_of(e); preset && e.interpreter.empty())
        if (auto found = binfmt::find_interpreter(*preset, [this](const std::string& p) {
                return binfmt::check_interpreter(p, owners_).kind != VerdictKind::Missing;
            }))
            e.interpreter = *found;
    return e;
}

Verdict EntryChecker::check(const binfmt::Entry& e) const {
    const binfmt::Preset* preset = preset_of(e);
    if (preset && preset->family == host_family_)
        return {VerdictKind::Disabled,
                fmt::format("preset {} is the host's own architecture family ({}), not registered",
                            binfmt::in_quotes(e.preset), host_family_)};
    if (preset && e.interpreter.empty())
        return {VerdictKind::Missing,
                fmt::format("no interpreter for preset {} is installed (looked for {})", binfmt::in_quotes(e.preset),
                            fmt::join(binfmt::interpreter_candidates(*preset), ", "))};
    if (preset)
        if (auto problems = binfmt::validate(e); !problems.empty()) return {VerdictKind::Invalid, problems.front()};
    if (auto trust = binfmt::check_interpreter(e.interpreter, owners_); !trust.ok()) return trust;
    if (!e.force)
        if (auto what = binfmt::captured_native(e, native_); !what.empty())
            return {VerdictKind::Native,
                    fmt::format("magic \"{}\" would capture native executables ({}); refusing (set "
                                "force = true to override)",
                                binfmt::printable(e.magic), what)};
    return {};
}

std::string file_identity(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    return fmt::format("{}:{}", st.st_dev, st.st_ino);
}

binfmt::Desired EntryChecker::desire(const binfmt::Entry& entry) const {
    binfmt::Desired d{entry, {VerdictKind::Disabled, {}}, {}};
    if (!entry.enabled && entry.preset.empty()) {
        // A binfmts record is disabled for one reason only: nothing imported it.
        if (entry.source == binfmt::Source::Binfmts)
            d.verdict.reason = fmt::format("binfmt-support has not imported this record (no {}/{})",
                                           binfmt::kBinfmtsAdminDir, entry.name);
        return d;
    }
    d.entry = with_interpreter(entry);
    Verdict v = check(d.entry);
    if (v.kind == VerdictKind::Disabled) d.entry.enabled = false;
    if (!d.entry.enabled && v.kind != VerdictKind::Disabled) return d;
    d.verdict = std::move(v);
    if (d.verdict.ok()) d.pinned = file_identity(d.entry.interpreter);
    if (!d.pinned.empty()) {
        if (char* real = ::realpath(d.entry.interpreter.c_str(), nullptr)) {
            d.pinned_path = real;
            std::free(real);
        }
    }
    return d;
}

} // namespace binfmt
