#include "bus.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <string_view>
#include <type_traits>
#include <unistd.h>

namespace binfmtctl {

namespace {
constexpr const char* kService = "org.binfmtd1";
constexpr const char* kObject = "/org/binfmtd1";
constexpr auto kSlowCallTimeout = std::chrono::minutes(10); // a person typing a password
} // namespace

// The generated proxy bound to our connection; signals are not listened to (no loop runs).
class Bus::Proxy final : public sdbus::ProxyInterfaces<org::binfmtd1::Manager_proxy> {
public:
    explicit Proxy(sdbus::IConnection& connection) : ProxyInterfaces(connection, kService, kObject) {
        registerProxy();
    }
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
    if (::isatty(STDIN_FILENO)) {
        map["interactive"] = sdbus::Variant(true);
        connection_->setMethodCallTimeout(kSlowCallTimeout);
    }
    return map;
}

VariantMap to_variants(const binfmt::Spec& spec) {
    VariantMap map;
    for (auto& [key, value] : spec)
        map[key] = std::visit([](const auto& v) { return sdbus::Variant(v); }, value);
    return map;
}

namespace {
template <typename T> void take(const VariantMap& map, const char* key, T& out) {
    auto it = map.find(key);
    if (it != map.end() && it->second.containsValueOfType<T>()) out = it->second.get<T>();
}
} // namespace

EntryInfo decode_entry(const VariantMap& m) {
    EntryInfo e;
    take(m, "name", e.name);
    take(m, "kind", e.kind);
    take(m, "interpreter", e.interpreter);
    take(m, "magic", e.magic);
    take(m, "mask", e.mask);
    take(m, "offset", e.offset);
    take(m, "extension", e.extension);
    take(m, "flags", e.flags);
    take(m, "enabled", e.enabled);
    take(m, "state", e.state);
    take(m, "origin", e.origin);
    take(m, "error", e.error);
    return e;
}

namespace {

struct ErrorMeaning {
    std::string_view name; // a full error name, or a prefix ending in '.'
    int exit_code;
    std::string_view hint;
};

constexpr std::string_view kUnreachable = "cannot reach binfmtd on the system bus (is binfmtd.service running?)";
constexpr std::string_view kDenied = "permission denied — run as root or ask an administrator";
constexpr std::string_view kMismatch = "binfmtd does not offer this; are binfmtd and binfmtctl the same version?";

constexpr std::array<ErrorMeaning, 22> kMeanings{{
    {"org.freedesktop.DBus.Error.ServiceUnknown", 3, kUnreachable},
    {"org.freedesktop.DBus.Error.NameHasNoOwner", 3, kUnreachable},
    {"org.freedesktop.DBus.Error.NoServer", 3, kUnreachable},
    {"org.freedesktop.DBus.Error.Disconnected", 3, kUnreachable},
    {"org.freedesktop.DBus.Error.NoReply", 3, kUnreachable},
    {"org.freedesktop.DBus.Error.Timeout", 3, kUnreachable},
    {"org.freedesktop.DBus.Error.TimedOut", 3, kUnreachable},
    {"org.freedesktop.DBus.Error.Spawn.", 3, kUnreachable},
    {"org.freedesktop.DBus.Error.AccessDenied", 4, kDenied},
    {"org.freedesktop.DBus.Error.AuthFailed", 4, kDenied},
    {"org.freedesktop.DBus.Error.InteractiveAuthorizationRequired", 4,
     "permission denied — run as root, or from a terminal so that polkit can ask for a password"},
    {"org.freedesktop.DBus.Error.UnknownMethod", 1, kMismatch},
    {"org.freedesktop.DBus.Error.UnknownObject", 1, kMismatch},
    {"org.freedesktop.DBus.Error.UnknownInterface", 1, kMismatch},
    {"org.binfmtd1.Error.NoSuchEntry", 5, "see `binfmtctl list`"},
    {"org.binfmtd1.Error.InvalidEntry", 1, "fix the definition; `binfmtctl validate FILE` checks a file offline"},
    {"org.binfmtd1.Error.AlreadyExists", 1, "pass --replace to overwrite it"},
    {"org.binfmtd1.Error.UnsafeInterpreter", 1,
     "the interpreter and the directories above it must be owned by root and not writable by group or others"},
    {"org.binfmtd1.Error.NativeConflict", 1,
     "it would capture this host's own executables; pass --force only if you are sure"},
    {"org.binfmtd1.Error.NotMounted", 1, "binfmt_misc is not mounted; see `binfmtctl status`"},
    {"org.binfmtd1.Error.KernelRejected", 1, "the kernel refused it; binfmtd's log has the details"},
    {"org.binfmtd1.Error.ReadOnly", 1, "the configuration directory is read-only; try without --persist"},
}};

const ErrorMeaning* meaning_of(std::string_view name) {
    for (auto& m : kMeanings) {
        const bool prefix = m.name.back() == '.';
        if (prefix ? name.starts_with(m.name) : name == m.name) return &m;
    }
    return nullptr;
}

} // namespace

int report_error(const sdbus::Error& error, const std::string& context) {
    const ErrorMeaning* m = meaning_of(error.getName());
    std::string message = error.getMessage().empty() ? std::string("failed") : error.getMessage();
    std::string line = fmt::format("binfmtctl: {}{}{} [{}]\n", context, context.empty() ? "" : ": ", message,
                                   error.getName());
    if (m) line += fmt::format("binfmtctl: {}\n", m->hint);
    std::fputs(line.c_str(), stderr);
    return m ? m->exit_code : 1;
}

} // namespace binfmtctl
