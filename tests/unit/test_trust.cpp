// The interpreter trust walk on a temporary tree: who could change what root will execute.
#include "temp_tree.hpp"
#include "trust.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <unistd.h>

using binfmt::check_interpreter;
using binfmt::Verdict;
using Kind = Verdict::Kind;
using unit::TempTree;

namespace {
struct Tree : TempTree {
    Tree() { unit::require_root(); }
    void link(const std::string& target, const std::string& rel) const {
        std::filesystem::create_directories(std::filesystem::path(path(rel)).parent_path());
        std::filesystem::create_symlink(target, path(rel));
    }
};
bool says(const Verdict& v, const std::string& text) { return v.reason.find(text) != std::string::npos; }
} // namespace

TEST_CASE("trust: a root-owned executable in root's directories is trusted", "[trust]") {
    Tree t;
    CHECK(check_interpreter(t.interpreter("usr/bin/run")).ok());
    CHECK(check_interpreter("/bin/sh").ok());
}

TEST_CASE("trust: a missing interpreter is Missing, not Unsafe", "[trust]") {
    Tree t;
    auto v = check_interpreter(t.path("usr/bin/none"));
    CHECK(v.kind == Kind::Missing);
    CHECK(says(v, "does not exist"));
    CHECK(check_interpreter(t.path("no/such/dir/run")).kind == Kind::Missing);
}

TEST_CASE("trust: a file others can write, or owned by a user, is Unsafe", "[trust]") {
    Tree t;
    auto group = check_interpreter(t.write("usr/bin/g", "x", 0775));
    CHECK(group.kind == Kind::Unsafe);
    CHECK(says(group, "writable by group or others (mode 0775)"));
    const std::string owned = t.interpreter("usr/bin/u");
    REQUIRE(::chown(owned.c_str(), 1000, 1000) == 0);
    auto user = check_interpreter(owned);
    CHECK(user.kind == Kind::Unsafe);
    CHECK(says(user, "owned by uid 1000"));
}

TEST_CASE("trust: a directory on the way that others can write is Unsafe; a sticky ancestor is not", "[trust]") {
    Tree t;
    const std::string run = t.interpreter("opt/open/run");
    ::chmod(t.path("opt/open").c_str(), 0777);
    auto v = check_interpreter(run);
    CHECK(v.kind == Kind::Unsafe);
    CHECK(says(v, t.path("opt/open")));
    // Sticky and world-writable, like /tmp: tolerated above the interpreter's own directory only.
    ::chmod(t.path("opt/open").c_str(), 01777);
    CHECK(check_interpreter(run).kind == Kind::Unsafe);
    const std::string deeper = t.interpreter("opt/open/sub/run");
    ::chmod(t.path("opt/open").c_str(), 01777);
    CHECK(check_interpreter(deeper).ok());
}

TEST_CASE("trust: what is not an executable regular file is Unsafe", "[trust]") {
    Tree t;
    CHECK(says(check_interpreter(t.write("usr/bin/plain", "x", 0644)), "is not executable"));
    std::filesystem::create_directories(t.path("usr/bin/dir"));
    CHECK(says(check_interpreter(t.path("usr/bin/dir")), "not a regular file"));
}

TEST_CASE("trust: symlink chains are followed, each link judged like a directory entry", "[trust]") {
    Tree t;
    const std::string real = t.interpreter("usr/lib/real/run");
    t.link(real, "usr/bin/abs");
    t.link("../lib/real/run", "usr/bin/rel");
    t.link("abs", "usr/bin/chain");
    CHECK(check_interpreter(t.path("usr/bin/abs")).ok());
    CHECK(check_interpreter(t.path("usr/bin/rel")).ok());
    CHECK(check_interpreter(t.path("usr/bin/chain")).ok());
    // A link into a directory others can write.
    t.interpreter("opt/w/run");
    ::chmod(t.path("opt/w").c_str(), 0777);
    t.link(t.path("opt/w/run"), "usr/bin/into-open");
    CHECK(check_interpreter(t.path("usr/bin/into-open")).kind == Kind::Unsafe);
    // A directory link on the way that a user owns.
    t.link(t.path("usr/lib/real"), "opt/dirlink");
    REQUIRE(::lchown(t.path("opt/dirlink").c_str(), 1000, 1000) == 0);
    CHECK(says(check_interpreter(t.path("opt/dirlink/run")), "symlink"));
    // A dangling link is a missing interpreter; a loop is refused.
    t.link(t.path("usr/lib/none"), "usr/bin/dangling");
    CHECK(check_interpreter(t.path("usr/bin/dangling")).kind == Kind::Missing);
    t.link("loop-b", "usr/bin/loop-a");
    t.link("loop-a", "usr/bin/loop-b");
    CHECK(says(check_interpreter(t.path("usr/bin/loop-a")), "too many levels of symbolic links"));
}

TEST_CASE("trust: within one cache scope each path is looked at once", "[trust]") {
    Tree t;
    const std::string run = t.interpreter("usr/bin/run");
    {
        binfmt::TrustCacheScope scope;
        CHECK(check_interpreter(run).ok());
        ::chmod(run.c_str(), 0777);
        CHECK(check_interpreter(run).ok()); // remembered: a reconcile sees one consistent picture
    }
    CHECK(check_interpreter(run).kind == Kind::Unsafe); // a new scope looks again
}

TEST_CASE("trust: an interpreter path through procfs is refused, however it is reached", "[trust]") {
    // The kernel opens a non-F interpreter in the process that runs the file: /proc/self/cwd is
    // that process's directory, not binfmtd's (with C, a user's program ran as root).
    Tree t;
    for (std::string path : {"/proc/self/cwd/bin/sh", "/proc/thread-self/root/bin/sh", "/proc/1/root/bin/sh",
                             "/proc/self/exe", "/dev/fd/0", "/dev/stdin", "/proc/self/fd/0"}) {
        INFO(path);
        auto v = check_interpreter(path);
        CHECK(v.kind == Kind::Unsafe);
        CHECK(says(v, "procfs"));
    }
    // Through symlinks of root's own, to a file or to a directory on the way.
    t.link("/proc/self/root/bin/sh", "usr/bin/via-link");
    t.link("/proc/self/root", "usr/lib/rootdir");
    CHECK(says(check_interpreter(t.path("usr/bin/via-link")), "procfs"));
    CHECK(says(check_interpreter(t.path("usr/lib/rootdir/bin/sh")), "procfs"));
    // Other file systems on the way are fine: the kernel resolves those in the caller's root.
    CHECK(check_interpreter("/bin/sh").ok());
    CHECK(check_interpreter(t.interpreter("usr/bin/plain")).ok());
}

TEST_CASE("trust: the last symlink to an interpreter must be root's too", "[trust]") {
    Tree t;
    const std::string real = t.interpreter("usr/lib/real/run");
    t.link(real, "usr/bin/users-link");
    REQUIRE(::lchown(t.path("usr/bin/users-link").c_str(), 1000, 1000) == 0);
    auto v = check_interpreter(t.path("usr/bin/users-link"));
    CHECK(v.kind == Kind::Unsafe);
    CHECK(says(v, "owned by uid 1000"));
}

TEST_CASE("trust: a configuration file's path is trusted only when root alone could change it", "[trust]") {
    using binfmt::path_chain_problem;
    Tree t;
    const std::string file = t.write("etc/binfmtd.d/a.toml", "");
    CHECK(path_chain_problem(file).empty());
    // Root's chain of links, as Debian's alternatives: trusted.
    t.write("usr/share/formats/jar.toml", "");
    t.link(t.path("usr/share/formats/jar.toml"), "etc/alternatives/jar.toml");
    t.link(t.path("etc/alternatives/jar.toml"), "etc/binfmtd.d/jar.toml");
    CHECK(path_chain_problem(t.path("etc/binfmtd.d/jar.toml")).empty());
    // The configuration directory, a directory a link leads into, a link: each must be root's.
    ::chmod(t.path("etc/binfmtd.d").c_str(), 0775);
    CHECK(path_chain_problem(file).find("writable by group or others") != std::string::npos);
    ::chmod(t.path("etc/binfmtd.d").c_str(), 0755);
    REQUIRE(::chown(t.path("usr/share/formats").c_str(), 1000, 1000) == 0);
    CHECK(path_chain_problem(t.path("etc/binfmtd.d/jar.toml")).find("owned by uid 1000") != std::string::npos);
    REQUIRE(::chown(t.path("usr/share/formats").c_str(), 0, 0) == 0);
    REQUIRE(::lchown(t.path("etc/alternatives/jar.toml").c_str(), 1000, 1000) == 0);
    CHECK(path_chain_problem(t.path("etc/binfmtd.d/jar.toml")).find("symlink") != std::string::npos);
    // What is not there is said so; a path through procfs is refused.
    CHECK(path_chain_problem(t.path("etc/binfmtd.d/none.toml")) == "does not exist");
    CHECK(path_chain_problem("/proc/self/cwd/x.toml").find("procfs") != std::string::npos);
}

TEST_CASE("trust: a user's own instance trusts root and that user, and nobody else", "[trust]") {
    using binfmt::path_chain_problem;
    using binfmt::TrustedOwners;
    Tree t;
    const auto user = TrustedOwners::root_and(1000);
    CHECK(TrustedOwners().describe() == "root");
    CHECK(user.describe() == "root or uid 1000");
    // The user's own interpreter in the user's own directory, and root's, are trusted.
    const std::string own = t.interpreter("home/u/bin/run");
    REQUIRE(::chown(t.path("home/u").c_str(), 1000, 1000) == 0);
    REQUIRE(::chown(t.path("home/u/bin").c_str(), 1000, 1000) == 0);
    REQUIRE(::chown(own.c_str(), 1000, 1000) == 0);
    CHECK(check_interpreter(own, user).ok());
    CHECK(check_interpreter(t.interpreter("usr/bin/root-run"), user).ok());
    // Root alone is the default: the same file is not trusted for the system's instance.
    CHECK(says(check_interpreter(own), "not root"));
    // Another user's file, even in the user's own directory, is not.
    const std::string other = t.interpreter("home/u/bin/other");
    REQUIRE(::chown(other.c_str(), 1001, 1001) == 0);
    auto v = check_interpreter(other, user);
    CHECK(v.kind == Kind::Unsafe);
    CHECK(says(v, "owned by uid 1001, not root or uid 1000"));
    // The user's own file, writable by the group, is not.
    ::chmod(own.c_str(), 0775);
    CHECK(says(check_interpreter(own, user), "writable by group or others (mode 0775)"));
    ::chmod(own.c_str(), 0755);
    // Another user's directory or symlink on the way is not.
    const std::string elsewhere = t.interpreter("srv/other/run");
    REQUIRE(::chown(t.path("srv/other").c_str(), 1001, 1001) == 0);
    CHECK(says(check_interpreter(elsewhere, user), "owned by uid 1001"));
    t.link(own, "home/u/bin/link");
    REQUIRE(::lchown(t.path("home/u/bin/link").c_str(), 1001, 1001) == 0);
    CHECK(says(check_interpreter(t.path("home/u/bin/link"), user), "symlink"));
    REQUIRE(::lchown(t.path("home/u/bin/link").c_str(), 1000, 1000) == 0);
    CHECK(check_interpreter(t.path("home/u/bin/link"), user).ok());
    // A configuration file's path: the same owners.
    const std::string conf = t.write("home/u/.config/binfmtd.d/a.toml", "");
    REQUIRE(::chown(t.path("home/u/.config").c_str(), 1000, 1000) == 0);
    REQUIRE(::chown(t.path("home/u/.config/binfmtd.d").c_str(), 1000, 1000) == 0);
    CHECK(path_chain_problem(conf, user).empty());
    CHECK(path_chain_problem(conf).find("owned by uid 1000, not root") != std::string::npos);
    CHECK(path_chain_problem(conf, TrustedOwners::root_and(1001)).find("owned by uid 1000") != std::string::npos);
}

TEST_CASE("trust: one cache scope keeps the answers for different owners apart", "[trust]") {
    Tree t;
    const std::string own = t.interpreter("home/u/run");
    REQUIRE(::chown(t.path("home/u").c_str(), 1000, 1000) == 0);
    REQUIRE(::chown(own.c_str(), 1000, 1000) == 0);
    binfmt::TrustCacheScope scope;
    CHECK(check_interpreter(own, binfmt::TrustedOwners::root_and(1000)).ok());
    CHECK(check_interpreter(own).kind == Kind::Unsafe);
    CHECK(check_interpreter(own, binfmt::TrustedOwners::root_and(1000)).ok());
}
