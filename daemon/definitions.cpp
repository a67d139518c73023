#include "definitions.hpp"

#include "atomic_file.hpp"
#include "escape.hpp"
#include "paths.hpp"
#include "spec.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace binfmtd {

namespace {
constexpr std::string_view kMarker = "# Written by binfmtd (org.binfmtd1.Manager.Register).\n";

} // namespace

DefinitionFiles::DefinitionFiles(const std::string& root) {
    runtime_dir_ = binfmt::under_root(root, binfmt::kRuntimeDir);
    persist_dir_ = binfmt::under_root(root, binfmt::kPersistDir);
}

std::string DefinitionFiles::path(const std::string& name, bool persist) const {
    return (persist ? persist_dir_ : runtime_dir_) + "/" + name + ".toml";
}

bool DefinitionFiles::exists(const std::string& name, bool persist) const {
    return ::access(path(name, persist).c_str(), F_OK) == 0;
}

std::optional<std::string> DefinitionFiles::read(const std::string& name, bool persist) const {
    std::ifstream in(path(name, persist), std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool DefinitionFiles::ours(const std::string& name, bool persist) const {
    auto content = read(name, persist);
    return content && content->starts_with(kMarker);
}

Status DefinitionFiles::write(const binfmt::Entry& entry, bool persist) const {
    return write_file_atomic(path(entry.name, persist), std::string(kMarker) + binfmt::to_toml(entry));
}

Status DefinitionFiles::restore(const std::string& name, bool persist,
                                const std::optional<std::string>& content) const {
    if (!content) return remove(name, persist);
    return write_file_atomic(path(name, persist), *content);
}

std::vector<std::string> DefinitionFiles::remove_stale_temporaries() const {
    // Only a file binfmtd wrote: empty, or beginning like one (a cut-off write).
    const auto ours = [](const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        std::string head(kMarker.size(), '\0');
        in.read(head.data(), static_cast<std::streamsize>(head.size()));
        head.resize(static_cast<std::size_t>(in.gcount()));
        return kMarker.starts_with(head);
    };
    std::vector<std::string> removed = remove_temporaries(runtime_dir_, ".toml", ours);
    for (auto& path : remove_temporaries(persist_dir_, ".toml", ours)) removed.push_back(path);
    return removed;
}

Status DefinitionFiles::remove(const std::string& name, bool persist) const {
    const std::string file = path(name, persist);
    if (::unlink(file.c_str()) != 0 && errno != ENOENT)
        return Failure{binfmt::ApiErrorCode::ReadOnly,
                       fmt::format("cannot remove {}: {}", binfmt::in_quotes(file), std::strerror(errno)), errno};
    fsync_dir(persist ? persist_dir_ : runtime_dir_);
    return {};
}

} // namespace binfmtd
