// One definition as a source file gives it: the entry, or the name of one that is wrong (its
// problems are in the diagnostics). Sources that allow a name more than once keep their order.
#pragma once

#include "entry.hpp"

namespace binfmt {

struct Definition {
    Entry entry; // when !valid: only name and origin
    bool valid = true;
};

} // namespace binfmt
