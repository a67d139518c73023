#include "user_instance.hpp"

#include "log.hpp"

#include "escape.hpp"
#include "unique_fd.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace binfmtd {

namespace {
constexpr int kExitUnusable = 3; // as --once: binfmt_misc not usable
constexpr const char* kMountPoint = "/proc/sys/fs/binfmt_misc";

std::string user_namespace_id() {
    char buf[64];
    const ssize_t n = ::readlink("/proc/self/ns/user", buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

// One write(2): the kernel takes a map file's whole content in one go.
bool write_proc(const char* path, const std::string& text, std::string& why) {
    const binfmt::UniqueFd fd(::open(path, O_WRONLY | O_CLOEXEC));
    if (fd && ::write(fd.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size())) return true;
    why = fmt::format("cannot write \"{}\" to {}: {}", text, path, std::strerror(errno));
    return false;
}

// The new namespaces with the instance mounted; false with `why`.
bool enter_own_instance(std::string& why) {
    const uid_t uid = ::getuid();
    const gid_t gid = ::getgid();
    const std::string outer = user_namespace_id();
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
        why = fmt::format("cannot create a user namespace: {} (unprivileged user namespaces may be disabled on "
                          "this system; see user_namespaces(7))",
                          std::strerror(errno));
        return false;
    }
    // The mount below must reach a new namespace's own instance, never the one this process came from.
    if (outer.empty() || user_namespace_id() == outer) {
        why = "the new user namespace is not in effect; refusing to mount binfmt_misc";
        return false;
    }
    // An unprivileged process may write its gid map only once setgroups(2) is denied.
    if (!write_proc("/proc/self/setgroups", "deny", why) ||
        !write_proc("/proc/self/uid_map", fmt::format("0 {} 1", uid), why) ||
        !write_proc("/proc/self/gid_map", fmt::format("0 {} 1", gid), why))
        return false;
    // Nothing mounted here may propagate to the namespace this process came from.
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        why = fmt::format("cannot make the new mount namespace private: {}", std::strerror(errno));
        return false;
    }
    if (::mount("binfmt_misc", kMountPoint, "binfmt_misc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
        why = fmt::format("cannot mount a binfmt_misc instance of this user's own on {}: {} (needs Linux >= 6.7)",
                          kMountPoint, std::strerror(errno));
        return false;
    }
    return true;
}

// The helper: waits for the instance (one byte; end of file when it could not be made), fills it.
[[noreturn]] void helper(int ready_fd, pid_t parent, const std::function<int(const std::string&)>& fill) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL); // never outlives the namespace's process
    char go = 0;
    ssize_t n;
    do n = ::read(ready_fd, &go, 1);
    while (n < 0 && errno == EINTR);
    int code = 0;
    if (n == 1) {
        try {
            code = fill(fmt::format("/proc/{}/root{}", parent, kMountPoint));
        } catch (const std::exception& e) {
            log::error("fatal: {}", e.what());
            code = 1;
        }
    }
    std::fflush(stderr);
    ::_exit(code);
}

int wait_for(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return 1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    log::error("the helper that registers the entries was killed by signal {}", WTERMSIG(status));
    return 1;
}
} // namespace

int run_in_own_instance(const std::vector<std::string>& command, const std::function<int(const std::string&)>& fill) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        log::error("cannot create a pipe: {}", std::strerror(errno));
        return 1;
    }
    binfmt::UniqueFd ready_read(pipe_fds[0]), ready_write(pipe_fds[1]);
    const pid_t parent = ::getpid();
    std::fflush(stderr);
    const pid_t pid = ::fork(); // single-threaded here: nothing has started a thread yet
    if (pid < 0) {
        log::error("cannot fork: {}", std::strerror(errno));
        return 1;
    }
    if (pid == 0) {
        ready_write.reset();
        helper(ready_read.get(), parent, fill);
    }
    ready_read.reset();

    std::string why;
    const bool entered = enter_own_instance(why);
    if (entered && ::write(ready_write.get(), "y", 1) != 1)
        why = fmt::format("cannot wake the helper: {}", std::strerror(errno));
    ready_write.reset(); // end of file for the helper when nothing was written
    const int filled = wait_for(pid);
    if (!entered || !why.empty()) {
        log::error("{}", why);
        return kExitUnusable;
    }
    if (filled != 0) return filled;

    std::vector<char*> argv;
    for (const auto& a : command) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    const int err = errno;
    log::error("cannot run {}: {}", binfmt::in_quotes(command.front()), std::strerror(err));
    return err == ENOENT ? 127 : 126; // as a shell says "not found" and "not executable"
}

bool in_initial_user_namespace() {
    // The initial namespace maps every uid to itself: "0 0 4294967295".
    std::ifstream map("/proc/self/uid_map");
    unsigned long inside = 1, outside = 1, count = 0;
    map >> inside >> outside >> count;
    return inside == 0 && outside == 0 && count == 4294967295UL;
}

} // namespace binfmtd
