#include "pin_probe.hpp"

#include "escape.hpp"
#include "scratch_dir.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace binfmtctl {

namespace {
// A file the entry matches: its magic (masked) at its offset, zeros elsewhere; or a name with
// its extension.
std::pair<std::string, binfmt::Bytes> probe_file(const binfmt::EntryRecord& e) {
    if (e.kind == "extension") return {"probe." + e.extension, binfmt::Bytes(16, 0)};
    binfmt::Bytes head(e.offset + e.magic.size(), 0);
    for (std::size_t i = 0; i < e.magic.size(); ++i)
        head[e.offset + i] = e.magic[i] & (i < e.mask.size() ? e.mask[i] : 0xff);
    return {"probe", head};
}

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

// The child stops itself for the tracer, then executes the probe: the tracer sees the exec
// event with the new image loaded and nothing of it run.
[[noreturn]] void traced_exec(const std::string& path) {
    ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
    ::raise(SIGSTOP);
    char* argv[] = {const_cast<char*>(path.c_str()), nullptr};
    char* envp[] = {nullptr};
    ::execve(path.c_str(), argv, envp);
    ::_exit(127);
}

int wait_for(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return status;
}

PinProbe unknown(std::string why) { return {{}, false, std::move(why)}; }
} // namespace

PinProbe probe_pin(const binfmt::EntryRecord& entry, const Resolver& resolve) {
    auto [name, head] = probe_file(entry);
    const auto matches = resolve(name, head);
    if (matches.empty() || matches.front() != entry.name)
        return unknown(matches.empty() ? "no file can be made that it matches"
                                       : fmt::format("{} runs such files first", binfmt::in_quotes(matches.front())));
    ScratchDir dir;
    const std::string path = dir.write_program(name, head);

    const pid_t child = ::fork();
    if (child < 0) return unknown(fmt::format("cannot start a probe: {}", std::strerror(errno)));
    if (child == 0) traced_exec(path);
    PinProbe result = unknown("the probe was not stopped at its exec");
    int status = wait_for(child);
    if (status >= 0 && WIFSTOPPED(status)) {
        ::ptrace(PTRACE_SETOPTIONS, child, nullptr, PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL);
        ::ptrace(PTRACE_CONT, child, nullptr, nullptr);
        status = wait_for(child);
        if (status >= 0 && WIFSTOPPED(status) && (status >> 8) == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
            const std::string exe = fmt::format("/proc/{}/exe", child);
            char target[PATH_MAX];
            const ssize_t n = ::readlink(exe.c_str(), target, sizeof target - 1);
            struct stat pinned {
            }, now{};
            if (n > 0 && ::stat(exe.c_str(), &pinned) == 0) {
                result = {std::string(target, static_cast<std::size_t>(n)), false, {}};
                result.stale = ::stat(entry.interpreter.c_str(), &now) != 0 || !same_file(pinned, now);
            }
        } else if (status >= 0 && WIFEXITED(status)) {
            result = unknown("the kernel did not run the probe (exec failed)");
        }
    } else {
        result = unknown("the probe could not be traced (is ptrace restricted?)");
    }
    ::kill(child, SIGKILL);
    wait_for(child);
    return result;
}

} // namespace binfmtctl
