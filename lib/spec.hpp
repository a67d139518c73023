// An entry definition as keys and values (the TOML keys; magic/mask as bytes):
// the one place that turns a definition into an Entry, for config files and D-Bus.
#pragma once

#include "entry.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace binfmt {

// int32: `priority` (D-Bus i), the one key that can be negative.
using SpecValue = std::variant<bool, std::uint32_t, std::int32_t, std::string, Bytes>;
using Spec = std::map<std::string, SpecValue>;

struct SpecProblem {
    std::string key; // the offending key, empty for the definition as a whole
    std::string message;
};

// Fills `out` (name, kind, match, interpreter, flags, enabled, force, preset, priority) from
// `spec`; every problem (unknown key, wrong type, conflicting keys, kernel limit) is
// appended. Returns true when there was none.
bool entry_from_spec(const std::string& name, const Spec& spec, Entry& out, std::vector<SpecProblem>& problems);

// The spec that entry_from_spec turns back into `entry` (for clients sending a
// definition read from a file); a preset entry is sent as its preset plus overrides.
Spec to_spec(const Entry& entry);

// The TOML text of a configuration file defining exactly `entry` (what the daemon
// writes for Register); a preset entry is written as its preset plus overrides.
std::string to_toml(const Entry& entry);

} // namespace binfmt
