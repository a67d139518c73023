// A private directory for programs binfmtctl executes to ask the kernel something (platforms
// --check, the pin probe), removed with everything in it.
#pragma once

#include "bytes.hpp"

#include <string>

namespace binfmtctl {

class ScratchDir {
public:
    ScratchDir(); // in $TMPDIR (or /tmp), mode 0700; throws std::runtime_error naming the place
    ~ScratchDir();
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    // Writes `content` to NAME inside, executable by the caller; returns its path.
    std::string write_program(const std::string& name, const binfmt::Bytes& content) const;

private:
    std::string path_;
};

} // namespace binfmtctl
