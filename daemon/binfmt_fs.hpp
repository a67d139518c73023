// The real binfmt_misc file system: the only code that reads or writes it.
#pragma once

#include "instance_lock.hpp"
#include "kernel.hpp"

#include <string>
#include <string_view>

namespace binfmtd {

inline constexpr long kBinfmtfsMagic = 0x42494e4d; // BINFMTFS_MAGIC

class BinfmtFs final : public Kernel {
public:
    explicit BinfmtFs(std::string dir) : dir_(std::move(dir)) {}

    const std::string& dir() const override { return dir_; }
    MountState mount_state() const override;
    KernelTable read_table() const override;
    std::optional<binfmt::KernelEntry> read_entry(const std::string& name) const override;
    Status claim() override { return lock_.claim(dir_); }
    Status add(const std::string& register_line) override;
    Status remove(const std::string& name) override;

private:
    Status write_file(const std::string& name, std::string_view data) const;
    std::string dir_;
    InstanceLock lock_;
};

} // namespace binfmtd
