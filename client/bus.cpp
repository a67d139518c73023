#include "bus.hpp"

#include "call_timeouts.hpp"

#include <fmt/format.h>

#include <chrono>
#include <unistd.h>

namespace binfmtctl {

namespace {
constexpr const char* kService = "org.binfmtd1";
constexpr const char* kObject = "/org/binfmtd1";
} // namespace

// The generated proxy bound to our connection; signals are not listened to (no loop runs).
class Bus::Proxy final : public sdbus::ProxyInterfaces<org::binfmtd1::Manager_proxy> {
public:
    explicit Proxy(sdbus::IConnection& connection) : ProxyInterfaces(connection, kService, kObject) { registerProxy(); }
    ~Proxy() { unregisterProxy(); }

private:
    void onEntryChanged(const std::string&, const std::string&) override {}
};

Bus::Bus() {
    try {
        connection_ = sdbus::createSystemBusConnection();
    } catch (const sdbus::Error& e) {
        // Whatever errno sd-bus reported (ENOENT, ECONNREFUSED, EACCES...), the bus is not there.
        throw sdbus::Error("org.freedesktop.DBus.Error.NoServer",
                           fmt::format("cannot connect to the system bus: {}", e.getMessage()));
    }
    proxy_ = std::make_unique<Proxy>(*connection_);
}

Bus::~Bus() = default;

org::binfmtd1::Manager_proxy& Bus::manager() { return *proxy_; }

VariantMap Bus::options(const CallOptions& given) {
    VariantMap map;
    if (given.persist) map["persist"] = sdbus::Variant(true);
    if (given.replace) map["replace"] = sdbus::Variant(true);
    if (given.force) map["force"] = sdbus::Variant(true);
    if (::isatty(STDIN_FILENO)) map["interactive"] = sdbus::Variant(true);
    // binfmtd answers a changing call once polkit has: never give up before polkit would.
    connection_->setMethodCallTimeout(binfmt::kChangeCallTimeout);
    return map;
}

VariantMap to_variants(const binfmt::Spec& spec) {
    VariantMap map;
    for (auto& [key, value] : spec) map[key] = std::visit([](const auto& v) { return sdbus::Variant(v); }, value);
    return map;
}

} // namespace binfmtctl
