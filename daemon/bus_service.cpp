#include "bus_service.hpp"

#include "api_error.hpp"
#include "entry_encode.hpp"
#include "log.hpp"
#include "native_platforms.hpp"
#include "platforms.hpp"
#include "spec_decode.hpp"
#include "validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

namespace binfmtd {

namespace {
constexpr const char* kInvalidArgs = "org.freedesktop.DBus.Error.InvalidArgs";

// sdbus-c++ 1.2 only turns sdbus::Error into a reply; any other exception unwinds through
// libsystemd, the caller never gets a reply and the connection wedges. Every handler goes through this.
template <typename F> auto guarded(const char* method, F&& body) {
    try {
        return body();
    } catch (const sdbus::Error&) {
        throw;
    } catch (const ApiError& e) {
        throw sdbus::Error(e.dbus_name(), for_dbus(e.what()));
    } catch (const std::exception& e) {
        log::error("{} failed: {}", method, e.what());
        throw sdbus::Error("org.freedesktop.DBus.Error.Failed",
                           for_dbus(fmt::format("{} failed: {}", method, e.what())));
    }
}

// A refusal of the core, as the named D-Bus error it is.
void reply_failure(const Status& status) {
    if (!status.ok()) throw ApiError(status.failure().code, status.failure().message);
}

bool option(const std::map<std::string, sdbus::Variant>& options, const char* key) {
    auto it = options.find(key);
    if (it == options.end()) return false;
    if (it->second.peekValueType() != "b")
        throw sdbus::Error(kInvalidArgs, fmt::format("option \"{}\" must be a boolean (b), not \"{}\"", key,
                                                     it->second.peekValueType()));
    return it->second.get<bool>();
}

RegisterOptions register_options(const std::map<std::string, sdbus::Variant>& options) {
    return {option(options, "persist"), option(options, "replace"), option(options, "force")};
}

void check_options(const std::map<std::string, sdbus::Variant>& options,
                   std::initializer_list<std::string_view> known) {
    for (auto& [key, value] : options) {
        if (std::find(known.begin(), known.end(), key) == known.end())
            throw sdbus::Error(kInvalidArgs, fmt::format("unknown option \"{}\"", shorten(key)));
        option(options, key.c_str());
    }
}

} // namespace

BusService::BusService(sdbus::IConnection& bus, Manager& manager)
    : AdaptorInterfaces(bus, "/org/binfmtd1"), manager_(manager), authorizer_(bus) {
    registerAdaptor();
}

BusService::~BusService() {
    abandon_pending();
    unregisterAdaptor();
}

void BusService::abandon_pending() {
    pending_.abandon_all("binfmtd stopped before the call was authorized; nothing was changed");
}

void BusService::when_authorized(const char* method, sdbus::Result<>&& result, const Variants& options,
                                 std::function<void()> change) {
    const sdbus::Message* call = getObject().getCurrentlyProcessedMessage();
    if (!call) throw ApiError(ApiError::Code::AccessDenied, "no caller");
    const Caller caller = caller_of(*call);
    auto reply = std::make_shared<sdbus::Result<>>(std::move(result));
    // The reply can fail only when the connection is gone: nobody is left to tell.
    auto answer = [reply, method](const sdbus::Error* error) {
        try {
            if (error) reply->returnError(*error);
            else reply->returnResults();
        } catch (const std::exception& e) {
            log::warning("cannot answer {}: {}, ignoring", method, e.what());
        }
    };
    const auto id = pending_.add(caller.sender, [answer](const std::string& why) {
        const sdbus::Error error("org.freedesktop.DBus.Error.Failed", why);
        answer(&error);
    });
    if (!id) {
        const sdbus::Error
            error("org.freedesktop.DBus.Error.LimitsExceeded",
                  fmt::format("{} calls from {} (or {} in all) already wait for authorization; try again later",
                              PendingCalls::kPerSender, for_dbus(caller.sender), PendingCalls::kTotal));
        answer(&error);
        return;
    }
    auto decided = [this, id = *id, method, answer, change = std::move(change)](const Status& allowed) {
        if (!pending_.take(id)) return; // answered already: binfmtd is stopping
        try {
            guarded(method, [&] {
                reply_failure(allowed);
                change();
            });
            answer(nullptr);
        } catch (const sdbus::Error& e) {
            answer(&e);
        }
    };
    try {
        authorizer_.check(caller, option(options, "interactive"), std::move(decided));
    } catch (const std::exception& e) { // polkit could not even be asked: the call is answered here
        if (!pending_.take(*id)) return;
        const sdbus::Error error("org.freedesktop.DBus.Error.AccessDenied",
                                 for_dbus(fmt::format("polkit cannot be asked: {}", e.what())));
        answer(&error);
    }
}

std::vector<sdbus::Struct<std::string, std::string, std::string, std::string, std::string, std::string>>
BusService::List() {
    return guarded("List", [&] {
        std::vector<sdbus::Struct<std::string, std::string, std::string, std::string, std::string, std::string>> out;
        for (auto& i : manager_.list())
            out.emplace_back(for_dbus(i.name), i.kind, for_dbus(i.interpreter), i.flags, i.state, for_dbus(i.origin));
        return out;
    });
}

BusService::Variants BusService::GetEntry(const std::string& name) {
    return guarded("GetEntry", [&] {
        check_length("the entry name", name);
        auto entry = manager_.get(name);
        if (!entry.ok()) reply_failure(entry.failure());
        return entry_variants(entry.value());
    });
}

std::string BusService::Describe() {
    return guarded("Describe", [&] { return manager_.describe(); });
}

void BusService::Register(sdbus::Result<>&& result, std::string name, Variants spec, Variants options) {
    guarded("Register", [&] {
        check_options(options, {"persist", "replace", "force", "interactive"});
        when_authorized("Register", std::move(result), options,
                        [this, name = std::move(name), spec = std::move(spec), options] {
                            check_length("the entry name", name);
                            reply_failure(manager_.register_entry(name, decode_spec(spec), register_options(options)));
                        });
    });
}

void BusService::RegisterAll(sdbus::Result<>&& result, std::vector<sdbus::Struct<std::string, Variants>> entries,
                             Variants options) {
    guarded("RegisterAll", [&] {
        check_options(options, {"persist", "replace", "force", "interactive"});
        when_authorized("RegisterAll", std::move(result), options, [this, entries = std::move(entries), options] {
            if (entries.size() > Manager::kMaxEntriesPerCall)
                throw ApiError(ApiError::Code::InvalidEntry,
                               fmt::format("{} entries in one call; at most {}, nothing was changed", entries.size(),
                                           Manager::kMaxEntriesPerCall));
            std::vector<Registration> registrations;
            for (auto& entry : entries) {
                const std::string& name = std::get<0>(entry);
                check_length("the entry name", name);
                try {
                    registrations.push_back({name, decode_spec(std::get<1>(entry))});
                } catch (const ApiError& e) {
                    throw ApiError(e.code(),
                                   fmt::format("entry \"{}\": {}; nothing was changed", shorten(name), e.what()));
                }
            }
            reply_failure(manager_.register_all(registrations, register_options(options)));
        });
    });
}

void BusService::Unregister(sdbus::Result<>&& result, std::string name, Variants options) {
    guarded("Unregister", [&] {
        check_options(options, {"persist", "interactive"});
        when_authorized("Unregister", std::move(result), options, [this, name = std::move(name), options] {
            check_length("the entry name", name);
            reply_failure(manager_.unregister_entry(name, option(options, "persist")));
        });
    });
}

void BusService::Reload(sdbus::Result<>&& result, Variants options) {
    guarded("Reload", [&] {
        check_options(options, {"interactive"});
        when_authorized("Reload", std::move(result), options, [this] { manager_.reload(); });
    });
}

std::vector<sdbus::Struct<std::string, std::string>> BusService::Resolve(const std::string& filename,
                                                                         const std::vector<uint8_t>& head) {
    return guarded("Resolve", [&] {
        check_length("the file name", filename);
        binfmt::Bytes h(head.begin(), head.begin() + static_cast<long>(std::min(head.size(), binfmt::kHeadSize)));
        std::vector<sdbus::Struct<std::string, std::string>> out;
        for (auto& [name, interp] : manager_.matching(filename, h)) out.emplace_back(for_dbus(name), for_dbus(interp));
        return out;
    });
}

std::vector<sdbus::Struct<std::string, std::string, std::string>> BusService::Platforms() {
    return guarded("Platforms", [&] {
        std::vector<sdbus::Struct<std::string, std::string, std::string>> out;
        for (auto& row : binfmt::platform_rows(native_platforms(), manager_.list()))
            out.emplace_back(row.platform, for_dbus(row.entry), row.state);
        return out;
    });
}

std::string BusService::Version() { return BINFMTD_VERSION; }

bool BusService::Mounted() { return manager_.mount().mounted; }

bool BusService::Writable() { return manager_.mount().writable; }

bool BusService::KernelEnabled() { return manager_.mount().kernel_enabled; }

// Signals are sent from reconciles the watchers start, outside any method call: an error here
// must not unwind through the event loop and stop binfmtd.
void BusService::emit_entry_changed(const std::string& name, const std::string& state) {
    try {
        emitEntryChanged(for_dbus(name), state);
    } catch (const sdbus::Error& e) {
        log::warning("cannot emit EntryChanged for \"{}\": {}, ignoring", for_dbus(name), e.getMessage());
    }
}

void BusService::emit_mount_changed(const MountFacts& before, const MountFacts& now) {
    std::vector<std::string> changed;
    if (before.mounted != now.mounted) changed.push_back("Mounted");
    if (before.writable != now.writable) changed.push_back("Writable");
    if (before.kernel_enabled != now.kernel_enabled) changed.push_back("KernelEnabled");
    if (changed.empty()) return;
    try {
        getObject().emitPropertiesChangedSignal(org::binfmtd1::Manager_adaptor::INTERFACE_NAME, changed);
    } catch (const sdbus::Error& e) {
        log::warning("cannot emit PropertiesChanged for {}: {}, ignoring", fmt::join(changed, ", "), e.getMessage());
    }
}

} // namespace binfmtd
