#include "state_store.hpp"

#include "atomic_file.hpp"
#include "escape.hpp"
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

Result<RuntimeState> StateStore::load() const {
    RuntimeState state;
    std::ifstream in(path_);
    if (!in) return state;
    auto doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc["owned"].is_object() || !doc["unregistered"].is_array())
        return Failure{binfmt::ApiErrorCode::ReadOnly, fmt::format("{} is corrupt", binfmt::in_quotes(path_))};
    for (auto& [name, value] : doc["owned"].items())
        if (value.is_object())
            state.owned[name] = {name, value.value("origin", std::string()), value.value("pinned", std::string()),
                                 value.value("registration", std::string()), value.value("pinned-path", std::string())};
    for (auto& name : doc["unregistered"])
        if (name.is_string()) state.unregistered.insert(name.get<std::string>());
    return state;
}

Status StateStore::save(const RuntimeState& state) const {
    nlohmann::json owned = nlohmann::json::object();
    for (auto& [name, o] : state.owned)
        owned[name] = {{"origin", o.origin},
                       {"pinned", o.pinned},
                       {"pinned-path", o.pinned_path},
                       {"registration", o.registration}};
    nlohmann::json doc = {{"version", 1}, {"owned", owned}, {"unregistered", state.unregistered}};
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
