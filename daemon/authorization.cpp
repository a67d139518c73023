#include "authorization.hpp"

#include "call_timeouts.hpp"
#include "log.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <fmt/format.h>

#include <map>
#include <tuple>

namespace binfmtd {

namespace {
constexpr const char* kAction = "org.binfmtd1.manage";
constexpr std::uint32_t kAllowUserInteraction = 1;
using Code = binfmt::ApiErrorCode;
} // namespace

Caller caller_of(const sdbus::Message& call) { return {call.getCredsEuid(), call.getSender()}; }

Authorizer::Authorizer(sdbus::IConnection& bus)
    : polkit_(sdbus::createProxy(bus, "org.freedesktop.PolicyKit1", "/org/freedesktop/PolicyKit1/Authority")) {}

Authorizer::~Authorizer() = default;

void Authorizer::check(const Caller& caller, bool interactive, std::function<void(Status)> done) {
    if (caller.euid == 0) {
        done({});
        return;
    }
    // org.freedesktop.PolicyKit1.Authority.CheckAuthorization for a system-bus-name subject.
    sdbus::Struct<std::string, std::map<std::string, sdbus::Variant>> subject{
        "system-bus-name", std::map<std::string, sdbus::Variant>{{"name", sdbus::Variant(caller.sender)}}};
    auto answer = [caller, done = std::move(done)](const sdbus::Error* error,
                                                   const sdbus::Struct<bool, bool, std::map<std::string, std::string>>&
                                                       result) {
        // Runs from the event loop, inside sd-bus: nothing may escape.
        try {
            if (error) {
                log::debug("polkit unavailable for {} (uid {}): {}", caller.sender, caller.euid, error->getMessage());
                done(Failure{Code::AccessDenied,
                             fmt::format("uid {} may not manage binfmt_misc entries: not root, and polkit cannot be "
                                         "asked ({})",
                                         caller.euid, error->getName())});
            } else if (std::get<0>(result)) {
                done({});
            } else {
                done(Failure{Code::AccessDenied, fmt::format("uid {} is not authorized for {} — run as root or ask "
                                                             "an administrator",
                                                             caller.euid, kAction)});
            }
        } catch (const std::exception& e) {
            log::error("answering an authorized call failed: {}", e.what());
        }
    };
    polkit_->callMethodAsync("CheckAuthorization")
        .onInterface("org.freedesktop.PolicyKit1.Authority")
        .withTimeout(interactive ? binfmt::kPolkitInteractiveTimeout : binfmt::kPolkitTimeout)
        .withArguments(subject, std::string(kAction), std::map<std::string, std::string>{},
                       interactive ? kAllowUserInteraction : 0u, std::string())
        .uponReplyInvoke(std::move(answer));
}

} // namespace binfmtd
