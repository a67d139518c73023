#include "binfmt_fs.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace binfmtd {

namespace {
constexpr long kBinfmtfsMagic = 0x42494e4d; // BINFMTFS_MAGIC

struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

bool read_all(int dirfd, const char* name, std::string& out) {
    Fd f{::openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
    if (f.fd < 0) return false;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(f.fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (n == 0) return true;
        out.append(buf, static_cast<std::size_t>(n));
    }
}
} // namespace

BinfmtFs::Usability BinfmtFs::usability() const {
    using S = Usability::Status;
    // O_PATH: looking must not trigger an automount.
    Fd f{::open(dir_.c_str(), O_PATH | O_CLOEXEC | O_DIRECTORY)};
    if (f.fd < 0) return {S::NotMounted, fmt::format("cannot open \"{}\": {}", dir_, std::strerror(errno))};
    struct statfs sfs {};
    if (::fstatfs(f.fd, &sfs) != 0)
        return {S::NotMounted, fmt::format("cannot stat \"{}\": {}", dir_, std::strerror(errno))};
    if (sfs.f_type != kBinfmtfsMagic) return {S::NotMounted, fmt::format("binfmt_misc is not mounted at \"{}\"", dir_)};
    if (sfs.f_flags & ST_RDONLY)
        return {S::ReadOnly, fmt::format("binfmt_misc at \"{}\" is mounted read-only", dir_)};
    if (::faccessat(f.fd, "register", W_OK, 0) != 0)
        return {S::ReadOnly, fmt::format("\"{}/register\" is not writable: {}", dir_, std::strerror(errno))};
    return {};
}

std::map<std::string, binfmt::KernelEntry> BinfmtFs::read_table(std::vector<std::string>& problems) const {
    auto ordered = read_table_ordered(problems);
    return {std::make_move_iterator(ordered.begin()), std::make_move_iterator(ordered.end())};
}

std::vector<std::pair<std::string, binfmt::KernelEntry>>
BinfmtFs::read_table_ordered(std::vector<std::string>& problems) const {
    std::vector<std::pair<std::string, binfmt::KernelEntry>> table;
    Fd d{::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    DIR* dir = d.fd >= 0 ? ::fdopendir(d.fd) : nullptr;
    if (!dir) {
        problems.push_back(fmt::format("cannot list \"{}\": {}", dir_, std::strerror(errno)));
        return table;
    }
    d.fd = -1; // owned by dir now
    while (auto* de = ::readdir(dir)) {
        std::string_view name = de->d_name;
        if (name == "." || name == ".." || name == "register" || name == "status") continue;
        std::string text, error;
        if (!read_all(::dirfd(dir), de->d_name, text)) {
            if (errno != ENOENT) // removed meanwhile: not a problem
                problems.push_back(fmt::format("cannot read entry \"{}\": {}", name, std::strerror(errno)));
            continue;
        }
        if (auto ke = binfmt::decode_kernel_entry(name, text, error)) table.emplace_back(name, std::move(*ke));
        else problems.push_back(fmt::format("cannot decode entry \"{}\": {}", name, error));
    }
    ::closedir(dir);
    return table;
}

std::optional<binfmt::KernelEntry> BinfmtFs::read_entry(const std::string& name) const {
    Fd d{::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    std::string text, error;
    if (d.fd < 0 || !read_all(d.fd, name.c_str(), text)) return std::nullopt;
    return binfmt::decode_kernel_entry(name, text, error);
}

int BinfmtFs::write_file(const std::string& path, std::string_view data) const {
    Fd f{::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW)};
    if (f.fd < 0) return errno;
    ssize_t n;
    do n = ::write(f.fd, data.data(), data.size());
    while (n < 0 && errno == EINTR);
    if (n < 0) return errno;
    return static_cast<std::size_t>(n) == data.size() ? 0 : EIO;
}

int BinfmtFs::add(const std::string& register_line) const { return write_file(dir_ + "/register", register_line); }

int BinfmtFs::remove(const std::string& name) const { return write_file(dir_ + "/" + name, "-1"); }

} // namespace binfmtd
