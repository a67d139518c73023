#include "bus_service.hpp"

#include "api_error.hpp"
#include "authorization.hpp"
#include "entry_encode.hpp"
#include "log.hpp"
#include "spec_decode.hpp"
#include "validate.hpp"

#include <fmt/format.h>

#include <algorithm>

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
    : AdaptorInterfaces(bus, "/org/binfmtd1"), bus_(bus), manager_(manager) {
    registerAdaptor();
}

BusService::~BusService() { unregisterAdaptor(); }

void BusService::authorize(const Variants& options) {
    const sdbus::Message* call = getObject().getCurrentlyProcessedMessage();
    if (!call) throw ApiError(ApiError::Code::AccessDenied, "no caller");
    authorize_manage(bus_, *call, option(options, "interactive"));
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

void BusService::Register(const std::string& name, const Variants& spec, const Variants& options) {
    guarded("Register", [&] {
        check_options(options, {"persist", "replace", "force", "interactive"});
        authorize(options);
        check_length("the entry name", name);
        if (auto why = binfmt::check_name(name); !why.empty()) throw ApiError(ApiError::Code::InvalidEntry, why);
        RegisterOptions opt{option(options, "persist"), option(options, "replace"), option(options, "force")};
        reply_failure(manager_.register_entry(name, decode_spec(spec), opt));
    });
}

void BusService::Unregister(const std::string& name, const Variants& options) {
    guarded("Unregister", [&] {
        check_options(options, {"persist", "interactive"});
        authorize(options);
        check_length("the entry name", name);
        reply_failure(manager_.unregister_entry(name, option(options, "persist")));
    });
}

void BusService::Reload(const Variants& options) {
    guarded("Reload", [&] {
        check_options(options, {"interactive"});
        authorize(options);
        manager_.reload();
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
