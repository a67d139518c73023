// Reading a line as binfmt_misc's `register` file reads it: the form systemd's binfmt.d files
// hold, and the one binfmt-support builds from its records. The rules are the kernel's, so that
// what binfmtd accepts is exactly what the kernel would have registered from the same line.
#pragma once

#include "entry.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace binfmt {

struct RegisterLine {
    bool ok = false;
    Entry entry;            // name, kind, match, interpreter and flags, when ok
    std::string name;       // the name field, also when the rest is wrong ("" if none)
    std::size_t column = 1; // when !ok: 1-based column of the offending field in `line`
    std::string error;      // when !ok: a sentence quoting the offending value
};

// `line` without its newline. The kernel's escapes apply to magic and mask (\xHH; any other
// backslash is kept as it is), the extension is taken literally, and a missing field after the
// interpreter's delimiter is empty, as in the kernel's padded buffer.
RegisterLine parse_register_line(std::string_view line);

// Empty when binfmtd can carry the entry read from a line (TOML and D-Bus strings are UTF-8);
// otherwise which text field is not UTF-8. The kernel itself takes any bytes there.
std::string utf8_problem(const Entry& entry);

// The kernel's unescaping of a magic or mask field: "\x" followed by one or two hex digits is
// that byte; every other character, a backslash included, stands for itself.
Bytes kernel_unescape(std::string_view field);

} // namespace binfmt
