// The TOML configuration loader (lib/config.cpp parse_config_text), fed arbitrary file text.
// Properties: it never crashes; every entry it accepts passes validate() and encodes as a
// register string the kernel takes (<= 1920 bytes); what binfmtd would write back for it
// (to_toml, to_spec) loads as the very same entry.
#include "fuzz_common.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::vector<binfmt::Entry> entries;
    std::vector<std::string> invalid;
    std::vector<binfmt::Diagnostic> diags;
    const bool parsed = fuzz::parse_text(text, "/etc/binfmtd.d/fuzz.toml", entries, invalid, diags);

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
        FUZZ_CHECK(e.origin.file == "/etc/binfmtd.d/fuzz.toml" && e.origin.line >= 1, "entry origin " + e.origin.str());
        fuzz::check_accepted(e, "the loader");
    }
    return 0;
}
