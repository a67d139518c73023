// The real binfmt_misc file system: the only code that reads or writes it.
#pragma once

#include "kernel.hpp"

#include <string>
#include <string_view>

namespace binfmtd {

class BinfmtFs final : public Kernel {
public:
    explicit BinfmtFs(std::string dir) : dir_(std::move(dir)) {}

    const std::string& dir() const override { return dir_; }
    MountState mount_state() const override;
    KernelTable read_table() const override;
    std::optional<binfmt::KernelEntry> read_entry(const std::string& name) const override;
    Status add(const std::string& register_line) override;
    Status remove(const std::string& name) override;

private:
    Status write_file(const std::string& path, std::string_view data) const;
    std::string dir_;
};

} // namespace binfmtd
