#include "trust.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace binfmtd {

namespace {
using Status = InterpreterCheck::Status;

std::string writable_problem(const std::string& path, const struct stat& st, bool tolerate_sticky) {
    if (st.st_uid != 0) return fmt::format("\"{}\" is owned by uid {}, not root", path, st.st_uid);
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(tolerate_sticky && (st.st_mode & S_ISVTX)))
        return fmt::format("\"{}\" is writable by group or others (mode {:04o})", path, st.st_mode & 07777);
    return {};
}

// Checks the real directory `dir` and each of its ancestors.
std::string directory_problem(const fs::path& dir) {
    bool immediate = true;
    for (fs::path p = dir;; p = p.parent_path()) {
        struct stat st {};
        if (::stat(p.c_str(), &st) != 0) return fmt::format("cannot stat \"{}\": {}", p.string(), std::strerror(errno));
        if (auto why = writable_problem(p.string(), st, !immediate); !why.empty()) return why;
        immediate = false;
        if (p == p.parent_path()) return {};
    }
}
} // namespace

InterpreterCheck check_interpreter(const std::string& path) {
    fs::path p = path;
    for (int hop = 0; hop < 40; ++hop) {
        char* real_parent = ::realpath(p.parent_path().c_str(), nullptr);
        if (!real_parent) {
            if (errno == ENOENT || errno == ENOTDIR)
                return {Status::Missing, fmt::format("interpreter \"{}\" does not exist", path)};
            return {Status::Unsafe, fmt::format("cannot resolve \"{}\": {}", p.parent_path().string(), std::strerror(errno))};
        }
        fs::path parent = real_parent;
        std::free(real_parent);
        if (auto why = directory_problem(parent); !why.empty())
            return {Status::Unsafe, fmt::format("interpreter \"{}\": {}", path, why)};

        fs::path here = parent / p.filename();
        struct stat st {};
        if (::lstat(here.c_str(), &st) != 0) {
            if (errno == ENOENT) return {Status::Missing, fmt::format("interpreter \"{}\" does not exist", path)};
            return {Status::Unsafe, fmt::format("cannot stat \"{}\": {}", here.string(), std::strerror(errno))};
        }
        if (S_ISLNK(st.st_mode)) {
            std::error_code ec;
            fs::path target = fs::read_symlink(here, ec);
            if (ec) return {Status::Unsafe, fmt::format("cannot read link \"{}\": {}", here.string(), ec.message())};
            p = target.is_absolute() ? target : parent / target;
            continue;
        }
        if (!S_ISREG(st.st_mode))
            return {Status::Unsafe, fmt::format("interpreter \"{}\" is not a regular file", here.string())};
        if (!(st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
            return {Status::Unsafe, fmt::format("interpreter \"{}\" is not executable", here.string())};
        if (auto why = writable_problem(here.string(), st, false); !why.empty())
            return {Status::Unsafe, fmt::format("interpreter \"{}\": {}", path, why)};
        return {};
    }
    return {Status::Unsafe, fmt::format("interpreter \"{}\": too many levels of symbolic links", path)};
}

} // namespace binfmtd
