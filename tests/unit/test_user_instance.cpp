// binfmtd --user's layout (from the XDG variables) and trust on the fake kernel: a user's own
// configuration and state, that user's and root's files trusted, nobody else's.
#include "fake_kernel.hpp"
#include "reconciler.hpp"
#include "temp_tree.hpp"
#include "user_paths.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>
#include <unistd.h>

using binfmt::Layout;
using binfmt::State;
using binfmt::TrustedOwners;
using binfmtd::Reconciler;

namespace {
constexpr uid_t kUser = 1000;

struct UserFixture {
    unit::TempTree tree;
    unit::FakeKernel kernel;
    UserFixture() {
        unit::require_root();
        tree.write("home/.config/binfmtd.d/.keep", "");
        for (const char* d : {"home", "home/.config", "home/.config/binfmtd.d"})
            REQUIRE(::chown(tree.path(d).c_str(), kUser, kUser) == 0);
    }
    Layout layout() const { return Layout::user(tree.path("home/.config"), tree.path("run")); }
    // Entry NAME in the user's NAME.toml (the user's file) with `interpreter`.
    void define(const std::string& name, const std::string& interpreter) const {
        const std::string file = tree.write("home/.config/binfmtd.d/" + name + ".toml",
                                            fmt::format("[{}]\nextension = \"{}\"\ninterpreter = \"{}\"\n", name, name,
                                                        interpreter));
        REQUIRE(::chown(file.c_str(), kUser, kUser) == 0);
    }
    std::string owned_interpreter(const std::string& rel, uid_t owner, mode_t mode = 0755) const {
        const std::string p = tree.interpreter(rel);
        REQUIRE(::chown(p.c_str(), owner, owner) == 0);
        ::chmod(p.c_str(), mode);
        return p;
    }
    binfmtd::ReconcileReport reconcile() {
        return Reconciler(layout(), TrustedOwners::root_and(kUser), kernel).reconcile();
    }
};

const binfmt::PlannedEntry& entry(const binfmtd::ReconcileReport& r, const std::string& name) {
    for (auto& e : r.entries)
        if (e.name == name) return e;
    FAIL("no entry " << name << " in the report");
    throw;
}
} // namespace

TEST_CASE("user layout: the configuration under XDG_CONFIG_HOME, the state under XDG_RUNTIME_DIR", "[user]") {
    const Layout l = Layout::user("/home/u/.config", "/run/user/1000");
    CHECK(l.config_dirs == std::vector<std::string>{"/home/u/.config/binfmtd.d"});
    CHECK(l.state_file == "/run/user/1000/binfmtd/state.json");
    const Layout s = Layout::system("/r");
    CHECK(s.config_dirs.front() == "/r/etc/binfmtd.d");
    CHECK(s.state_file == "/r/run/binfmtd/state.json");
}

TEST_CASE("user instance: the user's and root's interpreters register, nobody else's", "[user]") {
    UserFixture f;
    f.define("own", f.owned_interpreter("home/bin/own", kUser));
    REQUIRE(::chown(f.tree.path("home/bin").c_str(), kUser, kUser) == 0);
    f.define("rootz", f.tree.interpreter("usr/bin/rootz"));
    f.define("other", f.owned_interpreter("usr/bin/other", 1001));
    f.define("group", f.owned_interpreter("home/bin/group", kUser, 0775));
    const auto r = f.reconcile();
    CHECK(entry(r, "own").state == State::Active);
    CHECK(entry(r, "rootz").state == State::Active);
    CHECK(entry(r, "other").state == State::Failed);
    CHECK(entry(r, "other").error.find("owned by uid 1001, not root or uid 1000") != std::string::npos);
    CHECK(entry(r, "group").state == State::Failed);
    CHECK(entry(r, "group").error.find("writable by group or others") != std::string::npos);
    // The state file is the user's runtime directory's, and only the user's directory is read.
    CHECK(f.tree.exists("run/binfmtd/state.json"));
    CHECK_FALSE(f.tree.exists("run/binfmtd.d"));
    // The same files in the system's instance (root alone trusted): not one is obeyed.
    unit::FakeKernel system_kernel;
    const Layout elsewhere = Layout::user(f.tree.path("home/.config"), f.tree.path("run2"));
    const auto sys = Reconciler(elsewhere, TrustedOwners(), system_kernel).reconcile();
    CHECK(sys.entries.empty());
    CHECK(system_kernel.writes.empty());
}

TEST_CASE("user instance: another user's configuration file is ignored", "[user]") {
    UserFixture f;
    f.define("theirs", f.tree.interpreter("usr/bin/theirs"));
    REQUIRE(::chown(f.tree.path("home/.config/binfmtd.d/theirs.toml").c_str(), 1001, 1001) == 0);
    const auto r = f.reconcile();
    CHECK(r.entries.empty());
    bool said = false;
    for (const auto& d : r.diagnostics)
        said = said || d.str().find("owned by uid 1001, not root or uid 1000") != std::string::npos;
    CHECK(said);
}

namespace {
// Sets (or with nullptr unsets) an environment variable for one scope.
struct EnvVar {
    std::string name;
    std::optional<std::string> old;
    EnvVar(const char* n, const char* value) : name(n) {
        if (const char* v = std::getenv(n)) old = v;
        if (value) ::setenv(n, value, 1);
        else ::unsetenv(n);
    }
    ~EnvVar() {
        if (old) ::setenv(name.c_str(), old->c_str(), 1);
        else ::unsetenv(name.c_str());
    }
};
} // namespace

TEST_CASE("user layout from the environment: XDG variables, HOME's default, and what is missing", "[user]") {
    std::string why;
    {
        EnvVar c("XDG_CONFIG_HOME", "/cfg"), r("XDG_RUNTIME_DIR", "/run/user/7"), h("HOME", "/home/u");
        auto l = binfmtd::user_layout_from_environment(why);
        REQUIRE(l);
        CHECK(l->config_dirs == std::vector<std::string>{"/cfg/binfmtd.d"});
        CHECK(l->state_file == "/run/user/7/binfmtd/state.json");
    }
    {
        // Unset or relative (which the XDG specification says to ignore): ~/.config.
        EnvVar c("XDG_CONFIG_HOME", "relative"), r("XDG_RUNTIME_DIR", "/run/user/7"), h("HOME", "/home/u");
        auto l = binfmtd::user_layout_from_environment(why);
        REQUIRE(l);
        CHECK(l->config_dirs == std::vector<std::string>{"/home/u/.config/binfmtd.d"});
    }
    {
        EnvVar c("XDG_CONFIG_HOME", nullptr), r("XDG_RUNTIME_DIR", nullptr), h("HOME", "/home/u");
        CHECK_FALSE(binfmtd::user_layout_from_environment(why));
        CHECK(why.find("XDG_RUNTIME_DIR") != std::string::npos);
    }
    {
        EnvVar c("XDG_CONFIG_HOME", nullptr), r("XDG_RUNTIME_DIR", "/run/user/7"), h("HOME", nullptr);
        CHECK_FALSE(binfmtd::user_layout_from_environment(why));
        CHECK(why.find("XDG_CONFIG_HOME or HOME") != std::string::npos);
    }
}
