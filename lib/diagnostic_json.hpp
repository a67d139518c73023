// A configuration Diagnostic as JSON: the items of `binfmtctl validate --json` and of
// Describe's "diagnostics", one shape for both. A template over the JSON type, as
// entry_record_json.hpp.
#pragma once

#include "config.hpp"

#include <string_view>

namespace binfmt {

// "error", "warning" or "note", as validate prints them.
constexpr std::string_view severity_name(Severity s) {
    switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "note";
    }
    return "error";
}

template <typename Json> Json diagnostic_to_json(const Diagnostic& d) {
    return Json{{"severity", severity_name(d.severity)},
                {"file", d.where.file},
                {"line", d.where.line},
                {"column", d.where.column},
                {"entry", d.entry},
                {"message", d.message}};
}

} // namespace binfmt
