// The register-string encoder (lib/register_string.cpp encode_register) against a model of
// the kernel's own parser (kernel_register_parser.hpp, after fs/binfmt_misc.c create_entry).
// Properties: every entry validate() accepts encodes; the kernel model accepts the string and
// reads back exactly the entry's name, type, offset, magic, mask, extension, interpreter and
// flags. Entries validate() rejects may not encode to something the kernel reads differently
// either: if the kernel would take it, it must read back what was meant.
#include "fuzz_common.hpp"
#include "kernel_register_parser.hpp"
#include "register_string.hpp"
#include "validate.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>

namespace {

// Strings biased towards what matters here: delimiter candidates, backslashes, escapes.
std::string fuzzed_string(FuzzedDataProvider& in, std::size_t max) {
    static constexpr std::string_view alphabet = ":|,;!#%@^~=+&*\\x0aF/. -_\n\t\x7f";
    std::string s;
    const std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, max);
    for (std::size_t i = 0; i < n && in.remaining_bytes(); ++i) {
        const auto b = in.ConsumeIntegral<std::uint8_t>();
        s += b < 0x80 ? alphabet[b % alphabet.size()] : static_cast<char>(b & 0x7f ? (b & 0x7f) : 'a');
    }
    return s;
}

binfmt::Bytes fuzzed_bytes(FuzzedDataProvider& in, std::size_t max) {
    return in.ConsumeBytes<std::uint8_t>(in.ConsumeIntegralInRange<std::size_t>(0, max));
}

std::string describe_parsed(const kmodel::Parsed& p) {
    return "name=[" + p.name + "] " + (p.magic ? "M" : "E") + " offset=" + std::to_string(p.offset) +
           " magic=" + binfmt::to_hex(p.magic_bytes) + " mask=" + (p.mask ? binfmt::to_hex(*p.mask) : "none") +
           " ext=[" + p.extension + "] interp=[" + p.interpreter + "] flags=" + (p.P ? "P" : "") + (p.O ? "O" : "") +
           (p.C ? "C" : "") + (p.F ? "F" : "");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    binfmt::Entry e;
    e.kind = in.ConsumeBool() ? binfmt::Kind::Magic : binfmt::Kind::Extension;
    e.name = fuzzed_string(in, 300);
    e.interpreter = "/" + fuzzed_string(in, 600);
    if (e.kind == binfmt::Kind::Magic) {
        e.offset = in.ConsumeBool() ? in.ConsumeIntegralInRange<std::uint32_t>(0, 300)
                                    : in.ConsumeIntegral<std::uint32_t>();
        e.magic = fuzzed_bytes(in, 300);
        const int mask = in.ConsumeIntegralInRange(0, 2);
        if (mask == 1) e.mask = in.ConsumeBytes<std::uint8_t>(e.magic.size());
        else if (mask == 2) e.mask = fuzzed_bytes(in, 300);
    } else {
        e.extension = fuzzed_string(in, 300);
    }
    e.flags.preserve_argv0 = in.ConsumeBool();
    e.flags.open_binary = in.ConsumeBool();
    e.flags.credentials = in.ConsumeBool();
    e.flags.fix_binary = in.ConsumeBool();

    const auto problems = binfmt::validate(e);
    const auto reg = binfmt::encode_register(e);
    if (problems.empty())
        FUZZ_CHECK(reg.has_value() && reg->size() <= kmodel::kMaxRegisterLength,
                   "a valid entry has no register string the kernel takes: " + fuzz::describe(e));
    if (!reg) return 0;

    const auto k = kmodel::parse_register(*reg);
    if (problems.empty()) {
        FUZZ_CHECK(k.has_value(),
                   "the kernel would reject the register string of a valid entry:\n" + *reg + "\n" + fuzz::describe(e));
        FUZZ_CHECK(e.name.size() <= 255, "a valid entry's name is longer than a file name may be: " + e.name);
    }
    if (!k) return 0;

    // Whatever the kernel accepts must mean what the entry says.
    const binfmt::Entry& x = e;
    const bool magic = x.kind == binfmt::Kind::Magic;
    bool same = k->name == x.name && k->magic == magic && k->interpreter == x.interpreter &&
                k->P == x.flags.preserve_argv0 && k->O == (x.flags.open_binary || x.flags.credentials) &&
                k->C == x.flags.credentials && k->F == x.flags.fix_binary;
    if (magic)
        same = same && static_cast<std::uint32_t>(k->offset) == x.offset && k->magic_bytes == x.magic &&
               (k->mask ? *k->mask == x.mask : x.mask.empty());
    else same = same && k->extension == x.extension;
    FUZZ_CHECK(same, "the kernel would read the register string differently:\n" + *reg +
                         "\nmeant: " + fuzz::describe(e) + "\nkernel: " + describe_parsed(*k) +
                         (problems.empty() ? "\n(validate() accepted the entry)"
                                           : "\n(validate() rejected it: " + problems.front() + ")"));
    return 0;
}
