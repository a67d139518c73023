// The decoder of binfmt_misc's per-entry files (lib/kernel_entry.cpp decode_kernel_entry),
// fed arbitrary file text: what a foreign tool, or a hostile kernel-side writer, may leave.
// Properties: it never crashes; a decoded entry, printed back the way the kernel prints it
// (fs/binfmt_misc.c entry_status), decodes to the same entry.
#include "fuzz_common.hpp"
#include "kernel_entry.hpp"
#include "matcher.hpp"

#include <cstddef>
#include <cstdint>

namespace {
// What the kernel's entry_status() prints for an entry.
std::string kernel_print(const binfmt::KernelEntry& ke) {
    const binfmt::Entry& e = ke.entry;
    std::string s = ke.enabled ? "enabled\n" : "disabled\n";
    s += "interpreter " + e.interpreter + "\n";
    s += "flags: " + e.flags.kernel_string() + "\n";
    if (e.kind == binfmt::Kind::Magic) {
        s += "offset " + std::to_string(e.offset) + "\n";
        s += "magic " + binfmt::to_hex(e.magic) + "\n";
        if (!e.mask.empty()) s += "mask " + binfmt::to_hex(e.mask) + "\n";
    } else {
        s += "extension ." + e.extension + "\n";
    }
    return s;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // First line: the entry's file name; the rest: the file's content.
    std::string_view in(reinterpret_cast<const char*>(data), size);
    auto nl = in.find('\n');
    std::string_view name = nl == std::string_view::npos ? std::string_view("fuzz") : in.substr(0, nl);
    std::string_view text = nl == std::string_view::npos ? in : in.substr(nl + 1);

    std::string error;
    auto ke = binfmt::decode_kernel_entry(name, text, error);
    if (!ke) {
        FUZZ_CHECK(!error.empty(), "decode failed without an error message");
        return 0;
    }
    FUZZ_CHECK(ke->entry.name == name, "decoded name " + ke->entry.name);
    FUZZ_CHECK(ke->entry.enabled == ke->enabled, "enabled and entry.enabled differ");

    // The matcher must cope with whatever the decoder let through (offset/magic past 256,
    // mask of another length, empty magic): the daemon's Resolve runs it on kernel entries.
    const binfmt::Bytes head(text.begin(), text.begin() + static_cast<long>(std::min<std::size_t>(text.size(), 256)));
    (void)binfmt::matches(ke->entry, "file." + ke->entry.extension, head);

    // Printing it the kernel's way must give back the same entry (for an entry whose flags
    // the kernel could show: C always comes with O).
    if (ke->entry.flags.credentials && !ke->entry.flags.open_binary) return 0;
    // The decoder is lenient with lines the kernel never prints for the kind (a mask line in
    // an extension entry, an extension line after a magic one): only the kind's own fields
    // matter to the daemon (Entry::same_registration), so compare those.
    if (ke->entry.kind == binfmt::Kind::Extension) {
        ke->entry.magic.clear();
        ke->entry.mask.clear();
        ke->entry.offset = 0;
    } else {
        ke->entry.extension.clear();
    }
    const std::string printed = kernel_print(*ke);
    std::string error2;
    auto again = binfmt::decode_kernel_entry(name, printed, error2);
    FUZZ_CHECK(again.has_value(),
               "the kernel's printout of a decoded entry does not decode: " + error2 + "\n" + printed);
    FUZZ_CHECK(again->enabled == ke->enabled && fuzz::same_definition(again->entry, ke->entry),
               "decode(print(decode(x))) != decode(x):\n" + printed + "before: " + fuzz::describe(ke->entry) +
                   "\nafter:  " + fuzz::describe(again->entry));
    return 0;
}
