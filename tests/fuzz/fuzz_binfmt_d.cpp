// systemd's binfmt.d reader (lib/binfmt_d.cpp) and the register-line reader under it, fed
// arbitrary file text. Properties: it never crashes; a line it reads agrees with the model of
// the kernel's own parser (accepted or refused alike, and the same fields); every definition it
// accepts passes validate(), encodes as a register string the kernel takes, and round-trips
// through to_toml and to_spec; every problem has a line and a message.
#include "binfmt_d.hpp"
#include "fuzz_common.hpp"
#include "kernel_register_parser.hpp"
#include "register_line.hpp"

#include <cstddef>
#include <cstdint>

namespace {
void check_against_kernel(std::string_view line) {
    if (line.find('\0') != std::string_view::npos || line.find('\n') != std::string_view::npos) return;
    const auto ours = binfmt::parse_register_line(line);
    const auto kernel = kmodel::parse_register(std::string(line) + "\n");
    FUZZ_CHECK(ours.ok == kernel.has_value(), std::string(ours.ok ? "accepted" : "refused (" + ours.error + ")") +
                                                  " but the kernel " + (kernel ? "accepts" : "refuses") + ": " +
                                                  std::string(line));
    if (!ours.ok) {
        FUZZ_CHECK(!ours.error.empty() && ours.column >= 1 && ours.column <= line.size() + 1,
                   "a refusal without a message or a column in the line: " + std::string(line));
        return;
    }
    const binfmt::Entry& e = ours.entry;
    FUZZ_CHECK(e.name == kernel->name && (e.kind == binfmt::Kind::Magic) == kernel->magic &&
                   e.interpreter == kernel->interpreter,
               "fields differ from the kernel's: " + std::string(line));
    if (kernel->magic) {
        FUZZ_CHECK(e.magic == kernel->magic_bytes && e.offset == static_cast<std::uint32_t>(kernel->offset) &&
                       e.mask == kernel->mask.value_or(binfmt::Bytes{}),
                   "magic, mask or offset differ from the kernel's: " + std::string(line));
    } else {
        FUZZ_CHECK(e.extension == kernel->extension, "extension differs from the kernel's: " + std::string(line));
    }
    FUZZ_CHECK(e.flags.preserve_argv0 == kernel->P && e.flags.fix_binary == kernel->F &&
                   e.flags.credentials == kernel->C && (e.flags.open_binary || e.flags.credentials) == kernel->O,
               "flags differ from the kernel's: " + std::string(line));
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const std::string file = "/etc/binfmt.d/fuzz.conf";
    std::vector<binfmt::Diagnostic> diags;
    const auto defs = binfmt::parse_binfmt_d_text(text, file, diags);

    for (auto& d : diags)
        FUZZ_CHECK(!d.message.empty() && d.where.file == file && d.where.line >= 1 && d.where.column >= 1,
                   "a diagnostic without a message or a place: " + d.str());
    for (auto& def : defs) {
        FUZZ_CHECK(def.entry.origin.file == file && def.entry.origin.line >= 1, "origin " + def.entry.origin.str());
        if (def.valid) {
            FUZZ_CHECK(def.entry.source == binfmt::Source::BinfmtD, "a binfmt.d entry not marked as such");
            fuzz::check_accepted(def.entry, "the binfmt.d reader");
        } else {
            FUZZ_CHECK(!diags.empty(), "an invalid definition without a diagnostic");
        }
    }
    // Each raw line on its own, stripped as systemd-binfmt strips it.
    std::string_view all(text);
    for (std::size_t start = 0; start <= all.size();) {
        std::size_t end = all.find('\n', start);
        if (end == std::string_view::npos) end = all.size();
        std::string_view line = all.substr(start, end - start);
        const auto first = line.find_first_not_of(" \t\r");
        if (first != std::string_view::npos) {
            line = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
            if (line.front() != '#' && line.front() != ';') check_against_kernel(line);
        }
        start = end + 1;
    }
    return 0;
}
