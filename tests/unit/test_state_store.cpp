// state.json across versions of binfmtd: today's files keep their ownership, adopted entries
// keep theirs, and a newer binfmtd's file never makes this one remove anything.
#include "fake_kernel.hpp"
#include "reconciler.hpp"
#include "state_store.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using binfmtd::RuntimeState;
using binfmtd::StateStore;

namespace {
constexpr const char* kStateFile = "run/binfmtd/state.json";

// A state file exactly as binfmtd wrote it before adoption existed (version 1).
constexpr const char* kVersion1 = R"({
 "owned": {
  "qemu-aarch64": {
   "origin": "/etc/binfmtd.d/qemu.toml",
   "pinned": "8:1:1234",
   "pinned-path": "/usr/bin/qemu-aarch64-static",
   "registration": ":qemu-aarch64:M::\\x7fELF::/usr/bin/qemu-aarch64-static:F"
  },
  "aa": {
   "origin": "/etc/binfmtd.d/aa.toml",
   "pinned": "",
   "pinned-path": "",
   "registration": ":aa:E::aa::/opt/interp/run:"
  }
 },
 "unregistered": [
  "python"
 ],
 "version": 1
}
)";

RuntimeState load(const StateStore& store) {
    auto loaded = store.load();
    REQUIRE(loaded.ok());
    return loaded.value();
}
} // namespace

TEST_CASE("state store: a version 1 file keeps every entry owned, with its pin", "[state_store]") {
    unit::TempTree t;
    t.write(kStateFile, kVersion1);
    StateStore store(t.root());
    const RuntimeState state = load(store);
    REQUIRE(state.owned.size() == 2);
    const binfmt::Owned& q = state.owned.at("qemu-aarch64");
    CHECK_FALSE(q.adopted);
    CHECK(q.origin == "/etc/binfmtd.d/qemu.toml");
    CHECK(q.pinned == "8:1:1234");
    CHECK(q.pinned_path == "/usr/bin/qemu-aarch64-static");
    CHECK(q.registration == ":qemu-aarch64:M::\\x7fELF::/usr/bin/qemu-aarch64-static:F");
    CHECK_FALSE(state.owned.at("aa").adopted);
    CHECK(state.unregistered == std::set<std::string>{"python"});
    CHECK(store.needs_rewrite()); // written again in this version's format at the next reconcile
}

TEST_CASE("state store: version 2 keeps adopted entries apart from owned ones", "[state_store]") {
    unit::TempTree t;
    StateStore store(t.root());
    RuntimeState state;
    state.owned["mine"] = {"mine", "/etc/binfmtd.d/m.toml", "8:1:5", ":mine:E::m::/bin/x:F", "/bin/x"};
    state.owned["theirs"] = {"theirs", "/run/binfmtd.d/theirs.toml", {}, ":theirs:E::t::/bin/x:", {}, true};
    state.unregistered = {"off"};
    REQUIRE(store.save(state).ok());

    const auto doc = nlohmann::json::parse(t.read(kStateFile));
    CHECK(doc["version"] == 2);
    CHECK(doc["owned"].contains("mine"));
    CHECK_FALSE(doc["owned"].contains("theirs")); // a binfmtd that reads only "owned" never removes it
    CHECK(doc["adopted"]["theirs"]["origin"] == "/run/binfmtd.d/theirs.toml");

    CHECK(load(store) == state);
    CHECK_FALSE(store.needs_rewrite());
}

TEST_CASE("state store: a newer version's entries are all adopted, a bad version is corrupt", "[state_store]") {
    unit::TempTree t;
    StateStore store(t.root());
    std::string newer = kVersion1;
    newer.replace(newer.find("\"version\": 1"), 12, "\"version\": 7");
    t.write(kStateFile, newer);
    const RuntimeState state = load(store);
    REQUIRE(state.owned.count("qemu-aarch64"));
    CHECK(state.owned.at("qemu-aarch64").adopted);
    CHECK(state.owned.at("qemu-aarch64").pinned.empty());
    CHECK(state.owned.at("aa").adopted);
    CHECK(state.unregistered == std::set<std::string>{"python"});
    CHECK(store.needs_rewrite());

    std::string bad = kVersion1;
    bad.replace(bad.find("\"version\": 1"), 12, "\"version\": \"2\"");
    t.write(kStateFile, bad);
    auto loaded = store.load();
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.failure().message.find("its version is \"2\"") != std::string::npos);

    t.write(kStateFile, R"({"owned": {}, "adopted": [], "unregistered": []})");
    CHECK_FALSE(store.load().ok()); // "adopted" must be an object
}

TEST_CASE("state store: after an upgrade, an entry the old binfmtd registered is still removed with its definition",
          "[state_store][reconciler]") {
    unit::require_root();
    unit::TempTree t;
    unit::FakeKernel kernel;
    const std::string interp = t.interpreter("opt/interp/run");
    std::string v1 = kVersion1;
    v1.replace(v1.find("/opt/interp/run"), 15, interp);
    t.write(kStateFile, v1);
    kernel.someone_registers(fmt::format(":aa:E::aa::{}:", interp)); // what that binfmtd wrote
    kernel.someone_registers(fmt::format(":bb:E::bb::{}:", interp)); // another tool's
    t.write("etc/binfmtd.d/bb.toml", fmt::format("[bb]\nextension = \"bb\"\ninterpreter = \"{}\"\n", interp));

    binfmtd::Reconciler(t.root(), kernel).reconcile();
    // "aa" is no longer defined: still binfmtd's, so it goes; "bb" is adopted and stays.
    CHECK(kernel.writes == std::vector<std::string>{"-aa"});
    const auto doc = nlohmann::json::parse(t.read(kStateFile));
    CHECK(doc["version"] == 2);
    CHECK(doc["adopted"].contains("bb"));
    CHECK_FALSE(doc["owned"].contains("aa"));

    std::filesystem::remove(t.path("etc/binfmtd.d/bb.toml"));
    kernel.writes.clear();
    binfmtd::Reconciler(t.root(), kernel).reconcile();
    CHECK(kernel.writes.empty());
    CHECK(kernel.names() == std::vector<std::string>{"bb"});
}
