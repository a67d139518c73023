#include "paths.hpp"

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

} // namespace binfmt
