#include "binfmt_fs.hpp"

#include "escape.hpp"
#include "unique_fd.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace binfmtd {

namespace {
bool read_all(int dirfd, const char* name, std::string& out) {
    binfmt::UniqueFd f(::openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!f) return false;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(f.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (n == 0) return true;
        out.append(buf, static_cast<std::size_t>(n));
    }
}

struct DirCloser {
    void operator()(DIR* d) const { ::closedir(d); }
};
} // namespace

std::map<std::string, binfmt::KernelEntry> KernelTable::by_name() const { return {entries.begin(), entries.end()}; }

MountState BinfmtFs::mount_state() const {
    using K = MountState::Kind;
    // O_PATH: looking must not trigger an automount.
    binfmt::UniqueFd f(::open(dir_.c_str(), O_PATH | O_CLOEXEC | O_DIRECTORY));
    if (!f) return {K::NotMounted, fmt::format("cannot open {}: {}", binfmt::in_quotes(dir_), std::strerror(errno))};
    struct statfs sfs {};
    if (::fstatfs(f.get(), &sfs) != 0)
        return {K::NotMounted, fmt::format("cannot stat {}: {}", binfmt::in_quotes(dir_), std::strerror(errno))};
    if (sfs.f_type != kBinfmtfsMagic)
        return {K::NotMounted, fmt::format("binfmt_misc is not mounted at {}", binfmt::in_quotes(dir_))};
    if (sfs.f_flags & ST_RDONLY)
        return {K::ReadOnly, fmt::format("binfmt_misc at {} is mounted read-only", binfmt::in_quotes(dir_))};
    MountState state;
    if (::faccessat(f.get(), "register", W_OK, 0) != 0)
        state = {K::ReadOnly, fmt::format("\"{}/register\" is not writable: {}", dir_, std::strerror(errno))};
    std::string status;
    state.kernel_enabled = !read_all(f.get(), "status", status) || status != "disabled\n";
    return state;
}

KernelTable BinfmtFs::read_table() const {
    KernelTable table;
    binfmt::UniqueFd d(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    std::unique_ptr<DIR, DirCloser> dir(d ? ::fdopendir(d.get()) : nullptr);
    if (!dir) {
        table.unreadable.push_back(fmt::format("cannot list {}: {}", binfmt::in_quotes(dir_), std::strerror(errno)));
        return table;
    }
    d.release(); // owned by dir now
    while (auto* de = ::readdir(dir.get())) {
        std::string_view name = de->d_name;
        if (name == "." || name == ".." || name == "register" || name == "status") continue;
        std::string text, error;
        if (!read_all(::dirfd(dir.get()), de->d_name, text)) {
            if (errno != ENOENT) // removed meanwhile: not a problem
                table.unreadable.push_back(fmt::format("cannot read entry {}: {}", binfmt::in_quotes(name),
                                                       std::strerror(errno)));
            continue;
        }
        if (auto ke = binfmt::decode_kernel_entry(name, text, error)) table.entries.emplace_back(name, std::move(*ke));
        else table.unreadable.push_back(fmt::format("cannot decode entry {}: {}", binfmt::in_quotes(name), error));
    }
    return table;
}

std::optional<binfmt::KernelEntry> BinfmtFs::read_entry(const std::string& name) const {
    binfmt::UniqueFd d(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    std::string text, error;
    if (!d || !read_all(d.get(), name.c_str(), text)) return std::nullopt;
    return binfmt::decode_kernel_entry(name, text, error);
}

Status BinfmtFs::write_file(const std::string& name, std::string_view data) const {
    const std::string path = dir_ + "/" + name;
    auto failed = [&](int err) {
        return Failure{binfmt::ApiErrorCode::KernelRejected,
                       fmt::format("cannot write {}: {}", binfmt::in_quotes(path), std::strerror(err)), err};
    };
    // Through the locked instance's own directory: never into an instance another binfmtd holds.
    if (lock_.dirfd() < 0)
        return Failure{binfmt::ApiErrorCode::KernelRejected,
                       fmt::format("cannot write \"{}\": binfmt_misc there was not claimed", path), EPERM};
    binfmt::UniqueFd f(::openat(lock_.dirfd(), name.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!f) return failed(errno);
    ssize_t n;
    do n = ::write(f.get(), data.data(), data.size());
    while (n < 0 && errno == EINTR);
    if (n < 0) return failed(errno);
    if (static_cast<std::size_t>(n) != data.size()) return failed(EIO);
    return {};
}

Status BinfmtFs::add(const std::string& register_line) { return write_file("register", register_line); }

Status BinfmtFs::remove(const std::string& name) { return write_file(name, "-1"); }

} // namespace binfmtd
