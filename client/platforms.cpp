// `platforms [--check]`: which OCI platforms this machine runs, from Platforms(); --check proves
// each row here, as the caller, by executing that platform's minimal exit(0) program.
#include "bus.hpp"
#include "scratch_dir.hpp"
#include "table.hpp"
#include "verbs.hpp"

#include "escape.hpp"
#include "platforms.hpp"
#include "unique_fd.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace binfmtctl {

namespace {
constexpr int kCheckTimeoutMs = 10000; // an emulator starts in milliseconds; a hang is a failure

struct Checked {
    bool runs = false;
    std::string result; // "ok", or what happened instead
};

// Waits for `child` up to the deadline (a pidfd: no polling loop); kills it after that.
int wait_child(pid_t child, bool& timed_out) {
    const binfmt::UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, child, 0)));
    timed_out = false;
    if (pidfd) {
        pollfd p{pidfd.get(), POLLIN, 0};
        int n;
        while ((n = ::poll(&p, 1, kCheckTimeoutMs)) < 0 && errno == EINTR) {
        }
        if (n == 0) {
            timed_out = true;
            ::kill(child, SIGKILL);
        }
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

// Executes the program with no input and no output; what became of it.
Checked run(const std::string& path) {
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0) return {false, fmt::format("cannot run it: {}", std::strerror(errno))};
    binfmt::UniqueFd read_end(pipefd[0]), write_end(pipefd[1]);
    const pid_t child = ::fork();
    if (child < 0) return {false, fmt::format("cannot run it: {}", std::strerror(errno))};
    if (child == 0) {
        const int null = ::open("/dev/null", O_RDWR);
        if (null >= 0) {
            ::dup2(null, 0);
            ::dup2(null, 1);
            ::dup2(null, 2);
        }
        char* argv[] = {const_cast<char*>(path.c_str()), nullptr};
        char* envp[] = {nullptr};
        ::execve(path.c_str(), argv, envp);
        const int err = errno; // through the pipe: exec failed, and why
        [[maybe_unused]] auto n = ::write(write_end.get(), &err, sizeof err);
        ::_exit(127);
    }
    write_end = binfmt::UniqueFd();
    bool timed_out = false;
    const int status = wait_child(child, timed_out);
    int err = 0;
    if (::read(read_end.get(), &err, sizeof err) == static_cast<ssize_t>(sizeof err))
        return {false, err == ENOEXEC ? "exec format error: no entry runs it" : std::strerror(err)};
    if (timed_out) return {false, fmt::format("did not finish within {} s", kCheckTimeoutMs / 1000)};
    if (WIFSIGNALED(status))
        return {false, fmt::format("killed by signal {} ({})", WTERMSIG(status), ::strsignal(WTERMSIG(status)))};
    if (WEXITSTATUS(status) != 0) return {false, fmt::format("exited with status {}", WEXITSTATUS(status))};
    return {true, "ok"};
}
} // namespace

int verb_platforms(Context& ctx) {
    std::vector<binfmt::PlatformRow> rows;
    for (auto& r : ctx.bus().manager().Platforms()) rows.push_back({std::get<0>(r), std::get<1>(r), std::get<2>(r)});

    std::vector<Checked> checks;
    if (ctx.args.check) {
        ScratchDir dir;
        for (auto& r : rows) {
            const binfmt::PlatformSpec* p = binfmt::find_platform(r.platform);
            std::string name = r.platform;
            std::replace(name.begin(), name.end(), '/', '-');
            checks.push_back(p ? run(dir.write_program(name, binfmt::exit0_program(*p)))
                               : Checked{false, "binfmtctl knows no program for it"});
        }
    }
    const bool all_run = std::all_of(checks.begin(), checks.end(), [](const Checked& c) { return c.runs; });

    if (ctx.out.json) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (std::size_t i = 0; i < rows.size(); ++i) {
            nlohmann::ordered_json row{{"platform", rows[i].platform},
                                       {"entry", rows[i].entry},
                                       {"state", rows[i].state}};
            if (!checks.empty()) {
                row["runs"] = checks[i].runs;
                row["check"] = checks[i].result;
            }
            list.push_back(std::move(row));
        }
        std::puts(list.dump(2, ' ', true, nlohmann::json::error_handler_t::replace).c_str());
        return all_run ? 0 : 1;
    }
    std::vector<std::string> header{"PLATFORM", "ENTRY", "STATE"};
    if (!checks.empty()) header.push_back("CHECK");
    std::vector<std::vector<std::string>> cells;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        cells.push_back({rows[i].platform, rows[i].entry.empty() ? "-" : binfmt::escape_text(rows[i].entry),
                         rows[i].state});
        if (!checks.empty()) cells.back().push_back(checks[i].result);
    }
    constexpr std::size_t kStateColumn = 2, kCheckColumn = 3;
    print_table(header, cells, ctx.out.legend, [](std::size_t col, const std::string& text) -> std::string_view {
        if (col == kStateColumn) return text == "active" || text == "native" ? kGreen : text == "failed" ? kRed : "";
        if (col == kCheckColumn) return text == "ok" ? kGreen : kRed;
        return {};
    });
    if (ctx.out.legend) {
        std::vector<std::string> names;
        for (auto& r : rows)
            if ((r.state == "active" || r.state == "native") &&
                std::find(names.begin(), names.end(), r.platform) == names.end())
                names.push_back(r.platform);
        std::printf("\n%zu platforms can run now%s%s.\n", names.size(), names.empty() ? "" : ": ",
                    fmt::format("{}", fmt::join(names, ", ")).c_str());
    }
    return all_run ? 0 : 1;
}

} // namespace binfmtctl
