#include "bus_service.hpp"

#include "api_error.hpp"
#include "authorization.hpp"
#include "log.hpp"
#include "validate.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace binfmtd {

namespace {
constexpr const char* kInvalidArgs = "org.freedesktop.DBus.Error.InvalidArgs";
constexpr std::size_t kMaxString = 4096; // longer than any path the kernel takes

// sdbus-c++ 1.2 only turns sdbus::Error into a reply; anything else would wedge
// the connection (TOOLCHAIN.md pitfall 2). Every handler goes through this.
template <typename F> auto guarded(const char* method, F&& body) {
    try {
        return body();
    } catch (const sdbus::Error&) {
        throw;
    } catch (const ApiError& e) {
        throw sdbus::Error(e.dbus_name(), e.what());
    } catch (const std::exception& e) {
        log::error("{} failed: {}", method, e.what());
        throw sdbus::Error("org.freedesktop.DBus.Error.Failed", fmt::format("{} failed: {}", method, e.what()));
    }
}

bool option(const std::map<std::string, sdbus::Variant>& options, const char* key) {
    auto it = options.find(key);
    if (it == options.end()) return false;
    if (it->second.peekValueType() != "b")
        throw sdbus::Error(kInvalidArgs, fmt::format("option \"{}\" must be a boolean (b), not \"{}\"", key,
                                                     it->second.peekValueType()));
    return it->second.get<bool>();
}

void check_options(const std::map<std::string, sdbus::Variant>& options, std::initializer_list<std::string_view> known) {
    for (auto& [key, value] : options) {
        if (std::find(known.begin(), known.end(), key) == known.end())
            throw sdbus::Error(kInvalidArgs, fmt::format("unknown option \"{}\"", key.substr(0, 64)));
        option(options, key.c_str());
    }
}

void check_length(const std::string& what, const std::string& value) {
    if (value.size() > kMaxString)
        throw ApiError(ApiError::Code::InvalidEntry, fmt::format("{} is {} bytes long (at most {})", what,
                                                                 value.size(), kMaxString));
}

// a{sv} -> Spec, checking each value's D-Bus type against the key.
binfmt::Spec decode_spec(const std::map<std::string, sdbus::Variant>& spec) {
    binfmt::Spec out;
    for (auto& [key, value] : spec) {
        const std::string type = value.peekValueType();
        check_length("a spec key", key);
        if (type == "s") {
            auto s = value.get<std::string>();
            check_length(fmt::format("`{}`", key), s);
            out[key] = std::move(s);
        } else if (type == "b") {
            out[key] = value.get<bool>();
        } else if (type == "u") {
            out[key] = value.get<std::uint32_t>();
        } else if (type == "ay") {
            auto bytes = value.get<std::vector<std::uint8_t>>();
            if (bytes.size() > kMaxString)
                throw ApiError(ApiError::Code::InvalidEntry, fmt::format("`{}` is {} bytes long", key, bytes.size()));
            out[key] = binfmt::Bytes(bytes.begin(), bytes.end());
        } else {
            throw ApiError(ApiError::Code::InvalidEntry,
                           fmt::format("spec key \"{}\" has D-Bus type \"{}\"; use s, b, u or ay as documented",
                                       key.substr(0, 64), type));
        }
    }
    return out;
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
        for (auto& i : manager_.list()) out.emplace_back(i.name, i.kind, i.interpreter, i.flags, i.state, i.origin);
        return out;
    });
}

BusService::Variants BusService::GetEntry(const std::string& name) {
    return guarded("GetEntry", [&] {
        auto i = manager_.get(name);
        return Variants{{"name", sdbus::Variant(i.name)},
                        {"kind", sdbus::Variant(i.kind)},
                        {"interpreter", sdbus::Variant(i.interpreter)},
                        {"magic", sdbus::Variant(std::vector<std::uint8_t>(i.magic.begin(), i.magic.end()))},
                        {"mask", sdbus::Variant(std::vector<std::uint8_t>(i.mask.begin(), i.mask.end()))},
                        {"offset", sdbus::Variant(i.offset)},
                        {"extension", sdbus::Variant(i.extension)},
                        {"flags", sdbus::Variant(i.flags)},
                        {"enabled", sdbus::Variant(i.enabled)},
                        {"state", sdbus::Variant(i.state)},
                        {"origin", sdbus::Variant(i.origin)},
                        {"error", sdbus::Variant(i.error)}};
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
        manager_.register_entry(name, decode_spec(spec), opt);
    });
}

void BusService::Unregister(const std::string& name, const Variants& options) {
    guarded("Unregister", [&] {
        check_options(options, {"persist", "interactive"});
        authorize(options);
        check_length("the entry name", name);
        manager_.unregister_entry(name, option(options, "persist"));
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
        for (auto& [name, interp] : manager_.resolve(filename, h)) out.emplace_back(name, interp);
        return out;
    });
}

std::string BusService::Version() { return BINFMTD_VERSION; }

bool BusService::Mounted() { return manager_.mounted(); }

void BusService::emit_entry_changed(const std::string& name, const std::string& state) {
    emitEntryChanged(name, state);
}

void BusService::emit_mounted_changed() {
    getObject().emitPropertiesChangedSignal(org::binfmtd1::Manager_adaptor::INTERFACE_NAME, {"Mounted"});
}

} // namespace binfmtd
