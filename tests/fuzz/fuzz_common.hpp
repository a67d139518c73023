// Shared by the libFuzzer targets: a failed property aborts with the values that broke it,
// so libFuzzer saves the input as a crash (crash-<sha1>) and the run fails.
#pragma once

#include "config.hpp"
#include "entry.hpp"
#include "register_string.hpp"
#include "spec.hpp"
#include "validate.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

[[noreturn]] inline void fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "\nPROPERTY FAILED: %s\n%s\n", what, detail.c_str());
    std::abort();
}
#define FUZZ_CHECK(cond, detail)                                                                                       \
    do {                                                                                                               \
        if (!(cond)) ::fuzz::fail(#cond, (detail));                                                                    \
    } while (0)

// Whether `s` is well-formed UTF-8 (lead and continuation bytes; what a D-Bus string, and so
// an error message, must be).
inline bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : 9;
        if (n == 9 || i + n >= s.size()) return false; // a bad lead byte, or cut short
        for (std::size_t k = 1; k <= n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
        i += n + 1;
    }
    return true;
}

// Every field a definition carries (origin excluded): what must survive a round trip.
inline std::string describe(const binfmt::Entry& e) {
    std::string s = "name=[" + e.name + "] kind=" + std::string(binfmt::kind_name(e.kind)) +
                    " magic=" + binfmt::to_hex(e.magic) + " mask=" + binfmt::to_hex(e.mask) +
                    " offset=" + std::to_string(e.offset) + " extension=[" + e.extension + "] interpreter=[" +
                    e.interpreter + "] flags=" + e.flags.kernel_string() + (e.flags.open_binary ? "(O)" : "") +
                    " enabled=" + std::to_string(e.enabled) + " force=" + std::to_string(e.force) + " preset=[" +
                    e.preset + "] priority=" + std::to_string(e.priority);
    return s;
}

inline bool same_definition(const binfmt::Entry& a, const binfmt::Entry& b) {
    return a.name == b.name && a.kind == b.kind && a.magic == b.magic && a.mask == b.mask && a.offset == b.offset &&
           a.extension == b.extension && a.interpreter == b.interpreter && a.flags == b.flags &&
           a.enabled == b.enabled && a.force == b.force && a.preset == b.preset && a.priority == b.priority;
}

// One file's text parsed as the loader parses it (file trust is the loader's business, not the parser's).
inline bool parse_text(const std::string& text, const std::string& file, std::vector<binfmt::Entry>& entries,
                       std::vector<std::string>& invalid, std::vector<binfmt::Diagnostic>& diags) {
    return binfmt::parse_config_text(text, file, entries, invalid, diags);
}

// The TOML binfmtd writes for `e` must load back as exactly `e` (Register persists this way).
inline void check_toml_round_trip(const binfmt::Entry& e) {
    const std::string toml = binfmt::to_toml(e);
    std::vector<binfmt::Entry> out;
    std::vector<std::string> invalid;
    std::vector<binfmt::Diagnostic> diags;
    const bool parsed = parse_text(toml, "roundtrip.toml", out, invalid, diags);
    std::string why;
    for (auto& d : diags) why += d.str() + "\n";
    FUZZ_CHECK(parsed && out.size() == 1 && invalid.empty(),
               "to_toml output does not load back as one valid entry:\n" + toml + "---\n" + why + describe(e));
    FUZZ_CHECK(same_definition(out[0], e), "to_toml round trip changed the entry:\n" + toml +
                                               "---\nbefore: " + describe(e) + "\nafter:  " + describe(out[0]));
}

// to_spec must give back a spec that entry_from_spec turns into the same entry (binfmtctl
// register --file sends definitions this way).
inline void check_spec_round_trip(const binfmt::Entry& e) {
    binfmt::Entry back;
    std::vector<binfmt::SpecProblem> problems;
    const bool ok = binfmt::entry_from_spec(e.name, binfmt::to_spec(e), back, problems);
    std::string why;
    for (auto& p : problems) why += p.key + ": " + p.message + "\n";
    FUZZ_CHECK(ok, "to_spec output is rejected:\n" + why + describe(e));
    FUZZ_CHECK(same_definition(back, e),
               "to_spec round trip changed the entry:\nbefore: " + describe(e) + "\nafter:  " + describe(back));
}

// What every definition a front end (the TOML loader, entry_from_spec) accepts must satisfy:
// validate() agrees; it encodes as a register string the kernel takes (<= 1920 bytes once its
// interpreter is known; a preset's is resolved later); what binfmtd writes back for it (to_toml,
// to_spec) loads as the very same entry. `source` names the front end in the messages.
inline void check_accepted(const binfmt::Entry& e, const std::string& source) {
#ifdef FUZZ_TRACE
    std::fprintf(stderr, "accepted: %s\n", describe(e).c_str());
#endif
    const auto problems = binfmt::validate(e);
    FUZZ_CHECK(problems.empty(),
               source + " accepted an entry validate() rejects: " + problems.front() + "\n" + describe(e));
    binfmt::Entry resolved = e;
    if (resolved.interpreter.empty()) resolved.interpreter = "/usr/bin/qemu-resolved-static";
    auto reg = binfmt::encode_register(resolved);
    FUZZ_CHECK(reg.has_value(), "no register string for an entry " + source + " accepted: " + describe(e));
    if (!e.interpreter.empty())
        FUZZ_CHECK(reg->size() <= binfmt::kMaxRegisterLength, "register string too long: " + *reg);
    check_toml_round_trip(e);
    check_spec_round_trip(e);
}

} // namespace fuzz
