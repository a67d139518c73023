// The kernel's binfmt_misc table, behind an interface: BinfmtFs is the real one (the only code
// that touches binfmt_misc), tests use a fake built on a model of the kernel's parser.
#pragma once

#include "kernel_entry.hpp"
#include "status.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace binfmtd {

// Whether binfmt_misc is there and takes writes from this binfmtd.
struct MountState {
    // HeldElsewhere: mounted, but another binfmtd holds the instance's lock.
    enum class Kind { Writable, ReadOnly, HeldElsewhere, NotMounted } kind = Kind::Writable;
    std::string why_not;        // for all but Writable, naming the path
    bool kernel_enabled = true; // binfmt_misc's `status`: 0 disables every entry at once
    bool mounted() const { return kind != Kind::NotMounted; }
    bool writable() const { return kind == Kind::Writable; }
};

struct KernelTable {
    // In the kernel's own order, which is the order it tries them in (most recently registered first).
    std::vector<std::pair<std::string, binfmt::KernelEntry>> entries;
    std::vector<std::string> unreadable; // entries skipped, each with why
    std::map<std::string, binfmt::KernelEntry> by_name() const;
};

class Kernel {
public:
    virtual ~Kernel() = default;
    virtual const std::string& dir() const = 0; // where binfmt_misc is mounted, for messages
    virtual MountState mount_state() const = 0;
    virtual KernelTable read_table() const = 0;
    // One entry as the kernel shows it now; nullopt when it is not there.
    virtual std::optional<binfmt::KernelEntry> read_entry(const std::string& name) const = 0;
    // Makes this process the one binfmtd of the instance mounted now, before anything is
    // written (again after another instance replaced it). Fails with NotMounted when nothing
    // is mounted, and with ReadOnly when another binfmtd holds the instance.
    virtual Status claim() = 0;
    // A register line, and the removal of an entry ("-1" to its file): each one write, to the
    // claimed instance only. Failures carry KernelRejected and the errno.
    virtual Status add(const std::string& register_line) = 0;
    virtual Status remove(const std::string& name) = 0;
};

} // namespace binfmtd
