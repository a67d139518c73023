#include "ownership.hpp"

#include "atomic_file.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>

namespace binfmtd {

OwnershipStore::OwnershipStore(const std::string& root)
    : path_((root == "/" ? std::string() : root) + "/run/binfmtd/owned.json") {}

std::map<std::string, binfmt::Owned> OwnershipStore::load(std::string& error) const {
    std::map<std::string, binfmt::Owned> owned;
    std::ifstream in(path_);
    if (!in) return owned;
    auto doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc["entries"].is_object()) {
        error = fmt::format("\"{}\" is corrupt, ignoring", path_);
        return owned;
    }
    for (auto& [name, value] : doc["entries"].items())
        owned[name] = {name, value.value("origin", std::string())};
    return owned;
}

bool OwnershipStore::save(const std::map<std::string, binfmt::Owned>& owned, std::string& error) const {
    nlohmann::json entries = nlohmann::json::object();
    for (auto& [name, o] : owned) entries[name] = {{"origin", o.origin}};
    nlohmann::json doc = {{"version", 1}, {"entries", entries}};
    if (int err = write_file_atomic(path_, doc.dump(1) + "\n"); err != 0) {
        error = fmt::format("cannot write \"{}\": {}", path_, std::strerror(err));
        return false;
    }
    return true;
}

} // namespace binfmtd
