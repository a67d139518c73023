// The OCI platforms binfmt_misc can provide ("linux/arm64", "linux/arm/v7"), what an executable
// of each looks like, and a minimal exit(0) program of each, built from a byte table (no cross
// compiler, no prebuilt foreign binary): an entry provides a platform when it would run that
// program, which is also how `binfmtctl platforms --check` proves a row.
#pragma once

#include "bytes.hpp"
#include "entry_record.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace binfmt {

struct PlatformSpec {
    std::string_view name; // as Go and OCI name it
    bool is64;
    bool big_endian;
    std::uint16_t machine; // ELF e_machine
    std::uint32_t flags;   // ELF e_flags the program needs (ARM EABI, PowerPC ELFv2)
    std::string_view code; // exit(0) in the platform's machine code
};

// Every platform with a GOARCH name; architectures without one have no row.
std::span<const PlatformSpec> platform_table();
const PlatformSpec* find_platform(std::string_view name);

// A static ELF executable of `p` that exits with status 0: one loadable segment, no sections.
Bytes exit0_program(const PlatformSpec& p);

// The platforms whose exit(0) program a magic entry matches (with its mask and offset), in
// table order.
std::vector<std::string_view> platforms_of(const Bytes& magic, const Bytes& mask, std::uint32_t offset);

// One row of Platforms(): a platform, the entry providing it ("" for a native one), its state.
struct PlatformRow {
    std::string platform, entry, state;
    bool operator==(const PlatformRow&) const = default;
};

// The native platforms (state `native`), then, in table order, each magic entry matching a
// platform's program, in the order `entries` lists them.
std::vector<PlatformRow> platform_rows(const std::vector<std::string>& native, const std::vector<EntryRecord>& entries);

// The platform binfmtd itself was built for ("linux/amd64"); empty for one the table lacks.
std::string_view build_platform();

} // namespace binfmt
