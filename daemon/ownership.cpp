#include "ownership.hpp"

#include "atomic_file.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>

namespace binfmtd {

OwnershipStore::OwnershipStore(const std::string& root)
    : path_((root == "/" ? std::string() : root) + "/run/binfmtd/state.json") {}

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
    if (int err = write_file_atomic(path_, doc.dump(1) + "\n"); err != 0) {
        error = fmt::format("cannot write \"{}\": {}", path_, std::strerror(err));
        return false;
    }
    return true;
}

} // namespace binfmtd
