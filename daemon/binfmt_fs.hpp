// The kernel's binfmt_misc filesystem: the only code that reads or writes it.
#pragma once

#include "kernel_entry.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace binfmtd {

class BinfmtFs {
public:
    explicit BinfmtFs(std::string dir) : dir_(std::move(dir)) {}

    const std::string& dir() const { return dir_; }

    // Empty when binfmt_misc is mounted at dir() and writable; otherwise why not.
    std::string unusable_reason() const { return usability().reason; }
    struct Usability {
        enum class Status { Ok, NotMounted, ReadOnly } status = Status::Ok;
        std::string reason;
    };
    Usability usability() const;

    // Every entry in the table. Entries that cannot be read or decoded are
    // skipped and described in `problems`.
    std::map<std::string, binfmt::KernelEntry> read_table(std::vector<std::string>& problems) const;
    // The same in the kernel's own order, which is the order it tries them in
    // (most recently registered first).
    std::vector<std::pair<std::string, binfmt::KernelEntry>> read_table_ordered(std::vector<std::string>& problems) const;

    // One entry, as the kernel shows it now; nullopt when it is not there.
    std::optional<binfmt::KernelEntry> read_entry(const std::string& name) const;

    // One unbuffered write each, as the kernel wants; 0 or an errno.
    int add(const std::string& register_line) const;
    int remove(const std::string& name) const;

private:
    int write_file(const std::string& path, std::string_view data) const;
    std::string dir_;
};

} // namespace binfmtd
