// The Manager (Register, Unregister) on a temporary --root and the fake kernel: a refused call
// changes nothing, a granted one changes exactly what it says.
#include "fake_kernel.hpp"
#include "manager.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

using binfmt::State;
using binfmtd::Manager;
using unit::FakeKernel;
using unit::TempTree;
using Code = binfmt::ApiErrorCode;

namespace {
struct Fixture {
    TempTree tree;
    FakeKernel kernel;
    std::string interp, other;
    std::unique_ptr<Manager> manager;
    std::vector<std::string> changes; // EntryChanged, as "name=state"
    Fixture() {
        unit::require_root();
        interp = tree.interpreter("opt/interp/run");
        other = tree.interpreter("opt/interp/other");
        restart();
    }
    void restart() {
        manager = std::make_unique<Manager>(tree.root(), kernel);
        manager->on_entry_changed = [this](const std::string& n, const std::string& s) {
            changes.push_back(n + "=" + s);
        };
        manager->reload();
    }
    binfmt::Spec spec(const std::string& interpreter, const std::string& ext = "xx") const {
        return {{"extension", ext}, {"interpreter", interpreter}};
    }
    binfmtd::Status register_entry(const std::string& name, const binfmt::Spec& s, binfmtd::RegisterOptions o = {}) {
        return manager->register_entry(name, s, o);
    }
    State state(const std::string& name) const {
        for (auto& e : manager->last().entries)
            if (e.name == name) return e.state;
        FAIL("no entry " << name);
        throw;
    }
    bool defined(const std::string& name) const { return manager->last().defined.count(name) != 0; }
};

Code code_of(const binfmtd::Status& s) {
    REQUIRE_FALSE(s.ok());
    return s.failure().code;
}
} // namespace

TEST_CASE("manager: Register writes a runtime definition and registers it", "[manager]") {
    Fixture f;
    REQUIRE(f.register_entry("xx", f.spec(f.interp)).ok());
    CHECK(f.tree.read("run/binfmtd.d/xx.toml").find("extension = \"xx\"") != std::string::npos);
    CHECK(f.kernel.writes == std::vector<std::string>{"+xx"});
    CHECK(f.state("xx") == State::Active);
    CHECK(f.changes == std::vector<std::string>{"xx=active"});
    CHECK(f.manager->get("xx").value().origin == "runtime");
    CHECK(f.manager->get("nothing").failure().code == Code::NoSuchEntry);
}

TEST_CASE("manager: Register with persist writes /etc and supersedes the runtime copy", "[manager]") {
    Fixture f;
    REQUIRE(f.register_entry("xx", f.spec(f.interp)).ok());
    REQUIRE(f.register_entry("xx", f.spec(f.other), {.persist = true, .replace = true}).ok());
    CHECK(f.tree.exists("etc/binfmtd.d/xx.toml"));
    CHECK_FALSE(f.tree.exists("run/binfmtd.d/xx.toml"));
    CHECK(f.kernel.find("xx")->parsed.interpreter == f.other);
}

TEST_CASE("manager: Register refused by the kernel is rolled back: no file, no entry", "[manager]") {
    Fixture f;
    f.kernel.refuse.insert("xx");
    auto s = f.register_entry("xx", f.spec(f.interp));
    CHECK(code_of(s) == Code::KernelRejected);
    CHECK(s.failure().message.find("was not registered") != std::string::npos);
    CHECK_FALSE(f.tree.exists("run/binfmtd.d/xx.toml"));
    CHECK(f.kernel.table.empty());
    CHECK_FALSE(f.defined("xx"));
}

TEST_CASE("manager: a refused replace puts the previous definition back", "[manager]") {
    Fixture f;
    REQUIRE(f.register_entry("xx", f.spec(f.interp)).ok());
    const std::string before = f.tree.read("run/binfmtd.d/xx.toml");
    f.kernel.refuse.insert("xx");
    CHECK(code_of(f.register_entry("xx", f.spec(f.other), {.replace = true})) == Code::KernelRejected);
    CHECK(f.tree.read("run/binfmtd.d/xx.toml") == before);
    f.kernel.refuse.clear();
    f.manager->reload(); // what was there before is what the kernel gets back
    REQUIRE(f.kernel.find("xx"));
    CHECK(f.kernel.find("xx")->parsed.interpreter == f.interp);
}

TEST_CASE("manager: Register of a defined name needs replace; a foreign name is never taken", "[manager]") {
    Fixture f;
    REQUIRE(f.register_entry("xx", f.spec(f.interp)).ok());
    CHECK(code_of(f.register_entry("xx", f.spec(f.other))) == Code::AlreadyExists);
    CHECK(f.kernel.find("xx")->parsed.interpreter == f.interp);
    REQUIRE(f.register_entry("xx", f.spec(f.other), {.replace = true}).ok());
    CHECK(f.kernel.find("xx")->parsed.interpreter == f.other);

    f.kernel.someone_registers(":theirs:E::th::/usr/bin/theirs:");
    f.manager->reload();
    CHECK(code_of(f.register_entry("theirs", f.spec(f.interp, "th"), {.replace = true})) == Code::AlreadyExists);
    CHECK(f.kernel.find("theirs")->parsed.interpreter == "/usr/bin/theirs");
    CHECK_FALSE(f.tree.exists("run/binfmtd.d/theirs.toml"));
}

TEST_CASE("manager: Register refuses an administrator's file, bad specs, unsafe interpreters, natives", "[manager]") {
    Fixture f;
    f.tree.write("etc/binfmtd.d/admin.toml", "# the administrator's own\n");
    CHECK(code_of(f.register_entry("admin", f.spec(f.interp), {.persist = true})) == Code::AlreadyExists);
    CHECK(f.tree.read("etc/binfmtd.d/admin.toml") == "# the administrator's own\n");

    CHECK(code_of(f.register_entry("bad", {{"extension", std::string("x")}, {"bogus", true}})) == Code::InvalidEntry);
    CHECK(code_of(f.register_entry(std::string(251, 'n'), f.spec(f.interp))) == Code::InvalidEntry);
    const std::string writable = f.tree.write("opt/w/run", "#!/bin/sh\n", 0777);
    CHECK(code_of(f.register_entry("unsafe", f.spec(writable))) == Code::UnsafeInterpreter);
    CHECK(code_of(f.register_entry("missing", f.spec("/nonexistent/run"))) == Code::InvalidEntry);
    const binfmt::Spec elf{{"magic", binfmt::Bytes{0x7f, 'E', 'L', 'F'}}, {"interpreter", f.interp}};
    CHECK(code_of(f.register_entry("native", elf)) == Code::NativeConflict);
    CHECK(f.kernel.table.empty());
    for (auto name : {"bad", "unsafe", "missing", "native"})
        CHECK_FALSE(f.tree.exists(fmt::format("run/binfmtd.d/{}.toml", name)));
}

TEST_CASE("manager: Register while binfmt_misc is not writable changes nothing", "[manager]") {
    Fixture f;
    f.kernel.mount = {binfmtd::MountState::Kind::NotMounted, "binfmt_misc is not mounted at \"x\""};
    f.manager->reload();
    CHECK(code_of(f.register_entry("xx", f.spec(f.interp))) == Code::NotMounted);
    CHECK_FALSE(f.tree.exists("run/binfmtd.d/xx.toml"));
    CHECK_FALSE(f.manager->mount().writable);
    CHECK_FALSE(f.manager->mount().mounted);
}

TEST_CASE("manager: Unregister of a runtime entry removes its file and its registration", "[manager]") {
    Fixture f;
    REQUIRE(f.register_entry("xx", f.spec(f.interp)).ok());
    REQUIRE(f.manager->unregister_entry("xx", false).ok());
    CHECK_FALSE(f.tree.exists("run/binfmtd.d/xx.toml"));
    CHECK(f.kernel.table.empty());
    CHECK(f.changes.back() == "xx=removed");
}

TEST_CASE("manager: Unregister without persist keeps a configured entry out until reboot", "[manager]") {
    Fixture f;
    f.tree.write("usr/lib/binfmtd.d/vendor.toml",
                 fmt::format("[vendor]\nextension = \"v\"\ninterpreter = \"{}\"\n", f.interp));
    f.manager->reload();
    REQUIRE(f.kernel.find("vendor"));
    REQUIRE(f.manager->unregister_entry("vendor", false).ok());
    CHECK(f.kernel.table.empty());
    CHECK(f.state("vendor") == State::Disabled);
    CHECK(f.tree.exists("usr/lib/binfmtd.d/vendor.toml"));
    CHECK_FALSE(f.tree.exists("etc/binfmtd.d/vendor.toml"));
    f.restart(); // a daemon restart is not a reboot
    CHECK(f.state("vendor") == State::Disabled);
    CHECK(f.kernel.table.empty());
    REQUIRE(f.register_entry("vendor", f.spec(f.interp, "v"), {.replace = true}).ok()); // lets it back in
    CHECK(f.kernel.find("vendor"));
}

TEST_CASE("manager: Unregister with persist masks a vendor entry in /etc, never an administrator's", "[manager]") {
    Fixture f;
    f.tree.write("usr/lib/binfmtd.d/vendor.toml",
                 fmt::format("[vendor]\nextension = \"v\"\ninterpreter = \"{}\"\n", f.interp));
    f.tree.write("etc/binfmtd.d/admin.toml",
                 fmt::format("[admin]\nextension = \"a\"\ninterpreter = \"{}\"\n", f.interp));
    f.manager->reload();
    REQUIRE(f.manager->unregister_entry("vendor", true).ok());
    CHECK(f.tree.read("etc/binfmtd.d/vendor.toml").find("enabled = false") != std::string::npos);
    CHECK_FALSE(f.kernel.find("vendor"));
    f.restart();
    CHECK(f.state("vendor") == State::Disabled);

    auto s = f.manager->unregister_entry("admin", true);
    CHECK(code_of(s) == Code::ReadOnly);
    CHECK(s.failure().message.find("admin.toml") != std::string::npos);
}

TEST_CASE("manager: Unregister of a foreign entry is NotManaged, of an unknown one NoSuchEntry; nothing changes",
          "[manager]") {
    Fixture f;
    f.kernel.someone_registers(":theirs:E::th::/usr/bin/theirs:");
    f.manager->reload();
    auto s = f.manager->unregister_entry("theirs", false);
    CHECK(code_of(s) == Code::NotManaged);
    CHECK(s.failure().message.find("\"theirs\" is another tool's") != std::string::npos);
    CHECK(code_of(f.manager->unregister_entry("nothing", true)) == Code::NoSuchEntry);
    CHECK(f.kernel.names() == std::vector<std::string>{"theirs"});
}

TEST_CASE("manager: Register of another tool's identical entry adopts it; Unregister drops only the definition",
          "[manager][ownership]") {
    Fixture f;
    f.kernel.someone_registers(fmt::format(":theirs:E::th::{}:", f.interp));
    f.manager->reload();
    REQUIRE(f.register_entry("theirs", f.spec(f.interp, "th")).ok());
    CHECK(f.kernel.writes.empty());
    CHECK(f.state("theirs") == State::Active);
    const auto record = f.manager->get("theirs").value();
    CHECK(record.adopted);
    CHECK(record.origin == "runtime");
    CHECK(record.kernel_interpreter.empty()); // the kernel's entry is the definition
    // Replacing it with a different definition would change another tool's entry: refused.
    auto s = f.register_entry("theirs", f.spec(f.other, "th"), {.replace = true});
    CHECK(code_of(s) == Code::AlreadyExists);
    CHECK(s.failure().message.find("adopted while identical") != std::string::npos);
    CHECK(s.failure().message.find(fmt::format("configuration {}", f.other)) != std::string::npos);
    CHECK(f.kernel.writes.empty());
    CHECK(f.manager->get("theirs").value().adopted);

    REQUIRE(f.manager->unregister_entry("theirs", false).ok());
    CHECK(f.kernel.writes.empty());
    CHECK(f.kernel.names() == std::vector<std::string>{"theirs"});
    CHECK_FALSE(f.tree.exists("run/binfmtd.d/theirs.toml"));
    CHECK(f.state("theirs") == State::Foreign);
    CHECK_FALSE(f.manager->get("theirs").value().adopted);
    f.restart(); // remembered: still another tool's
    CHECK(f.state("theirs") == State::Foreign);
    CHECK(f.kernel.writes.empty());
}

TEST_CASE("manager: a definition beside a different kernel entry shows both, and says what differs",
          "[manager][ownership]") {
    Fixture f;
    f.kernel.someone_registers(":theirs:M:2:\\x01\\x02:\\xff\\xfc:/usr/bin/theirs:POF");
    f.tree.write("etc/binfmtd.d/theirs.toml", fmt::format("# a comment\n[theirs]\nmagic = '\\x01\\x02'\n"
                                                          "interpreter = \"{}\"\npreserve-argv0 = true\n",
                                                          f.interp));
    f.manager->reload();
    const auto r = f.manager->get("theirs").value();
    CHECK(r.state == "failed");
    CHECK(r.error.find("offset: kernel 2, configuration 0; mask byte 1: kernel fc, configuration ff") !=
          std::string::npos);
    CHECK(r.error.find("flags: kernel POF, configuration P") != std::string::npos);
    CHECK(r.interpreter == f.interp); // the definition
    CHECK(r.origin_line == 2);
    CHECK(r.kernel_interpreter == "/usr/bin/theirs"); // and what the kernel really has
    CHECK(r.kernel_flags == "POF");
    CHECK(r.kernel_magic == binfmt::Bytes{0x01, 0x02});
    CHECK(r.kernel_mask == binfmt::Bytes{0xff, 0xfc});
    CHECK(r.kernel_offset == 2);
    CHECK_FALSE(r.adopted);
    CHECK(f.manager->list().size() == 1); // one row per name
    // Register of a differing definition says what differs too.
    auto s = f.register_entry("other", f.spec(f.interp, "ot"));
    REQUIRE(s.ok());
    f.kernel.someone_registers(":dup:E::du::/usr/bin/theirs:");
    f.manager->reload();
    auto refused = f.register_entry("dup", f.spec(f.interp, "du"));
    CHECK(code_of(refused) == Code::AlreadyExists);
    CHECK(refused.failure().message.find(fmt::format("interpreter: kernel /usr/bin/theirs, configuration {}",
                                                     f.interp)) != std::string::npos);
}

TEST_CASE("manager: matching lists enabled kernel entries in the kernel's order", "[manager]") {
    Fixture f;
    REQUIRE(f.register_entry("first", f.spec(f.interp, "py")).ok());
    REQUIRE(f.register_entry("second", f.spec(f.other, "py")).ok());
    auto m = f.manager->matching("/tmp/x.py", {});
    REQUIRE(m.size() == 2);
    CHECK(m[0] == std::pair<std::string, std::string>{"second", f.other}); // newest first
    CHECK(m[1].first == "first");
    CHECK(f.manager->matching("/tmp/x.txt", {}).empty());
}

TEST_CASE("manager: a refused Register does not lift an earlier Unregister", "[manager]") {
    // Regression: a Register outranked by a file in /etc (with replace) brought back an entry
    // that Unregister had kept out until reboot.
    Fixture f;
    f.tree.write("etc/binfmtd.d/admin.toml",
                 fmt::format("[vendor]\nextension = \"v\"\ninterpreter = \"{}\"\n", f.interp));
    f.manager->reload();
    REQUIRE(f.manager->unregister_entry("vendor", false).ok());
    REQUIRE(f.kernel.table.empty());
    const std::string state_before = f.tree.read("run/binfmtd/state.json");
    auto s = f.register_entry("vendor", f.spec(f.other, "v"), {.replace = true});
    CHECK(code_of(s) == Code::AlreadyExists);
    CHECK(s.failure().message.find("takes precedence") != std::string::npos);
    CHECK(f.kernel.table.empty());
    CHECK(f.state("vendor") == State::Disabled);
    CHECK_FALSE(f.tree.exists("run/binfmtd.d/vendor.toml"));
    CHECK(f.tree.read("run/binfmtd/state.json") == state_before);
}

TEST_CASE("manager: Mounted, Writable and KernelEnabled follow binfmt_misc, each change reported once", "[manager]") {
    Fixture f;
    std::vector<std::string> seen; // "mounted writable enabled" per change
    f.manager->on_mount_changed = [&](const binfmtd::MountFacts&, const binfmtd::MountFacts& now) {
        seen.push_back(fmt::format("{} {} {}", now.mounted, now.writable, now.kernel_enabled));
    };
    CHECK(f.manager->mount() == binfmtd::MountFacts{true, true, true});
    f.manager->reload();
    CHECK(seen.empty());
    f.kernel.mount.kernel_enabled = false; // echo 0 > status
    f.manager->reload();
    f.kernel.mount = {binfmtd::MountState::Kind::ReadOnly, "read-only"};
    f.manager->reload();
    f.kernel.mount = {};
    f.kernel.held_by = "another binfmtd holds it";
    f.manager->reload();
    f.kernel.held_by.clear();
    f.kernel.mount = {binfmtd::MountState::Kind::NotMounted, "not mounted"};
    f.manager->reload();
    // Read-only, then held by another binfmtd: the same facts, so no second report.
    CHECK(seen == std::vector<std::string>{"true true false", "true false true", "false false false"});
    CHECK(f.manager->mount() == binfmtd::MountFacts{false, false, false});
}

TEST_CASE("manager: Describe carries the mount's facts and the configuration's diagnostics", "[manager]") {
    Fixture f;
    f.tree.write("etc/binfmtd.d/bad.toml", "[bad]\nextension = \"b\"\nbogus = 1\n");
    f.kernel.mount.kernel_enabled = false;
    f.manager->reload();
    auto doc = nlohmann::json::parse(f.manager->describe());
    CHECK(doc["mounted"] == true);
    CHECK(doc["writable"] == true);
    CHECK(doc["kernel_enabled"] == false);
    CHECK(doc["mount_error"] == "");
    REQUIRE(doc["diagnostics"].is_array());
    REQUIRE_FALSE(doc["diagnostics"].empty());
    const auto& d = doc["diagnostics"][0];
    CHECK(d["severity"] == "error");
    CHECK(d["file"] == f.tree.root() + "/etc/binfmtd.d/bad.toml");
    CHECK(d["line"].is_number());
    CHECK(d["column"].is_number());
    CHECK(d["entry"] == "bad");
    CHECK(d["message"].get<std::string>().find("bogus") != std::string::npos);

    f.tree.write("etc/binfmtd.d/bad.toml", fmt::format("[bad]\nextension = \"b\"\ninterpreter = \"{}\"\n", f.interp));
    f.kernel.mount = {binfmtd::MountState::Kind::ReadOnly, "binfmt_misc at \"x\" is mounted read-only"};
    f.manager->reload();
    doc = nlohmann::json::parse(f.manager->describe());
    CHECK(doc["diagnostics"].empty());
    CHECK(doc["writable"] == false);
    CHECK(doc["mount_error"] == "binfmt_misc at \"x\" is mounted read-only");
}

TEST_CASE("manager: overlapping entries say which wins and why; a later foreign one is reported as winning",
          "[manager][priority]") {
    Fixture f;
    binfmt::Spec hi = f.spec(f.interp, "py"), lo = f.spec(f.other, "py");
    hi["priority"] = std::int32_t{10};
    REQUIRE(f.register_entry("hi", hi).ok());
    REQUIRE(f.register_entry("lo", lo).ok());
    CHECK(f.kernel.names() == std::vector<std::string>{"hi", "lo"}); // lo registered, hi again above it
    const std::string sentence = "\"hi\" wins over \"lo\": priority 10 over 0";
    CHECK(f.manager->get("hi").value().overlaps == std::vector<std::string>{sentence});
    CHECK(f.manager->get("lo").value().overlaps == std::vector<std::string>{sentence});
    CHECK(f.manager->get("lo").value().outranked_by.empty()); // hi outranks it: as it should be
    CHECK(f.manager->get("hi").value().priority == 10);

    // Another tool registers a *.py entry: the newest, it runs such files before both.
    f.kernel.someone_registers(fmt::format(":theirs:E::py::{}:", f.other));
    f.manager->reload();
    CHECK(f.kernel.names() == std::vector<std::string>{"theirs", "hi", "lo"}); // never moved, nor ours for it
    const auto hi_now = f.manager->get("hi").value();
    CHECK(hi_now.outranked_by == "theirs");
    CHECK(std::count(hi_now.overlaps.begin(), hi_now.overlaps.end(),
                     "\"theirs\" wins over \"hi\": another tool's, registered later") == 1);
    CHECK(f.manager->get("lo").value().outranked_by == "theirs");
    CHECK(f.manager->get("theirs").value().overlaps.empty()); // a foreign entry's own record says nothing
    // In Describe's document too.
    const auto doc = nlohmann::json::parse(f.manager->describe());
    bool found = false;
    for (auto& e : doc["entries"])
        if (e["name"] == "hi") found = e["outranked-by"] == "theirs" && e["overlaps"].size() == 2;
    CHECK(found);
}
