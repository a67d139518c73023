// What an entry's checks concluded, as one typed value carried from the check
// (interpreter, trust, native guard) through the planner to the entry's state.
#pragma once

#include <string>

namespace binfmt {

struct Verdict {
    enum class Kind {
        Ok,       // may be registered
        Disabled, // kept out of the kernel on purpose (enabled = false, host family, unregistered)
        Missing,  // its interpreter is not installed (yet): the entry waits, `pending`
        Unsafe,   // its interpreter could be changed by someone other than root
        Native,   // it would capture the host's own executables
        Invalid,  // its definition cannot be registered
    } kind = Kind::Ok;
    std::string reason; // a sentence quoting the offending value; empty for Ok (and plain Disabled)

    bool ok() const { return kind == Kind::Ok; }
};

} // namespace binfmt
