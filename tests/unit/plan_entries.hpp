// Entries for the planner's tests: an extension entry defined in /etc/binfmtd.d/a.toml.
#pragma once

#include "entry.hpp"

#include <string>

namespace unit {

inline binfmt::Entry ext(const std::string& name, const std::string& interp = "/bin/x") {
    binfmt::Entry e;
    e.name = name;
    e.kind = binfmt::Kind::Extension;
    e.extension = name;
    e.interpreter = interp;
    e.origin.file = "/etc/binfmtd.d/a.toml";
    return e;
}

} // namespace unit
