// Byte strings and their hex/escape forms, as binfmt_misc shows and takes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace binfmt {

using Bytes = std::vector<std::uint8_t>;

// The value of one hex digit (either case), or -1 for any other character.
int hex_digit(char c);

// "7f454c46" (lower case), as the kernel prints magic/mask in an entry file.
std::string to_hex(const Bytes& bytes);
// Inverse of to_hex; nullopt on odd length or a non-hex digit.
std::optional<Bytes> from_hex(std::string_view hex);

// "\x7f\x45..." — every byte escaped, so no byte can collide with the delimiter.
std::string escape_all(const Bytes& bytes);

// Appends "\xHH" for `byte`: the one escape every human and kernel form uses.
void append_escaped(std::string& out, std::uint8_t byte);

// Parses the config syntax for magic/mask: literal bytes plus "\xHH" and "\\".
// On failure returns nullopt and sets `error` to a message quoting the bad part.
std::optional<Bytes> unescape(std::string_view text, std::string& error);

// Human form: printable ASCII kept, everything else as \xHH (for messages and `list`).
std::string printable(const Bytes& bytes);

} // namespace binfmt
