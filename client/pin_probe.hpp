// Which file the kernel runs for an F entry binfmtd did not register: the kernel opened it at
// registration, and only an exec shows it. A probe file that this entry matches first is
// executed under ptrace and stopped at the exec event, before any instruction of the
// interpreter runs; /proc/PID/exe then names the pinned file.
#pragma once

#include "entry_record.hpp"

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace binfmtctl {

// Resolve(filename, head): the entries matching such a file, the kernel's first choice first.
using Resolver = std::function<std::vector<std::string>(const std::string& filename, const binfmt::Bytes& head)>;

struct PinProbe {
    std::string pinned; // as the kernel names it ("" when it cannot be told)
    bool stale = false; // the interpreter path names another file (device and inode)
    std::string why;    // when pinned is "": why not
};

// Runs as the caller. `entry` must be an enabled F entry in the kernel.
PinProbe probe_pin(const binfmt::EntryRecord& entry, const Resolver& resolve);

} // namespace binfmtctl
