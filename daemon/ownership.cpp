#include "ownership.hpp"

#include "atomic_file.hpp"
#include "paths.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>

namespace binfmtd {

OwnershipStore::OwnershipStore(const std::string& root)
    : path_(binfmt::under_root(root, binfmt::kStateFile)) {}

RuntimeState OwnershipStore::load(std::string& error) const {
    RuntimeState state;
    std::ifstream in(path_);
    if (!in) return state;
    auto doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc["owned"].is_object() || !doc["unregistered"].is_array()) {
        error = fmt::format("\"{}\" is corrupt, ignoring", path_);
        return state;
    }
    for (auto& [name, value] : doc["owned"].items())
        if (value.is_object())
            state.owned[name] = {name, value.value("origin", std::string()), value.value("pinned", std::string()),
                                 value.value("registration", std::string())};
    for (auto& name : doc["unregistered"])
        if (name.is_string()) state.unregistered.insert(name.get<std::string>());
    return state;
}

bool OwnershipStore::save(const RuntimeState& state, std::string& error) const {
    nlohmann::json owned = nlohmann::json::object();
    for (auto& [name, o] : state.owned)
        owned[name] = {{"origin", o.origin}, {"pinned", o.pinned}, {"registration", o.registration}};
    nlohmann::json doc = {{"version", 1}, {"owned", owned}, {"unregistered", state.unregistered}};
    // Origins are file names, which need not be UTF-8: a stray byte becomes U+FFFD rather than
    // an exception that would stop every reconcile (only "keep the last valid definition of a
    // broken file" then misses such a file).
    const std::string text = doc.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    if (int err = write_file_atomic(path_, text); err != 0) {
        error = fmt::format("cannot write \"{}\": {}", path_, std::strerror(err));
        return false;
    }
    return true;
}

std::vector<std::string> OwnershipStore::remove_stale_temporaries() const {
    const std::filesystem::path p(path_);
    return remove_temporaries(p.parent_path().string(), p.filename().string(),
                              [](const std::string&) { return true; });
}

} // namespace binfmtd
