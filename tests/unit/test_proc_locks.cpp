// flock_holder: the PID /proc/locks names for a flock on one file.
#include "proc_locks.hpp"

#include <catch2/catch.hpp>

using binfmt::flock_holder;

TEST_CASE("proc_locks: the FLOCK on the file's device and inode names its holder", "[proc_locks]") {
    const std::string text = "1: POSIX  ADVISORY  WRITE 11 00:29:1 0 EOF\n"
                             "2: FLOCK  ADVISORY  WRITE 22 00:2a:1 0 EOF\n"
                             "3: FLOCK  ADVISORY  WRITE 33 00:29:1 0 EOF\n"
                             "3: -> FLOCK  ADVISORY  WRITE 44 00:29:1 0 EOF\n";
    CHECK(flock_holder(text, 0, 0x29, 1) == 33);
    CHECK(flock_holder(text, 0, 0x2a, 1) == 22);
    CHECK_FALSE(flock_holder(text, 0, 0x29, 2));
    CHECK_FALSE(flock_holder(text, 8, 0x29, 1));
}

TEST_CASE("proc_locks: nothing listed, a holder outside our PID namespace, or garbage: unknown", "[proc_locks]") {
    CHECK_FALSE(flock_holder("", 0, 0x29, 1));
    CHECK_FALSE(flock_holder("1: FLOCK  ADVISORY  WRITE 0 00:29:1 0 EOF\n", 0, 0x29, 1));
    CHECK_FALSE(flock_holder("1: FLOCK  ADVISORY  WRITE -1 00:29:1 0 EOF", 0, 0x29, 1));
    CHECK_FALSE(flock_holder("not /proc/locks at all\n\n:::\n", 0, 0x29, 1));
    CHECK(flock_holder("garbage\n7: FLOCK  ADVISORY  WRITE 77 fd:01:123456 0 EOF", 0xfd, 1, 123456) == 77);
}

TEST_CASE("proc_locks: a FLOCK is held whoever holds it, one outside our PID namespace too", "[proc_locks]") {
    const std::string text = "1: FLOCK  ADVISORY  WRITE 0 00:29:7 0 EOF\n2: POSIX  ADVISORY  WRITE 12 00:29:8 0 EOF\n";
    CHECK(binfmt::flock_held(text, 0, 0x29, 7));
    CHECK_FALSE(binfmt::flock_holder(text, 0, 0x29, 7)); // no PID to name
    CHECK_FALSE(binfmt::flock_held(text, 0, 0x29, 8));   // a POSIX lock is not binfmtd's
    CHECK_FALSE(binfmt::flock_held(text, 0, 0x29, 9));
}
