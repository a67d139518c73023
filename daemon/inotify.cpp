#include "inotify.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace binfmtd {

Inotify::Inotify() : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
    if (!fd_) throw std::runtime_error(fmt::format("inotify_init1: {}", std::strerror(errno)));
}

bool Inotify::add(const std::string& path, std::uint32_t mask) {
    return ::inotify_add_watch(fd(), path.c_str(), mask) >= 0;
}

bool Inotify::set(const Dirs& dirs, std::uint32_t mask) {
    struct Want {
        std::uint32_t mask = 0;
        std::set<std::string> names;
    };
    std::map<std::string, Want> want; // existing directory -> what to watch there
    for (const auto& [dir, names] : dirs) {
        fs::path p = dir;
        std::string child; // the component of `dir` awaited in `p`, when `dir` is missing
        struct stat st {};
        while (::stat(p.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
            if (p == p.parent_path()) break;
            child = p.filename().string();
            p = p.parent_path();
        }
        auto& w = want[p.string()];
        if (!child.empty()) {
            w.mask |= IN_CREATE | IN_MOVED_TO;
            w.names.insert(child);
        } else {
            w.mask |= mask;
            if (names.empty()) w.names.insert("");
            else w.names.insert(names.begin(), names.end());
        }
    }
    bool complete = true;
    std::map<int, std::set<std::string>> fresh;
    for (auto& [path, w] : want) {
        // Without IN_MASK_ADD: a directory watched before gets exactly this mask.
        const int wd = ::inotify_add_watch(fd(), path.c_str(), w.mask);
        if (wd < 0) {
            complete = complete && errno != ENOENT && errno != ENOTDIR;
            continue;
        }
        fresh[wd].merge(w.names); // two paths may be one directory
    }
    for (const auto& [wd, names] : names_)
        if (!fresh.count(wd)) ::inotify_rm_watch(fd(), wd);
    names_ = std::move(fresh);
    return complete;
}

void Inotify::read(const std::function<void(int wd, std::uint32_t mask, std::string_view name)>& on_event) {
    alignas(struct inotify_event) char buf[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)];
    ssize_t n;
    while ((n = ::read(fd(), buf, sizeof buf)) > 0)
        for (char* p = buf; p < buf + n;) {
            auto* ev = reinterpret_cast<struct inotify_event*>(p);
            p += sizeof(struct inotify_event) + ev->len;
            on_event(ev->wd, ev->mask, ev->len ? std::string_view(ev->name) : std::string_view());
        }
}

bool Inotify::drain() {
    bool relevant = false;
    read([&](int wd, std::uint32_t mask, std::string_view name) {
        if (mask & IN_Q_OVERFLOW) relevant = true;
        auto it = names_.find(wd);
        if (it == names_.end()) return; // a watch we removed
        if (it->second.count("") || it->second.count(std::string(name)) ||
            (mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)))
            relevant = true;
    });
    return relevant;
}

} // namespace binfmtd
