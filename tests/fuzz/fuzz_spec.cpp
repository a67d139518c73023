// Register's spec decoding, fed random a{sv}: the daemon's own decode_spec (D-Bus variants of
// any type -> binfmt::Spec, daemon/spec_decode.cpp) and then entry_from_spec (lib/spec.cpp),
// the path every Register call takes. Also entry_from_spec on its own with random Specs.
// Properties: nothing but a named error (ApiError InvalidEntry) ever escapes, with a short
// message in valid UTF-8 (an error reply must be a valid D-Bus string); an accepted entry
// validates, encodes within the kernel's limits, and round-trips through to_spec and through
// the TOML file binfmtd would persist for it.
#include "api_error.hpp"
#include "spec_decode.hpp"

#include "fuzz_common.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>

namespace {

constexpr const char* kKeys[] = {"preset",      "magic",      "mask",           "offset",      "extension",
                                 "interpreter", "fix-binary", "preserve-argv0", "open-binary", "credentials",
                                 "enabled",     "force",      "priority"};
constexpr const char* kPresets[] = {"qemu-aarch64", "qemu-arm",   "qemu-riscv64", "qemu-x86_64",
                                    "qemu-i386",    "qemu-s390x", "qemu-nope"};

// Valid UTF-8 without NUL (what D-Bus strings can carry), biased towards path and escape syntax.
std::string utf8_string(FuzzedDataProvider& in, std::size_t max) {
    static constexpr std::string_view ascii = "/usr/bin/qemu-aarch64-static.pyc\\x:|,; \t\n\"'[]=#";
    std::string s;
    const std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, max);
    for (std::size_t i = 0; i < n && in.remaining_bytes(); ++i) {
        const auto b = in.ConsumeIntegral<std::uint8_t>();
        if (b < 0xc0) s += ascii[b % ascii.size()];
        else if (b < 0xe0) s += "\xc3\xa9";                      // é
        else if (b < 0xf0) s += static_cast<char>(1 + b % 0x1f); // control characters
        else s += "\xf0\x9f\x98\x80";                            // U+1F600
    }
    return s;
}

std::string fuzzed_key(FuzzedDataProvider& in) {
    if (in.ConsumeIntegralInRange(0, 9) == 0) return utf8_string(in, 40); // up to 160 bytes: messages cut it
    return kKeys[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kKeys) - 1)];
}

std::string fuzzed_text(FuzzedDataProvider& in, const std::string& key) {
    if (key == "preset" && in.ConsumeBool())
        return kPresets[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kPresets) - 1)];
    if (key == "interpreter" && in.ConsumeBool()) return "/usr/bin/" + utf8_string(in, 40);
    // Now and then one far beyond any limit (the daemon caps strings at 4096 bytes).
    if (in.ConsumeIntegralInRange(0, 63) == 0)
        return std::string(in.ConsumeIntegralInRange<std::size_t>(4000, 70000), 'a');
    return utf8_string(in, 300);
}

binfmt::Spec fuzzed_spec(FuzzedDataProvider& in) {
    binfmt::Spec spec;
    const int n = in.ConsumeIntegralInRange(0, 8);
    for (int i = 0; i < n && in.remaining_bytes(); ++i) {
        const std::string key = fuzzed_key(in);
        switch (in.ConsumeIntegralInRange(0, 4)) {
        case 0: spec[key] = in.ConsumeBool(); break;
        case 4: spec[key] = in.ConsumeIntegral<std::int32_t>(); break;
        case 1:
            spec[key] = in.ConsumeBool() ? in.ConsumeIntegralInRange<std::uint32_t>(0, 300)
                                         : in.ConsumeIntegral<std::uint32_t>();
            break;
        case 2: spec[key] = fuzzed_text(in, key); break;
        default: spec[key] = in.ConsumeBytes<std::uint8_t>(in.ConsumeIntegralInRange<std::size_t>(0, 300)); break;
        }
    }
    return spec;
}

// A variant of any D-Bus type a hostile caller could put in a{sv}.
sdbus::Variant fuzzed_variant(FuzzedDataProvider& in, const std::string& key, int depth) {
    switch (in.ConsumeIntegralInRange(0, depth > 2 ? 9 : 12)) {
    case 0: return sdbus::Variant(in.ConsumeBool());
    case 1: return sdbus::Variant(in.ConsumeIntegral<std::uint32_t>());
    case 2: return sdbus::Variant(fuzzed_text(in, key));
    case 3: {
        auto bytes = in.ConsumeBytes<std::uint8_t>(
            in.ConsumeIntegralInRange<std::size_t>(0, in.ConsumeIntegralInRange(0, 15) ? 300 : 9000));
        return sdbus::Variant(bytes);
    }
    case 4: return sdbus::Variant(in.ConsumeIntegral<std::int32_t>());
    case 5: return sdbus::Variant(in.ConsumeIntegral<std::uint8_t>());
    case 6: return sdbus::Variant(in.ConsumeIntegral<std::int64_t>());
    case 7: return sdbus::Variant(in.ConsumeFloatingPoint<double>());
    case 8: return sdbus::Variant(sdbus::ObjectPath("/org/binfmtd1"));
    case 9: return sdbus::Variant(std::vector<std::string>{fuzzed_text(in, key), utf8_string(in, 10)});
    case 10: return sdbus::Variant(fuzzed_variant(in, key, depth + 1)); // v inside v
    case 11: {
        std::map<std::string, sdbus::Variant> inner;
        inner.emplace(key, fuzzed_variant(in, key, depth + 1));
        return sdbus::Variant(inner);
    }
    default: return sdbus::Variant(sdbus::Struct<std::string, std::uint32_t>(utf8_string(in, 10), 7u));
    }
}

void register_path(const std::string& name, const binfmt::Spec& spec) {
    binfmt::Entry e;
    std::vector<binfmt::SpecProblem> problems;
    const bool ok = binfmt::entry_from_spec(name, spec, e, problems);
    FUZZ_CHECK(ok == problems.empty(), "entry_from_spec's result and its problem list disagree");
    for (auto& p : problems) {
        FUZZ_CHECK(!p.message.empty(), "a problem without a message (key " + p.key + ")");
        FUZZ_CHECK(fuzz::valid_utf8(p.message), "a problem message D-Bus cannot carry (not UTF-8): " + p.message);
    }
    if (ok) fuzz::check_accepted(e, "entry_from_spec");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    // The same name checks Register applies before it decodes the spec.
    std::string name = in.ConsumeIntegralInRange(0, 7) ? "fuzz-entry" : utf8_string(in, 40);
    const bool name_ok = binfmt::check_name(name).empty();

    if (in.ConsumeBool()) {
        // The lib alone: typed Spec values.
        const binfmt::Spec spec = fuzzed_spec(in);
        if (name_ok) register_path(name, spec);
        return 0;
    }

    // The daemon's decoding of a{sv}, then the lib.
    std::map<std::string, sdbus::Variant> variants;
    const int n = in.ConsumeIntegralInRange(0, 8);
    for (int i = 0; i < n && in.remaining_bytes(); ++i) {
        std::string key = fuzzed_key(in);
        if (in.ConsumeIntegralInRange(0, 63) == 0) key.assign(5000, 'k'); // an oversized key
        variants.insert_or_assign(key, fuzzed_variant(in, key, 0));
    }
    binfmt::Spec spec;
    try {
        spec = binfmtd::decode_spec(variants);
    } catch (const binfmtd::ApiError& e) {
        FUZZ_CHECK(e.code() == binfmtd::ApiError::Code::InvalidEntry && std::string(e.what()).size() > 0,
                   std::string("decode_spec failed with an unexpected error: ") + e.what());
        FUZZ_CHECK(std::string(e.what()).size() < 1024,
                   std::string("an error message echoing a huge value: ") + std::string(e.what()).substr(0, 200));
        FUZZ_CHECK(fuzz::valid_utf8(e.what()),
                   std::string("an error message D-Bus cannot carry (not UTF-8): ") + e.what());
        return 0;
    }
    // Any other exception escapes and libFuzzer reports it: in the daemon it would become a
    // generic org.freedesktop.DBus.Error.Failed instead of a named error.
    for (auto& [key, value] : spec) {
        const bool has = variants.count(key);
        FUZZ_CHECK(has, "decode_spec invented key " + key);
    }
    if (name_ok) register_path(name, spec);
    return 0;
}
