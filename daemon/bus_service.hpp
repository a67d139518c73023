// The org.binfmtd1.Manager object: thin — decode, authorize, call the Manager,
// reply; every failure leaves as a named D-Bus error.
#pragma once

#include "authorization.hpp"
#include "manager.hpp"
#include "pending_calls.hpp"

#include <binfmtd1-adaptor.h>
#include <sdbus-c++/sdbus-c++.h>

namespace binfmtd {

class BusService : public sdbus::AdaptorInterfaces<org::binfmtd1::Manager_adaptor> {
public:
    BusService(sdbus::IConnection& bus, Manager& manager);
    ~BusService();

    // Answers every call still waiting for its authorization with an error (binfmtd stops).
    void abandon_pending();

    void emit_entry_changed(const std::string& name, const std::string& state);
    // PropertiesChanged for those of Mounted, Writable and KernelEnabled that changed.
    void emit_mount_changed(const MountFacts& before, const MountFacts& now);

private:
    using Variants = std::map<std::string, sdbus::Variant>;
    std::vector<sdbus::Struct<std::string, std::string, std::string, std::string, std::string, std::string>>
    List() override;
    Variants GetEntry(const std::string& name) override;
    std::string Describe() override;
    // The changing calls answer once authorized (asynchronously: binfmtd serves others meanwhile).
    void Register(sdbus::Result<>&& result, std::string name, Variants spec, Variants options) override;
    void RegisterAll(sdbus::Result<>&& result, std::vector<sdbus::Struct<std::string, Variants>> entries,
                     Variants options) override;
    void Unregister(sdbus::Result<>&& result, std::string name, Variants options) override;
    void Reload(sdbus::Result<>&& result, Variants options) override;
    std::vector<sdbus::Struct<std::string, std::string>> Resolve(const std::string& filename,
                                                                 const std::vector<uint8_t>& head) override;
    std::vector<sdbus::Struct<std::string, std::string, std::string>> Platforms() override;
    std::string Version() override;
    bool Mounted() override;
    bool Writable() override;
    bool KernelEnabled() override;

    // Records the call being processed, asks whether its sender may change things, and once
    // the answer is in runs `change` (which checks everything again) and replies: calls are
    // carried out in the order their authorizations complete.
    void when_authorized(const char* method, sdbus::Result<>&& result, const Variants& options,
                         std::function<void()> change);

    Manager& manager_;
    Authorizer authorizer_;
    PendingCalls pending_;
};

} // namespace binfmtd
