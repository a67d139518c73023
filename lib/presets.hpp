// qemu-user presets: the magic/mask of every architecture in QEMU's
// scripts/qemu-binfmt-conf.sh, byte for byte, and where their interpreters live.
#pragma once

#include "entry.hpp"

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace binfmt {

struct Preset {
    std::string_view arch;   // "aarch64" (qemu's cpu name)
    std::string_view family; // "arm" (qemu's cpu family; the host's own family is skipped)
    Bytes magic;
    Bytes mask;
    std::string name() const; // "qemu-aarch64"
};

std::span<const Preset> presets();
// By preset name ("qemu-aarch64"); nullptr if unknown.
const Preset* find_preset(std::string_view name);

// qemu's family for a `uname -m` machine name ("x86_64" -> "i386"); the machine
// itself when qemu knows no family for it.
std::string family_of_machine(std::string_view machine);
// family_of_machine(uname().machine).
std::string host_family();

// Candidate interpreter paths, in order of preference: Debian's
// /usr/libexec/qemu-binfmt/ARCH-binfmt-P, /usr/bin/qemu-ARCH-static, /usr/bin/qemu-ARCH.
std::vector<std::string> interpreter_candidates(const Preset& preset);
// First candidate for which `exists` is true.
std::optional<std::string> find_interpreter(const Preset& preset,
                                            const std::function<bool(const std::string&)>& exists);

// An entry filled from the preset: magic, mask, offset 0, flags P, O and F.
Entry entry_from_preset(const Preset& preset);

} // namespace binfmt
