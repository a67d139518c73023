// Encoding an entry as the line written to binfmt_misc's `register` file.
#pragma once

#include "entry.hpp"

#include <optional>
#include <string>

namespace binfmt {

// ":name:type:offset:magic:mask:interpreter:flags" with a delimiter that occurs in
// none of the fields; nullopt when every candidate delimiter occurs in them.
std::optional<std::string> encode_register(const Entry& entry);

} // namespace binfmt
