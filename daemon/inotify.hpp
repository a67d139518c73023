// One inotify instance watching a set of directories, each for some file names.
// The set is replaced in place: directories that stay keep their watch (no event
// is lost while it changes), and the instance lives as long as the daemon, since
// closing one waits for an RCU grace period (~10 ms seen here).
#pragma once

#include "noncopyable.hpp"
#include "unique_fd.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>

namespace binfmtd {

class Inotify : binfmt::NonCopyable {
public:
    Inotify();

    int fd() const { return fd_.get(); }
    // Watches `path` itself (not as a set member) for `mask`; false with errno set on failure.
    bool add(const std::string& path, std::uint32_t mask);

    // dir -> file names that matter in it (empty: every name). A directory that does
    // not exist is waited for: its nearest existing ancestor is watched for the
    // creation of the next component on the way, and nothing else there counts.
    using Dirs = std::map<std::string, std::set<std::string>>;
    // False when a directory vanished while being watched (watch again later).
    bool set(const Dirs& dirs, std::uint32_t mask);
    // Reads pending events; true when one of them is relevant.
    bool drain();
    // Reads pending events, each passed on as it comes (watch descriptor, mask, name).
    void read(const std::function<void(int wd, std::uint32_t mask, std::string_view name)>& on_event);

private:
    binfmt::UniqueFd fd_;
    std::map<int, std::set<std::string>> names_; // per watch descriptor; "" = every name
};

} // namespace binfmtd
