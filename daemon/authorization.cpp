#include "authorization.hpp"

#include "api_error.hpp"
#include "log.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <fmt/format.h>

#include <map>
#include <tuple>

namespace binfmtd {

namespace {
constexpr const char* kAction = "org.binfmtd1.manage";
constexpr std::uint32_t kAllowUserInteraction = 1;

// org.freedesktop.PolicyKit1.Authority.CheckAuthorization for a system-bus-name subject.
bool polkit_allows(sdbus::IConnection& bus, const std::string& sender, bool interactive) {
    auto authority = sdbus::createProxy(bus, "org.freedesktop.PolicyKit1", "/org/freedesktop/PolicyKit1/Authority");
    sdbus::Struct<std::string, std::map<std::string, sdbus::Variant>> subject{
        "system-bus-name", std::map<std::string, sdbus::Variant>{{"name", sdbus::Variant(sender)}}};
    sdbus::Struct<bool, bool, std::map<std::string, std::string>> result;
    authority->callMethod("CheckAuthorization")
        .onInterface("org.freedesktop.PolicyKit1.Authority")
        .withTimeout(std::chrono::seconds(interactive ? 120 : 10))
        .withArguments(subject, std::string(kAction), std::map<std::string, std::string>{},
                       interactive ? kAllowUserInteraction : 0u, std::string())
        .storeResultsTo(result);
    return std::get<0>(result);
}
} // namespace

void authorize_manage(sdbus::IConnection& bus, const sdbus::Message& call, bool interactive) {
    const uid_t euid = call.getCredsEuid();
    if (euid == 0) return;
    const std::string sender = call.getSender();
    try {
        if (polkit_allows(bus, sender, interactive)) return;
    } catch (const sdbus::Error& e) {
        log::debug("polkit unavailable for {} (uid {}): {}", sender, euid, e.getMessage());
        throw ApiError(ApiError::Code::AccessDenied,
                       fmt::format("uid {} may not manage binfmt_misc entries: not root, and polkit cannot be asked "
                                   "({})",
                                   euid, e.getName()));
    }
    throw ApiError(ApiError::Code::AccessDenied,
                   fmt::format("uid {} is not authorized for {} — run as root or ask an administrator", euid, kAction));
}

} // namespace binfmtd
