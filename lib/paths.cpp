#include "paths.hpp"

#include <algorithm>

namespace binfmt {

std::string under_root(std::string_view root, std::string_view path) {
    if (root == "/") root = {};
    while (!root.empty() && root.back() == '/') root.remove_suffix(1);
    return std::string(root) + std::string(path);
}

std::vector<std::string> config_dirs(std::string_view root) {
    std::vector<std::string> dirs;
    for (auto dir : kConfigDirs) dirs.push_back(under_root(root, dir));
    return dirs;
}

bool takes_precedence(const std::string& a, const std::string& b, const std::vector<std::string>& dirs) {
    auto split = [&](const std::string& path) {
        const auto slash = path.rfind('/');
        const std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash);
        const auto it = std::find(dirs.begin(), dirs.end(), dir);
        return std::pair{static_cast<std::size_t>(it - dirs.begin()), path.substr(slash + 1)};
    };
    const auto [rank_a, name_a] = split(a);
    const auto [rank_b, name_b] = split(b);
    if (rank_a != rank_b) return rank_a < rank_b;
    return name_a > name_b;
}

Layout Layout::system(std::string_view root) {
    return {binfmt::config_dirs(root), under_root(root, kStateFile), std::string(root)};
}

Layout Layout::user(std::string_view config_home, std::string_view runtime_dir) {
    return {{under_root(config_home, "/binfmtd.d")}, under_root(runtime_dir, "/binfmtd/state.json")};
}

} // namespace binfmt
