// The Reconciler on a temporary --root and the fake kernel: what it writes, what it leaves alone.
#include "fake_kernel.hpp"
#include "reconciler.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <utility>

using binfmt::State;
using binfmtd::Reconciler;
using binfmtd::ReconcileReport;
using unit::FakeKernel;
using unit::TempTree;

namespace {
struct Fixture {
    TempTree tree;
    FakeKernel kernel;
    std::string interp;
    Fixture() {
        unit::require_root();
        interp = tree.interpreter("opt/interp/run");
    }
    // One extension entry NAME (matching files *.NAME) in etc/binfmtd.d/NAME.toml.
    void define(const std::string& name, const std::string& extra = {}) const {
        tree.write("etc/binfmtd.d/" + name + ".toml",
                   fmt::format("[{}]\nextension = \"{}\"\ninterpreter = \"{}\"\n{}", name, name, interp, extra));
    }
    // The register line of such an entry, as another tool would write it.
    std::string line(const std::string& name, const std::string& interpreter, const std::string& flags = {}) const {
        return fmt::format(":{}:E::{}::{}:{}", name, name, interpreter, flags);
    }
    ReconcileReport reconcile() { return Reconciler(tree.root(), kernel).reconcile(); }
};

const binfmt::PlannedEntry& entry(const ReconcileReport& r, const std::string& name) {
    for (auto& e : r.entries)
        if (e.name == name) return e;
    FAIL("no entry " << name << " in the report");
    throw;
}
} // namespace

TEST_CASE("reconciler: registers what the configuration declares, then writes nothing", "[reconciler]") {
    Fixture f;
    f.define("aa");
    auto r = f.reconcile();
    CHECK(entry(r, "aa").state == State::Active);
    CHECK(f.kernel.writes == std::vector<std::string>{"+aa"});
    CHECK(r.writes == 1);
    CHECK(r.wrote_register);
    CHECK(r.ok());
    REQUIRE(f.kernel.find("aa"));
    CHECK(f.kernel.find("aa")->parsed.interpreter == f.interp);
    CHECK(f.tree.exists("run/binfmtd/state.json"));

    f.kernel.writes.clear();
    auto again = f.reconcile();
    CHECK(f.kernel.writes.empty());
    CHECK(again.writes == 0);
    CHECK(entry(again, "aa").state == State::Active);
}

TEST_CASE("reconciler: adopts an identical entry without writing, and restores it after a flush", "[reconciler]") {
    Fixture f;
    f.define("aa");
    f.kernel.someone_registers(f.line("aa", f.interp));
    auto r = f.reconcile();
    CHECK(entry(r, "aa").state == State::Active);
    CHECK(f.kernel.writes.empty());

    f.kernel.flush();
    auto restored = f.reconcile();
    CHECK(entry(restored, "aa").state == State::Active);
    CHECK(f.kernel.writes == std::vector<std::string>{"+aa"});
}

TEST_CASE("reconciler: never touches a foreign entry, nor one of the same name that differs", "[reconciler]") {
    Fixture f;
    f.define("aa");
    f.kernel.someone_registers(f.line("other", "/usr/bin/other"));
    f.kernel.someone_registers(f.line("aa", "/usr/bin/theirs"));
    auto r = f.reconcile();
    CHECK(entry(r, "other").state == State::Foreign);
    CHECK(entry(r, "other").origin == "kernel");
    CHECK(entry(r, "aa").state == State::Failed);
    CHECK(entry(r, "aa").error.find("did not register") != std::string::npos);
    CHECK(f.kernel.writes.empty());
    CHECK(f.kernel.find("aa")->parsed.interpreter == "/usr/bin/theirs");
    CHECK_FALSE(r.ok());
}

TEST_CASE("reconciler: an entry whose definition goes away is removed, a foreign one stays", "[reconciler]") {
    Fixture f;
    f.define("aa");
    f.define("bb");
    f.kernel.someone_registers(f.line("other", "/usr/bin/other"));
    f.reconcile();
    std::filesystem::remove(f.tree.path("etc/binfmtd.d/aa.toml"));
    f.kernel.writes.clear();
    auto r = f.reconcile();
    CHECK(f.kernel.writes == std::vector<std::string>{"-aa"});
    CHECK(f.kernel.names() == std::vector<std::string>{"bb", "other"});
    CHECK(entry(r, "bb").state == State::Active);
}

TEST_CASE("reconciler: a broken file keeps its entries, and restores them from the last registration", "[reconciler]") {
    Fixture f;
    f.define("aa");
    f.reconcile();
    f.tree.write("etc/binfmtd.d/aa.toml", "[aa\nthis is not TOML\n");
    auto kept = f.reconcile();
    CHECK(kept.config_errors);
    CHECK(entry(kept, "aa").state == State::Active);
    CHECK(entry(kept, "aa").error.find("keeping the last valid definition") != std::string::npos);
    CHECK(f.kernel.find("aa"));

    f.kernel.flush();
    f.kernel.writes.clear();
    auto restored = f.reconcile();
    CHECK(f.kernel.writes == std::vector<std::string>{"+aa"});
    CHECK(entry(restored, "aa").error.find("restored the last valid definition") != std::string::npos);
    REQUIRE(f.kernel.find("aa"));
    CHECK(f.kernel.find("aa")->parsed.interpreter == f.interp);
}

TEST_CASE("reconciler: an F entry is registered again when its interpreter file is replaced", "[reconciler]") {
    Fixture f;
    f.define("aa", "fix-binary = true\n");
    f.reconcile();
    CHECK(f.kernel.find("aa")->parsed.F);
    f.kernel.writes.clear();
    f.reconcile();
    CHECK(f.kernel.writes.empty()); // the same file: nothing to do

    f.tree.interpreter("opt/interp/run"); // an upgrade: a new inode under the same name
    // At every moment of the swap some entry matches *.aa: no exec meets "exec format error".
    std::vector<std::size_t> matching;
    f.kernel.after_write = [&] { matching.push_back(f.kernel.matching("x.aa")); };
    f.reconcile();
    CHECK(f.kernel.writes == std::vector<std::string>{"+aa.binfmtd-swap", "-aa", "+aa", "-aa.binfmtd-swap"});
    CHECK(std::find(matching.begin(), matching.end(), 0U) == matching.end());
    CHECK(f.kernel.names() == std::vector<std::string>{"aa"});
    CHECK(f.kernel.table.front().parsed.F);
}

TEST_CASE("reconciler: failed and pending states, and what each leaves in the kernel", "[reconciler]") {
    Fixture f;
    f.define("refused");
    f.kernel.refuse.insert("refused");
    f.tree.write("etc/binfmtd.d/missing.toml", "[missing]\nextension = \"m\"\ninterpreter = \"/nonexistent/x\"\n");
    const std::string unsafe = f.tree.write("opt/unsafe/run", "#!/bin/sh\n", 0775);
    f.tree.write("etc/binfmtd.d/unsafe.toml",
                 fmt::format("[unsafe]\nextension = \"u\"\ninterpreter = \"{}\"\n", unsafe));
    auto r = f.reconcile();
    CHECK(entry(r, "refused").state == State::Failed);
    CHECK(entry(r, "refused").error.find("the kernel rejected the registration") != std::string::npos);
    CHECK(entry(r, "missing").state == State::Pending);
    CHECK(entry(r, "missing").error.find("does not exist") != std::string::npos);
    CHECK(entry(r, "unsafe").state == State::Failed);
    CHECK(entry(r, "unsafe").error.find("writable by group or others") != std::string::npos);
    CHECK(f.kernel.table.empty());
    CHECK_FALSE(r.ok());
    // A refused registration is not owned: it is tried again, and nothing else is removed.
    f.kernel.refuse.clear();
    auto again = f.reconcile();
    CHECK(entry(again, "refused").state == State::Active);
}

TEST_CASE("reconciler: on a read-only binfmt_misc entries keep the kernel's state, absent ones are pending",
          "[reconciler]") {
    Fixture f;
    f.define("aa");
    REQUIRE(entry(f.reconcile(), "aa").state == State::Active);
    f.define("bb");
    f.kernel.writes.clear();
    const std::string state_before = f.tree.read("run/binfmtd/state.json");
    f.kernel.mount = {binfmtd::MountState::Kind::ReadOnly, "binfmt_misc at \"x\" is mounted read-only"};
    auto ro = f.reconcile();
    CHECK(entry(ro, "aa").state == State::Active); // the kernel still runs it
    CHECK(entry(ro, "aa").error == "binfmt_misc at \"x\" is mounted read-only");
    CHECK(entry(ro, "bb").state == State::Pending); // it cannot be registered
    CHECK(entry(ro, "bb").error == "binfmt_misc at \"x\" is mounted read-only: not registered");
    CHECK(ro.mount.mounted());
    CHECK_FALSE(ro.mount.writable());
    CHECK(ro.writes == 0);
    CHECK(f.tree.read("run/binfmtd/state.json") == state_before); // nothing owned changed
    f.kernel.mount = {binfmtd::MountState::Kind::NotMounted, "binfmt_misc is not mounted at \"x\""};
    auto absent = f.reconcile();
    CHECK(entry(absent, "aa").state == State::Pending);
    CHECK_FALSE(absent.mount.mounted());
    CHECK(f.kernel.writes.empty());
    f.kernel.mount = {};
    auto rw = f.reconcile();
    CHECK(entry(rw, "aa").state == State::Active);
    CHECK(entry(rw, "aa").error.empty());
    CHECK(entry(rw, "bb").state == State::Active);
    CHECK(f.kernel.writes == std::vector<std::string>{"+bb"}); // aa was never rewritten
}

TEST_CASE("reconciler: an instance another binfmtd holds gets no write, not even the state file", "[reconciler]") {
    Fixture f;
    f.define("aa");
    f.kernel.someone_registers(f.line("gone", f.interp));
    f.kernel.held_by = "another binfmtd (PID 42) manages the binfmt_misc instance at \"x\"";
    Reconciler r(f.tree.root(), f.kernel);
    r.keep_out("zz", true); // even a request to remember is not written
    auto held = r.reconcile();
    CHECK(held.mount.kind == binfmtd::MountState::Kind::HeldElsewhere);
    CHECK(held.mount.mounted());
    CHECK_FALSE(held.mount.writable());
    CHECK(held.mount.why_not == f.kernel.held_by);
    CHECK(entry(held, "aa").state == State::Pending);
    CHECK(entry(held, "gone").state == State::Foreign);
    CHECK(held.writes == 0);
    CHECK(f.kernel.writes.empty());
    CHECK_FALSE(f.tree.exists("run/binfmtd/state.json"));
}

TEST_CASE("reconciler: an entry kept out is removed, stays out across restarts, and comes back", "[reconciler]") {
    Fixture f;
    f.define("aa");
    Reconciler first(f.tree.root(), f.kernel);
    first.reconcile();
    first.keep_out("aa", true);
    auto r = first.reconcile();
    CHECK(entry(r, "aa").state == State::Disabled);
    CHECK(entry(r, "aa").error.find("unregistered at run time") != std::string::npos);
    CHECK(f.kernel.table.empty());
    CHECK(f.tree.read("run/binfmtd/state.json").find("\"aa\"") != std::string::npos);

    Reconciler restarted(f.tree.root(), f.kernel); // binfmtd restarted: the state file remembers
    CHECK(entry(restarted.reconcile(), "aa").state == State::Disabled);
    restarted.keep_out("aa", false);
    CHECK(entry(restarted.reconcile(), "aa").state == State::Active);
    CHECK(f.kernel.find("aa"));
}

TEST_CASE("reconciler: a corrupt state file is ignored and rewritten", "[reconciler]") {
    Fixture f;
    f.define("aa");
    f.tree.write("run/binfmtd/state.json", "{not json");
    auto r = f.reconcile();
    CHECK(entry(r, "aa").state == State::Active);
    CHECK(f.tree.read("run/binfmtd/state.json").find("\"owned\"") != std::string::npos);
}

TEST_CASE("reconciler: a changed definition is swapped in without a gap; a refused stand-in falls back",
          "[reconciler]") {
    Fixture f;
    f.define("aa");
    f.reconcile();
    const std::string other = f.tree.interpreter("opt/interp/other");
    f.tree.write("etc/binfmtd.d/aa.toml", fmt::format("[aa]\nextension = \"aa\"\ninterpreter = \"{}\"\n", other));
    std::vector<std::size_t> matching;
    f.kernel.after_write = [&] { matching.push_back(f.kernel.matching("x.aa")); };
    f.kernel.writes.clear();
    auto r = f.reconcile();
    CHECK(entry(r, "aa").state == State::Active);
    CHECK(f.kernel.writes.size() == 4);
    CHECK(std::find(matching.begin(), matching.end(), 0U) == matching.end());
    CHECK(f.kernel.find("aa")->parsed.interpreter == other);
    CHECK(r.wrote_entries.count("aa.binfmtd-swap")); // the watcher knows the stand-in is ours

    // The kernel refuses the stand-in: a plain removal and registration still gets it there.
    f.tree.write("etc/binfmtd.d/aa.toml", fmt::format("[aa]\nextension = \"aa\"\ninterpreter = \"{}\"\n", f.interp));
    f.kernel.refuse.insert("aa.binfmtd-swap");
    f.kernel.writes.clear();
    auto plain = f.reconcile();
    CHECK(entry(plain, "aa").state == State::Active);
    CHECK(f.kernel.writes == std::vector<std::string>{"-aa", "+aa"});
    CHECK(f.kernel.names() == std::vector<std::string>{"aa"});
}

TEST_CASE("reconciler: a name another tool registers between the read of the table and binfmtd's write is no "
          "failure: the table is read again",
          "[reconciler]") {
    Fixture f;
    f.define("aa");
    // systemd-binfmt's lines, as after its flush, racing binfmtd: it writes bb (identical to
    // binfmt.d's line) right after binfmtd's first write.
    f.tree.write("usr/lib/binfmt.d/bb.conf", f.line("bb", f.interp) + "\n");
    bool raced = false;
    f.kernel.after_write = [&] {
        if (!std::exchange(raced, true)) f.kernel.someone_registers(f.line("bb", f.interp));
    };
    auto r = f.reconcile();
    CHECK(f.kernel.writes == std::vector<std::string>{"+aa"}); // bb's write was refused: EEXIST
    CHECK(entry(r, "aa").state == State::Active);
    CHECK(entry(r, "bb").state == State::Active);
    CHECK(entry(r, "bb").error.empty());
    CHECK(r.ok());
    CHECK(r.owned.count("bb")); // declared by binfmt.d: managed whoever wrote it
    CHECK(r.writes == 2);       // aa's and the refused one, both binfmtd's own writes for the watch
    CHECK(r.wrote_register);
    CHECK(r.kernel.count("bb")); // the table as read again: the watch does not take bb as unknown

    // binfmtd.d's own definition taken by a different entry meanwhile: the conflict is reported
    // as for any foreign entry of that name, not as the kernel's EEXIST.
    f.kernel.flush();
    f.define("cc");
    raced = false;
    f.kernel.after_write = [&] {
        if (!std::exchange(raced, true)) f.kernel.someone_registers(f.line("cc", "/usr/bin/theirs"));
    };
    f.kernel.writes.clear();
    auto conflict = f.reconcile();
    CHECK(entry(conflict, "cc").state == State::Failed);
    CHECK(entry(conflict, "cc").error.find("File exists") == std::string::npos);
    CHECK(entry(conflict, "cc").error.find("did not register") != std::string::npos);
    CHECK(f.kernel.find("cc")->parsed.interpreter == "/usr/bin/theirs");
    CHECK_FALSE(conflict.owned.count("cc"));
}

namespace {
// Two entries matching *.py, each with its own interpreter, in etc/binfmtd.d/py.toml.
struct Overlap : Fixture {
    std::string one = tree.interpreter("opt/interp/one"), two = tree.interpreter("opt/interp/two");
    void priorities(int p_one, int p_two, const std::string& extra = {}) const {
        tree.write("etc/binfmtd.d/py.toml",
                   fmt::format("[one]\nextension = \"py\"\ninterpreter = \"{}\"\npriority = {}\n{}"
                               "[two]\nextension = \"py\"\ninterpreter = \"{}\"\npriority = {}\n",
                               one, p_one, extra, two, p_two));
    }
    // The entry the kernel runs x.py with: the newest enabled one matching it.
    std::string winner() const {
        for (auto& s : kernel.table)
            if (s.enabled && !s.parsed.magic && s.parsed.extension == "py") return s.parsed.interpreter;
        return "none";
    }
};
} // namespace

TEST_CASE("reconciler: the higher priority runs, through a flush, a repin, a restart and swapped priorities",
          "[reconciler][priority]") {
    Overlap f;
    f.priorities(10, 0);
    f.reconcile();
    CHECK(f.kernel.writes == std::vector<std::string>{"+two", "+one"});
    CHECK(f.winner() == f.one);

    // Converged: nothing is written, by this binfmtd or by a restarted one.
    f.kernel.writes.clear();
    CHECK(f.reconcile().writes == 0);
    CHECK(Reconciler(f.tree.root(), f.kernel).reconcile().writes == 0);
    CHECK(f.kernel.writes.empty());

    // A flush: both come back, the lower first.
    f.kernel.flush();
    f.reconcile();
    CHECK(f.kernel.writes == std::vector<std::string>{"+two", "+one"});
    CHECK(f.winner() == f.one);

    // Someone removes and registers `two` again: it is newer now, and `one` moves above it.
    REQUIRE(f.kernel.remove("two").ok());
    f.kernel.someone_registers(fmt::format(":two:E::py::{}:", f.two));
    f.kernel.writes.clear();
    const auto r = f.reconcile();
    CHECK(f.kernel.writes == std::vector<std::string>{"+one.binfmtd-swap", "-one", "+one", "-one.binfmtd-swap"});
    CHECK(f.winner() == f.one);
    CHECK(r.kernel_order == std::vector<std::string>{"one", "two"});

    // The priorities swapped: `two` moves, no moment without a handler for x.py.
    f.priorities(0, 10);
    std::vector<std::size_t> matching;
    f.kernel.after_write = [&] { matching.push_back(f.kernel.matching("x.py")); };
    f.kernel.writes.clear();
    f.reconcile();
    CHECK(f.kernel.writes == std::vector<std::string>{"+two.binfmtd-swap", "-two", "+two", "-two.binfmtd-swap"});
    CHECK(std::find(matching.begin(), matching.end(), 0U) == matching.end());
    CHECK(f.winner() == f.two);
    f.kernel.after_write = nullptr;
    f.kernel.writes.clear();
    CHECK(f.reconcile().writes == 0);
}

TEST_CASE("reconciler: an F entry repinned below a higher one lifts that one above it again",
          "[reconciler][priority]") {
    Overlap f;
    // `one` (10) outranks `two` (0), an F entry: repinning `two` makes it the newest.
    f.tree.write("etc/binfmtd.d/py.toml",
                 fmt::format("[one]\nextension = \"py\"\ninterpreter = \"{}\"\npriority = 10\n"
                             "[two]\nextension = \"py\"\ninterpreter = \"{}\"\nfix-binary = true\n",
                             f.one, f.two));
    f.reconcile();
    CHECK(f.winner() == f.one);
    f.tree.interpreter("opt/interp/two"); // a new file under the same name
    f.kernel.writes.clear();
    f.reconcile();
    CHECK(f.kernel.writes == std::vector<std::string>{"+two.binfmtd-swap", "-two", "+two", "-two.binfmtd-swap",
                                                      "+one.binfmtd-swap", "-one", "+one", "-one.binfmtd-swap"});
    CHECK(f.winner() == f.one);
    f.kernel.writes.clear();
    CHECK(f.reconcile().writes == 0);
}
