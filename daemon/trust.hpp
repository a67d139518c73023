// Interpreter checks: root executes whatever the kernel hands to an
// interpreter, so nobody but root may be able to change it or its path.
#pragma once

#include <string>

namespace binfmtd {

struct InterpreterCheck {
    enum class Status { Ok, Missing, Unsafe } status = Status::Ok;
    std::string reason; // for Missing/Unsafe, quoting the offending path
};

// Follows the symlink chain; every directory holding a link or the file must be
// root-owned and not group/other-writable (a sticky directory is tolerated above
// the immediate parent), the file root-owned, regular, executable and not
// group/other-writable.
InterpreterCheck check_interpreter(const std::string& path);

} // namespace binfmtd
