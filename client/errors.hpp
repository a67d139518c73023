// What a bus error means to the person who ran binfmtctl: a hint and an exit code.
#pragma once

#include "api_errors.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <string>

namespace binfmtctl {

// Prints what went wrong and what to do about it; returns binfmtctl's exit code:
// 3 daemon not reachable, 4 permission denied, 5 no such entry, 1 anything else. `call`: what was
// asked, so that the hint fits it (no "pass --replace" after --replace).
int report_error(const sdbus::Error& error, const std::string& context = {}, const binfmt::CallOptions& call = {});

} // namespace binfmtctl
