// The org.binfmtd1.Manager object: thin — decode, authorize, call the Manager,
// reply; every failure leaves as a named D-Bus error.
#pragma once

#include "manager.hpp"

#include <binfmtd1-adaptor.h>
#include <sdbus-c++/sdbus-c++.h>

namespace binfmtd {

class BusService : public sdbus::AdaptorInterfaces<org::binfmtd1::Manager_adaptor> {
public:
    BusService(sdbus::IConnection& bus, Manager& manager);
    ~BusService();

    void emit_entry_changed(const std::string& name, const std::string& state);
    // PropertiesChanged for those of Mounted, Writable and KernelEnabled that changed.
    void emit_mount_changed(const MountFacts& before, const MountFacts& now);

private:
    using Variants = std::map<std::string, sdbus::Variant>;
    std::vector<sdbus::Struct<std::string, std::string, std::string, std::string, std::string, std::string>>
    List() override;
    Variants GetEntry(const std::string& name) override;
    std::string Describe() override;
    void Register(const std::string& name, const Variants& spec, const Variants& options) override;
    void Unregister(const std::string& name, const Variants& options) override;
    void Reload(const Variants& options) override;
    std::vector<sdbus::Struct<std::string, std::string>> Resolve(const std::string& filename,
                                                                 const std::vector<uint8_t>& head) override;
    std::string Version() override;
    bool Mounted() override;
    bool Writable() override;
    bool KernelEnabled() override;

    void authorize(const Variants& options);

    sdbus::IConnection& bus_;
    Manager& manager_;
};

} // namespace binfmtd
