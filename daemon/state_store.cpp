#include "state_store.hpp"

#include "atomic_file.hpp"
#include "escape.hpp"
#include "log.hpp"
#include "paths.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace binfmtd {

StateStore::StateStore(const std::string& root) : path_(binfmt::under_root(root, binfmt::kStateFile)) {}

bool StateStore::exists() const {
    std::error_code ec;
    return std::filesystem::exists(path_, ec);
}

namespace {

binfmt::Owned owned_from(const std::string& name, const nlohmann::json& value, bool adopted) {
    return {name,
            value.value("origin", std::string()),
            adopted ? std::string() : value.value("pinned", std::string()),
            value.value("registration", std::string()),
            adopted ? std::string() : value.value("pinned-path", std::string()),
            adopted};
}

bool object_or_absent(const nlohmann::json& doc, const char* key) {
    auto it = doc.find(key);
    return it == doc.end() || it->is_object();
}

} // namespace

Result<RuntimeState> StateStore::load() const {
    RuntimeState state;
    loaded_version_ = 0;
    std::ifstream in(path_);
    if (!in) return state;
    auto doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc["owned"].is_object() || !doc["unregistered"].is_array() ||
        !object_or_absent(doc, "adopted"))
        return Failure{binfmt::ApiErrorCode::ReadOnly, fmt::format("{} is corrupt", binfmt::in_quotes(path_))};
    // Every binfmtd wrote a version; a file without one is taken as the first format.
    const auto version = doc.value("version", nlohmann::json(1));
    if (!version.is_number_unsigned() || version.get<std::uint64_t>() == 0)
        return Failure{binfmt::ApiErrorCode::ReadOnly,
                       fmt::format("\"{}\" is corrupt: its version is {}, not a positive integer", path_,
                                   version.dump())};
    // A newer binfmtd's file (after a downgrade) may mean more than this one reads: every entry in
    // it is taken as adopted, so that nothing it owned is removed or changed on a guess.
    loaded_version_ = version.get<std::uint64_t>();
    const bool newer = loaded_version_ > kVersion;
    if (newer)
        log::warning("\"{}\" has version {}, newer than this binfmtd's {}: its entries are kept in the kernel as "
                     "they are, as adopted ones, until binfmtd registers them again",
                     path_, version.dump(), kVersion);
    for (auto& [name, value] : doc["owned"].items())
        if (value.is_object()) state.owned[name] = owned_from(name, value, newer);
    if (doc.contains("adopted"))
        for (auto& [name, value] : doc["adopted"].items())
            if (value.is_object() && !state.owned.count(name)) state.owned[name] = owned_from(name, value, true);
    for (auto& name : doc["unregistered"])
        if (name.is_string()) state.unregistered.insert(name.get<std::string>());
    return state;
}

Status StateStore::save(const RuntimeState& state) const {
    // Adopted entries have an object of their own: a binfmtd from before adoption, which reads
    // only "owned", then never takes them for its own (and never removes them).
    nlohmann::json owned = nlohmann::json::object(), adopted = nlohmann::json::object();
    for (auto& [name, o] : state.owned) {
        if (o.adopted) adopted[name] = {{"origin", o.origin}, {"registration", o.registration}};
        else
            owned[name] = {{"origin", o.origin},
                           {"pinned", o.pinned},
                           {"pinned-path", o.pinned_path},
                           {"registration", o.registration}};
    }
    nlohmann::json doc = {
        {"version", kVersion}, {"owned", owned}, {"adopted", adopted}, {"unregistered", state.unregistered}};
    // Origins are file names, which need not be UTF-8: a stray byte becomes U+FFFD rather than
    // an exception that would stop every reconcile (only "keep the last valid definition of a
    // broken file" then misses such a file).
    return write_file_atomic(path_, doc.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

std::vector<std::string> StateStore::remove_stale_temporaries() const {
    const std::filesystem::path p(path_);
    return remove_temporaries(p.parent_path().string(), p.filename().string(), [](const std::string&) { return true; });
}

} // namespace binfmtd
