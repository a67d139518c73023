// binfmt-support's record reader (lib/binfmts.cpp), fed arbitrary record text. Properties: it
// never crashes; a record it accepts passes validate(), encodes as a register string the
// kernel takes and round-trips through to_toml and to_spec, and is named after its file; a
// refused one has an error diagnostic with a place.
#include "binfmts.hpp"
#include "fuzz_common.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const std::string file = "/usr/share/binfmts/fuzz";
    for (bool detectors : {false, true}) {
        std::vector<binfmt::Diagnostic> diags;
        const auto def = binfmt::parse_binfmts_record(text, file, "fuzz", {detectors}, diags);
        for (auto& d : diags)
            FUZZ_CHECK(!d.message.empty() && d.where.file == file && d.where.line >= 1 && d.where.column >= 1,
                       "a diagnostic without a message or a place: " + d.str());
        FUZZ_CHECK(def.entry.name == "fuzz", "a record not named after its file: " + def.entry.name);
        if (!def.valid) {
            FUZZ_CHECK(std::any_of(diags.begin(), diags.end(),
                                   [](auto& d) { return d.severity == binfmt::Severity::Error; }),
                       "a refused record without an error");
            continue;
        }
        FUZZ_CHECK(def.entry.source == binfmt::Source::Binfmts, "a record not marked as binfmts");
        fuzz::check_accepted(def.entry, "the binfmts reader");
    }
    return 0;
}
