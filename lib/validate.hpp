// Every limit binfmt_misc enforces, checked before anything is written.
#pragma once

#include "entry.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace binfmt {

inline constexpr std::size_t kMaxRegisterLength = 1920; // MAX_REGISTER_LENGTH
inline constexpr std::size_t kHeadSize = 256;           // BINPRM_BUF_SIZE

// Empty when `name` can be an entry file name; otherwise why not.
std::string check_name(std::string_view name);

struct KeyedProblem {
    std::string key; // the definition's key it is about ("magic", "mask", ...), empty for the whole
    std::string message;
};

// All problems of an entry, each with the key a configuration file's diagnostic points at.
std::vector<KeyedProblem> validate_keyed(const Entry& entry);

// All problems of an entry, each a sentence quoting the offending value.
// Empty = the kernel would accept it. A preset entry may still lack its
// interpreter (the daemon finds one when it acts); any other may not.
std::vector<std::string> validate(const Entry& entry);

} // namespace binfmt
