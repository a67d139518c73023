#include "config_file.hpp"

#include "trust.hpp"
#include "unique_fd.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace binfmt {

namespace {
std::string_view file_type(mode_t mode) {
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

bool is_dev_null_link(const std::string& path) {
    char target[PATH_MAX];
    const ssize_t n = ::readlink(path.c_str(), target, sizeof target);
    return n > 0 && std::string_view(target, static_cast<std::size_t>(n)) == "/dev/null";
}

ConfigFile refused(std::string why) { return {ConfigFile::Outcome::Refused, {}, std::move(why)}; }
} // namespace

ConfigFile read_config_file(const std::string& path, bool check_trust, const TrustedOwners& owners) {
    using O = ConfigFile::Outcome;
    // The mask is recognised before anything is opened: /dev/null is a device, and opening a
    // path is where a FIFO would block.
    if (is_dev_null_link(path)) return {O::Masked, {}, {}};
    // Every link and directory on the way to the file must be trusted: a symlink a user can
    // re-point, or a directory a user can rename in, would pick the file read. The file itself is
    // judged below, on what was opened.
    if (check_trust)
        if (auto why = path_chain_problem(path, owners); !why.empty()) {
            if (why == "does not exist") return refused(why);
            return {O::Untrusted, {}, std::move(why)};
        }
    const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
    if (!fd) return refused(fmt::format("cannot be opened: {}", std::strerror(errno)));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return refused(fmt::format("cannot be read: {}", std::strerror(errno)));
    if (!S_ISREG(st.st_mode)) return refused(fmt::format("is {}, not a regular file", file_type(st.st_mode)));
    if (st.st_size == 0) return {O::Masked, {}, {}};
    if (static_cast<std::size_t>(st.st_size) > kMaxConfigFileSize)
        return refused(fmt::format("is {} bytes, more than a configuration file may have ({})", st.st_size,
                                   kMaxConfigFileSize));
    if (check_trust) {
        if (!owners.trusts(st.st_uid))
            return {O::Untrusted, {}, fmt::format("owned by uid {}, not {}", st.st_uid, owners.describe())};
        if (st.st_mode & (S_IWGRP | S_IWOTH))
            return {O::Untrusted, {}, fmt::format("writable by group or others (mode {:04o})", st.st_mode & 07777)};
    }
    // What the descriptor holds, read to one byte past the cap: a file that grows meanwhile is
    // refused, not cut.
    std::string text;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return refused(fmt::format("cannot be read: {}", std::strerror(errno)));
        if (n == 0) break;
        text.append(buf, static_cast<std::size_t>(n));
        if (text.size() > kMaxConfigFileSize)
            return refused(fmt::format("grew past the size a configuration file may have ({})", kMaxConfigFileSize));
    }
    if (text.empty()) return {O::Masked, {}, {}};
    return {O::Text, std::move(text), {}};
}

} // namespace binfmt
