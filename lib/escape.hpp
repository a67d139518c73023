// Byte strings from configuration, the kernel or D-Bus, made safe to show a person: on a
// terminal, in a log line journald parses, in an error message.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace binfmt {

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0.
std::size_t utf8_sequence(std::string_view s, std::size_t i);

// True when all of `s` is well-formed UTF-8 (what a D-Bus or JSON string must be).
bool valid_utf8(std::string_view s);

// `s` for a human: printable UTF-8 kept; control characters (C0, DEL, C1), the characters that
// reorder or break lines (U+2028/9, the bidirectional controls), and every byte of an invalid
// UTF-8 sequence as \xHH; a backslash as \\, so the result names exactly one byte string.
std::string escape(std::string_view s);

// `s` in double quotes, escaped: how messages quote a value.
std::string in_quotes(std::string_view s);

// The same rule for text that is already a message (its values quoted by in_quotes()): a backslash
// is kept, everything else escape() changes is changed. What every line binfmtd logs and
// every message binfmtctl relays passes through, so no value can start a line or color a terminal.
std::string escape_text(std::string_view s);

} // namespace binfmt
