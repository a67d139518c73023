#include "native_platforms.hpp"

#include "platforms.hpp"

#include <cerrno>
#include <fstream>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>

namespace binfmtd {

namespace {
#if defined(__x86_64__)
// A child makes one 32-bit system call (getpid through int 0x80): a kernel without IA32
// emulation kills it with SIGSEGV. Executing a 32-bit program instead would prove nothing
// when a binfmt_misc entry (qemu-i386) matches it: those are tried before the native loader.
bool ia32_works() {
    const pid_t child = ::fork();
    if (child < 0) return false;
    if (child == 0) {
        long ret = 20; // __NR_getpid in the i386 table
        asm volatile("int $0x80" : "+a"(ret) : : "memory");
        ::_exit(ret > 0 ? 0 : 1);
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0)
        if (errno != EINTR) return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Under a seccomp filter (the unit's SystemCallArchitectures=native) a 32-bit system call is
// refused whatever the kernel supports: the kernel's own signs are read instead, the sysctl that
// exists only with IA32 emulation built in, and the boot option that turns it off.
bool under_seccomp() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("Seccomp:", 0) == 0) return line.find_first_of("12") != std::string::npos;
    return false;
}

bool ia32_configured() {
    if (::access("/proc/sys/abi/vsyscall32", F_OK) != 0) return false;
    std::ifstream in("/proc/cmdline");
    std::string word;
    while (in >> word)
        for (std::string_view off : {"ia32_emulation=0", "ia32_emulation=off", "ia32_emulation=false",
                                     "ia32_emulation=n", "ia32_emulation=no"})
            if (word == off) return false;
    return true;
}
#endif

std::vector<std::string> probe() {
    std::vector<std::string> out;
    if (auto own = binfmt::build_platform(); !own.empty()) out.emplace_back(own);
#if defined(__x86_64__)
    if (under_seccomp() ? ia32_configured() : ia32_works()) out.emplace_back("linux/386");
#endif
    return out;
}
} // namespace

const std::vector<std::string>& native_platforms() {
    static const std::vector<std::string> natives = probe();
    return natives;
}

} // namespace binfmtd
