#include "trust.hpp"

#include "escape.hpp"
#include "paths.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <linux/magic.h>
#include <string_view>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace binfmt {

namespace {
using Kind = Verdict::Kind;

thread_local TrustCacheScope::Memo* memo = nullptr;

// Plain strings rather than std::filesystem::path: parent_path() splits the whole path into
// components on every call, and the ancestor walk below calls it once per level.
// As std::filesystem::path::parent_path: "/a//b" -> "/a", "/a" -> "/".
std::string parent_of(const std::string& p) {
    auto slash = p.find_last_of('/');
    if (slash == std::string::npos) return ".";
    auto end = p.find_last_not_of('/', slash);
    return end == std::string::npos ? "/" : p.substr(0, end + 1);
}

std::string name_of(const std::string& p) {
    auto slash = p.find_last_of('/');
    return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string join(const std::string& dir, std::string_view name) {
    if (dir.empty() || dir.back() == '/') return dir + std::string(name);
    return dir + "/" + std::string(name);
}

// readlink(2) into `target`; 0, or errno (ENAMETOOLONG when the target does not fit PATH_MAX).
int read_link(const std::string& path, std::string& target) {
    char buf[PATH_MAX];
    const ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
    if (n < 0) return errno;
    if (n == static_cast<ssize_t>(sizeof buf)) return ENAMETOOLONG;
    target.assign(buf, static_cast<std::size_t>(n));
    return 0;
}

// The memo's key: one reconcile asks with one set of owners, but nothing must mix two.
std::string memo_key(const TrustedOwners& owners, const std::string& path) { return owners.describe() + '\0' + path; }

std::string writable_problem(const std::string& path, const struct stat& st, bool tolerate_sticky,
                             const TrustedOwners& owners) {
    if (!owners.trusts(st.st_uid))
        return fmt::format("{} is owned by uid {}, not {}", in_quotes(path), st.st_uid, owners.describe());
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(tolerate_sticky && (st.st_mode & S_ISVTX)))
        return fmt::format("{} is writable by group or others (mode {:04o})", in_quotes(path), st.st_mode & 07777);
    return {};
}

// lstat(2) through a cache: a symlink chain and the interpreters of one reconcile share most of
// their directories. Only successful results are kept.
struct Lstats {
    std::map<std::string, struct stat> local;
    std::map<std::string, struct stat>& cache = memo ? memo->lstats : local;

    int get(const std::string& path, struct stat& st) {
        if (auto it = cache.find(path); it != cache.end()) return st = it->second, 0;
        if (::lstat(path.c_str(), &st) != 0) return errno;
        cache.emplace(path, st);
        return 0;
    }
};

// Checks the real directory `dir` (the immediate parent: no sticky exception) and each of its
// ancestors (sticky tolerated).
std::string directory_problem(const std::string& dir, Lstats& lstats, const TrustedOwners& owners) {
    const std::string key = memo_key(owners, dir);
    if (memo)
        if (auto it = memo->directory_problems.find(key); it != memo->directory_problems.end()) return it->second;
    std::string problem;
    bool immediate = true;
    for (std::string p = dir;; p = parent_of(p)) {
        struct stat st {};
        // A real path has no symlink in it: lstat is stat here.
        if (int err = lstats.get(p, st); err != 0) {
            problem = fmt::format("cannot stat {}: {}", in_quotes(p), std::strerror(err));
            break;
        }
        if (problem = writable_problem(p, st, !immediate, owners); !problem.empty()) break;
        immediate = false;
        if (p == "/" || p == ".") break;
    }
    if (memo) memo->directory_problems.emplace(key, problem);
    return problem;
}

// procfs names things relative to the process that looks (/proc/self, /proc/thread-self, and the
// magic links /proc/PID/cwd, root, exe, fd/N, which /dev/fd and /dev/std* lead to). binfmtd
// would judge its own view, while the kernel opens a non-F interpreter in the process that runs
// the file: a path through procfs is refused, however it is reached. Only a component on another
// file system than its directory can be a procfs mount: the others cost no statfs.
int procfs_problem(const std::string& dir, const std::string& path, const struct stat& st, Lstats& lstats,
                   std::string& unsafe) {
    struct stat parent {};
    if (lstats.get(dir, parent) == 0 && parent.st_dev == st.st_dev) return 0;
    struct statfs sfs {};
    if (::statfs(path.c_str(), &sfs) != 0 || sfs.f_type != PROC_SUPER_MAGIC) return 0;
    unsafe = fmt::format("{} is on procfs, where a path names what the process running the file sees", in_quotes(path));
    return EPERM;
}

// realpath(3) of the absolute `path`, with lstat(2) instead of readlink(2) per component, so that
// the directory checks after it find every component of the result already looked at. 0 or errno;
// EPERM with `unsafe` set when a symlink on the way could be replaced by someone other than root.
int real_path(const std::string& path, Lstats& lstats, const TrustedOwners& owners, std::string& out,
              std::string& unsafe) {
    std::string resolved = "/";
    std::string rest = path; // components still to walk, '/'-separated
    int links = 0;
    std::size_t pos = 0;
    while (pos < rest.size()) {
        std::size_t end = rest.find('/', pos);
        if (end == std::string::npos) end = rest.size();
        const std::string comp = rest.substr(pos, end - pos);
        pos = end + 1;
        if (comp.empty() || comp == ".") continue;
        if (comp == "..") {
            resolved = parent_of(resolved);
            continue;
        }
        const std::string next = join(resolved, comp);
        struct stat st {};
        if (int err = lstats.get(next, st)) return err;
        if (int err = procfs_problem(resolved, next, st, lstats, unsafe)) return err;
        if (S_ISLNK(st.st_mode)) {
            // Whoever can replace this link picks the directory: it and where it lies must be trusted.
            if (!owners.trusts(st.st_uid))
                unsafe = fmt::format("symlink {} is owned by uid {}, not {}", in_quotes(next), st.st_uid,
                                     owners.describe());
            else if (auto why = directory_problem(resolved, lstats, owners); !why.empty())
                unsafe = fmt::format("symlink {}: {}", in_quotes(next), why);
            if (!unsafe.empty()) return EPERM;
            if (++links > kMaxSymlinkHops) return ELOOP;
            std::string spliced;
            if (int err = read_link(next, spliced)) return err;
            if (spliced.empty()) return ENOENT;
            // The target's components come before what was left (a trailing slash included); an
            // absolute one restarts at /.
            spliced += rest.substr(end);
            rest = std::move(spliced);
            pos = 0;
            if (!rest.empty() && rest.front() == '/') resolved.assign(1, '/');
            continue;
        }
        if (!S_ISDIR(st.st_mode) && end < rest.size()) return ENOTDIR; // "file/..." or "file/"
        resolved = next;
    }
    out = std::move(resolved);
    return 0;
}

// Where a path leads, when only root could have changed that. `Found` with the final non-link's
// real path and lstat; otherwise `problem`, which names no subject (the callers say whose path
// it is): Unsafe for something another user could change, Error for what could not be looked at.
struct Walk {
    enum class End { Found, Missing, Unsafe, Error } end = End::Found;
    std::string problem;
    std::string real;
    struct stat st {};
};

Walk stopped(Walk::End end, std::string problem = {}) {
    Walk w;
    w.end = end;
    w.problem = std::move(problem);
    return w;
}

Walk walk(const std::string& path, Lstats& lstats, const TrustedOwners& owners) {
    using End = Walk::End;
    std::string p = path;
    for (int hop = 0; hop < kMaxSymlinkHops; ++hop) {
        const std::string dir = parent_of(p);
        std::string parent, unsafe;
        int err = 0;
        if (!dir.empty() && dir.front() == '/') {
            err = real_path(dir, lstats, owners, parent, unsafe);
        } else if (char* real = ::realpath(dir.c_str(), nullptr)) { // relative: not from a valid entry
            parent = real;
            std::free(real);
        } else {
            err = errno;
        }
        if (!unsafe.empty()) return stopped(End::Unsafe, unsafe);
        if (err == ENOENT || err == ENOTDIR) return stopped(End::Missing);
        if (err == ELOOP) return stopped(End::Unsafe, "too many levels of symbolic links");
        if (err != 0)
            return stopped(End::Error, fmt::format("cannot resolve {}: {}", in_quotes(dir), std::strerror(err)));
        if (auto why = directory_problem(parent, lstats, owners); !why.empty()) return stopped(End::Unsafe, why);

        Walk found;
        found.real = join(parent, name_of(p));
        if (int err = lstats.get(found.real, found.st); err != 0) {
            if (err == ENOENT) return stopped(End::Missing);
            return stopped(End::Error, fmt::format("cannot stat {}: {}", in_quotes(found.real), std::strerror(err)));
        }
        if (!S_ISLNK(found.st.st_mode)) return found;
        // The link's own directory was checked above; the link itself must be a trusted owner's.
        if (!owners.trusts(found.st.st_uid))
            return stopped(End::Unsafe, fmt::format("symlink {} is owned by uid {}, not {}", in_quotes(found.real),
                                                    found.st.st_uid, owners.describe()));
        std::string t;
        if (int err = read_link(found.real, t))
            return stopped(End::Error, fmt::format("cannot read link {}: {}", in_quotes(found.real),
                                                   err == ENAMETOOLONG ? "target too long" : std::strerror(err)));
        p = !t.empty() && t.front() == '/' ? t : join(parent, t);
    }
    return stopped(End::Unsafe, "too many levels of symbolic links");
}

Verdict check_uncached(const std::string& path, const TrustedOwners& owners) {
    using End = Walk::End;
    Lstats lstats;
    const Walk w = walk(path, lstats, owners);
    switch (w.end) {
    case End::Missing: return {Kind::Missing, fmt::format("interpreter {} does not exist", in_quotes(path))};
    case End::Unsafe: return {Kind::Unsafe, fmt::format("interpreter {}: {}", in_quotes(path), w.problem)};
    case End::Error: return {Kind::Unsafe, w.problem};
    case End::Found: break;
    }
    if (!S_ISREG(w.st.st_mode))
        return {Kind::Unsafe, fmt::format("interpreter {} is not a regular file", in_quotes(w.real))};
    if (!(w.st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
        return {Kind::Unsafe, fmt::format("interpreter {} is not executable", in_quotes(w.real))};
    if (auto why = writable_problem(w.real, w.st, false, owners); !why.empty())
        return {Kind::Unsafe, fmt::format("interpreter {}: {}", in_quotes(path), why)};
    return {};
}
} // namespace

std::string TrustedOwners::describe() const {
    return user_ == 0 ? std::string("root") : fmt::format("root or uid {}", user_);
}

Verdict check_interpreter(const std::string& path, const TrustedOwners& owners) {
    if (!memo) return check_uncached(path, owners);
    const std::string key = memo_key(owners, path);
    if (auto it = memo->results.find(key); it != memo->results.end()) return it->second;
    return memo->results.emplace(key, check_uncached(path, owners)).first->second;
}

std::string path_chain_problem(const std::string& path, const TrustedOwners& owners) {
    using End = Walk::End;
    Lstats lstats;
    const Walk w = walk(path, lstats, owners);
    if (w.end == End::Missing) return "does not exist";
    return w.problem;
}

TrustCacheScope::TrustCacheScope() : outer_(memo) { memo = &memo_; }

TrustCacheScope::~TrustCacheScope() { memo = outer_; }

} // namespace binfmt
