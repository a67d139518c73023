// The TOML configuration loader (lib/config.cpp parse_config_text), fed arbitrary file text.
// Properties: it never crashes; every entry it accepts passes validate() and encodes as a
// register string the kernel takes (<= 1920 bytes); what binfmtd would write back for it
// (to_toml, to_spec) loads as the very same entry.
#include "fuzz_common.hpp"
#include "register_string.hpp"
#include "validate.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::vector<binfmt::Entry> entries;
    std::vector<std::string> invalid;
    std::vector<binfmt::Diagnostic> diags;
    binfmt::LoadOptions opts;
    opts.check_trust = false;
    const bool parsed = binfmt::parse_config_text(text, "/etc/binfmtd.d/fuzz.toml", opts, entries, invalid, diags);

    for (auto& d : diags) {
        FUZZ_CHECK(!d.message.empty(), "a diagnostic without a message at " + d.where.str());
        (void)d.str();
    }
    if (!parsed) {
        FUZZ_CHECK(entries.empty() && invalid.empty(), "a file that failed to parse still produced entries");
        FUZZ_CHECK(!diags.empty(), "a file that failed to parse has no diagnostic");
        return 0;
    }
    if (!invalid.empty()) FUZZ_CHECK(!diags.empty(), "an invalid entry without a diagnostic");

    for (auto& e : entries) {
#ifdef FUZZ_TRACE
    std::fprintf(stderr, "accepted: %s\n", fuzz::describe(e).c_str());
#endif
        auto problems = binfmt::validate(e);
        FUZZ_CHECK(problems.empty(), "the loader accepted an entry validate() rejects: " + problems.front() + "\n" +
                                         fuzz::describe(e));
        FUZZ_CHECK(e.origin.file == "/etc/binfmtd.d/fuzz.toml" && e.origin.line >= 1,
                   "entry origin " + e.origin.str());
        binfmt::Entry resolved = e;
        if (resolved.interpreter.empty()) resolved.interpreter = "/usr/bin/qemu-resolved-static";
        auto reg = binfmt::encode_register(resolved);
        FUZZ_CHECK(reg.has_value(), "no register string for an accepted entry: " + fuzz::describe(e));
        // The interpreter of a preset entry is resolved later; only then is the length final.
        if (!e.interpreter.empty())
            FUZZ_CHECK(reg->size() <= binfmt::kMaxRegisterLength, "register string too long: " + *reg);
        fuzz::check_toml_round_trip(e);
        fuzz::check_spec_round_trip(e);
    }
    return 0;
}
