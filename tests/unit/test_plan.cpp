#include "plan.hpp"
#include "plan_entries.hpp"

#include <catch2/catch.hpp>

using namespace binfmt;
using unit::ext;

namespace {
KernelEntry in_kernel(const Entry& e, bool enabled = true) { return {e, enabled}; }
const PlannedEntry& state_of(const Plan& p, const std::string& name) {
    for (auto& e : p.entries)
        if (e.name == name) return e;
    FAIL("no planned entry " << name);
    throw;
}
std::vector<std::string> actions(const Plan& p) {
    std::vector<std::string> out;
    for (auto& a : p.actions) out.push_back((a.type == Action::Type::Remove ? "-" : "+") + a.name);
    return out;
}
} // namespace

TEST_CASE("registers what is missing, nothing when the kernel is right", "[plan]") {
    PlanInput in;
    in.desired = {{ext("a"), {}, {}}};
    Plan p = make_plan(in);
    CHECK(actions(p) == std::vector<std::string>{"+a"});
    CHECK(state_of(p, "a").state == State::Active);
    CHECK(p.owned.count("a"));

    in.kernel["a"] = in_kernel(ext("a"));
    in.owned = p.owned;
    Plan again = make_plan(in);
    CHECK(again.actions.empty());
    CHECK(again.owned == in.owned);
}

TEST_CASE("replaces an owned entry that differs, never a foreign one", "[plan]") {
    PlanInput in;
    in.desired = {{ext("a", "/bin/new"), {}, {}}, {ext("b", "/bin/new"), {}, {}}};
    in.kernel["a"] = in_kernel(ext("a", "/bin/old"));
    in.kernel["b"] = in_kernel(ext("b", "/bin/old"));
    in.kernel["f"] = in_kernel(ext("f"));
    in.owned["a"] = {"a", "/etc/binfmtd.d/a.toml", {}, {}};
    Plan p = make_plan(in);
    // A gapless swap: the new definition under a stand-in, the old removed, the new registered.
    CHECK(actions(p) == std::vector<std::string>{"+a.binfmtd-swap", "-a", "+a", "-a.binfmtd-swap"});
    CHECK(state_of(p, "b").state == State::Failed);
    CHECK(state_of(p, "b").error.find("did not register") != std::string::npos);
    CHECK(state_of(p, "f").state == State::Foreign);
    CHECK(state_of(p, "f").origin == "kernel");
    CHECK_FALSE(p.owned.count("b"));
}

TEST_CASE("adopts an identical registration", "[plan]") {
    PlanInput in;
    in.desired = {{ext("a"), {}, {}}};
    in.kernel["a"] = in_kernel(ext("a"), false);
    Plan p = make_plan(in);
    CHECK(p.actions.empty());
    CHECK(state_of(p, "a").state == State::Disabled);
    CHECK(state_of(p, "a").adopted);
    REQUIRE(p.owned.count("a"));
    CHECK(p.owned.at("a").adopted);
}

TEST_CASE("ownership follows the source of the definition: binfmtd's adopts, binfmt.d and binfmts manage",
          "[plan][ownership]") {
    for (auto [source, adopted] :
         {std::pair{Source::Binfmtd, true}, std::pair{Source::BinfmtD, false}, std::pair{Source::Binfmts, false}}) {
        INFO("source " << static_cast<int>(source));
        Entry e = ext("a");
        e.source = source;
        e.flags.fix_binary = true;
        PlanInput in;
        in.desired = {{e, {}, "8:1:100", "/bin/x"}};
        in.kernel["a"] = in_kernel(e); // written by someone else (systemd-binfmt, a script)
        Plan p = make_plan(in);
        CHECK(p.actions.empty()); // identical: nothing is written either way
        CHECK(state_of(p, "a").state == State::Active);
        CHECK(state_of(p, "a").adopted == adopted);
        REQUIRE(p.owned.count("a"));
        CHECK(p.owned.at("a").adopted == adopted);
        // An adopted entry's pin is not binfmtd's to know; a managed one's is the file there now.
        CHECK(p.owned.at("a").pinned == (adopted ? "" : "8:1:100"));

        // The definition goes away: a managed entry is removed, an adopted one stays, foreign.
        PlanInput gone;
        gone.kernel = in.kernel;
        gone.owned = p.owned;
        Plan q = make_plan(gone);
        CHECK(actions(q) == (adopted ? std::vector<std::string>{} : std::vector<std::string>{"-a"}));
        CHECK_FALSE(q.owned.count("a"));
        if (adopted) {
            CHECK(state_of(q, "a").state == State::Foreign);
            CHECK(state_of(q, "a").origin == "kernel");
            CHECK_FALSE(state_of(q, "a").adopted);
        }
    }
}

TEST_CASE("an adopted entry is never changed: a definition that comes to differ fails, field by field",
          "[plan][ownership]") {
    PlanInput in;
    in.desired = {{ext("a", "/bin/new"), {}, {}}};
    in.kernel["a"] = in_kernel(ext("a", "/bin/x"));
    in.owned["a"] = {"a", "/etc/binfmtd.d/a.toml", {}, ":a:E::a::/bin/x:", {}, true};
    Plan p = make_plan(in);
    CHECK(p.actions.empty());
    CHECK(state_of(p, "a").state == State::Failed);
    CHECK_FALSE(state_of(p, "a").adopted);
    CHECK(state_of(p, "a").error.find("interpreter: kernel /bin/x, configuration /bin/new") != std::string::npos);
    CHECK(state_of(p, "a").error.find("did not register (it adopted it while identical)") != std::string::npos);
    CHECK_FALSE(p.owned.count("a"));

    // Disabled or refused: an owned entry would go; an adopted one stays where it is.
    Entry off = ext("a");
    off.enabled = false;
    in.desired = {{off, {Verdict::Kind::Disabled, "unregistered"}, {}}};
    in.kernel["a"] = in_kernel(ext("a"));
    Plan q = make_plan(in);
    CHECK(q.actions.empty());
    CHECK(state_of(q, "a").state == State::Disabled);
    CHECK(state_of(q, "a").error.find("another tool's and stays") != std::string::npos);

    // Its interpreter missing: still adopted, pending, nothing written.
    in.desired = {{ext("a"), {Verdict::Kind::Missing, "interpreter \"/bin/x\" does not exist"}, {}}};
    Plan r = make_plan(in);
    CHECK(r.actions.empty());
    CHECK(state_of(r, "a").state == State::Pending);
    CHECK(state_of(r, "a").adopted);
    CHECK(r.owned.at("a").adopted);
}

TEST_CASE("an adopted F entry is not repinned; once binfmtd registers it, it owns it", "[plan][ownership]") {
    Entry e = ext("f");
    e.flags.fix_binary = true;
    PlanInput in;
    in.desired = {{e, {}, "8:1:200", "/bin/x"}};
    in.kernel["f"] = in_kernel(e);
    in.owned["f"] = {"f", "/etc/binfmtd.d/a.toml", {}, ":f:E::f::/bin/x:F", {}, true};
    Plan p = make_plan(in);
    CHECK(p.actions.empty());
    CHECK(p.owned.at("f").adopted);

    // Flushed: binfmtd registers it, and from then on it is binfmtd's.
    in.kernel.clear();
    Plan q = make_plan(in);
    CHECK(actions(q) == std::vector<std::string>{"+f"});
    CHECK_FALSE(q.owned.at("f").adopted);
    CHECK(q.owned.at("f").pinned == "8:1:200");
    CHECK_FALSE(state_of(q, "f").adopted);

    // A binfmt.d definition of an adopted entry makes it managed, still without a write.
    Entry declared = e;
    declared.source = Source::BinfmtD;
    in.desired = {{declared, {}, "8:1:200", "/bin/x"}};
    in.kernel["f"] = in_kernel(e);
    Plan r = make_plan(in);
    CHECK(r.actions.empty());
    CHECK_FALSE(r.owned.at("f").adopted);
    CHECK_FALSE(state_of(r, "f").adopted);
}

TEST_CASE("an adopted entry whose file broke stays adopted; restored after a flush, it is owned", "[plan][ownership]") {
    PlanInput in;
    in.kernel["a"] = in_kernel(ext("a"));
    in.owned["a"] = {"a", "/etc/binfmtd.d/a.toml", {}, ":a:E::a::/bin/x:", {}, true};
    in.broken_origins = {"/etc/binfmtd.d/a.toml"};
    Plan p = make_plan(in);
    CHECK(p.actions.empty());
    CHECK(state_of(p, "a").state == State::Active);
    CHECK(state_of(p, "a").adopted);
    CHECK(p.owned.at("a").adopted);

    in.kernel.clear();
    Plan q = make_plan(in);
    REQUIRE(q.actions.size() == 1);
    CHECK(q.actions[0].type == Action::Type::Restore);
    CHECK_FALSE(q.owned.at("a").adopted);
}

TEST_CASE("removes owned entries the config dropped, keeps those of broken files", "[plan]") {
    PlanInput in;
    in.kernel["gone"] = in_kernel(ext("gone"));
    in.kernel["kept"] = in_kernel(ext("kept"));
    in.kernel["bad"] = in_kernel(ext("bad"));
    in.owned["gone"] = {"gone", "/etc/binfmtd.d/old.toml", {}, {}};
    in.owned["kept"] = {"kept", "/etc/binfmtd.d/broken.toml", {}, {}};
    in.owned["bad"] = {"bad", "/etc/binfmtd.d/a.toml", {}, {}};
    in.broken_origins = {"/etc/binfmtd.d/broken.toml"};
    in.invalid["bad"] = "a.toml:3:1: [bad] unknown key";
    Plan p = make_plan(in);
    CHECK(actions(p) == std::vector<std::string>{"-gone"});
    CHECK(state_of(p, "kept").state == State::Active);
    CHECK(state_of(p, "kept").error.find("keeping the last valid definition") != std::string::npos);
    CHECK(state_of(p, "bad").error.find("unknown key") != std::string::npos);
    CHECK(p.owned.count("kept"));
    CHECK(p.owned.count("bad"));
    CHECK_FALSE(p.owned.count("gone"));
}

TEST_CASE("blocked entries: pending keeps, failed removes, disabled removes", "[plan]") {
    PlanInput in;
    Entry off = ext("off");
    off.enabled = false;
    in.desired = {{ext("wait"), {Verdict::Kind::Missing, "interpreter \"/bin/x\" does not exist"}, {}},
                  {ext("unsafe"), {Verdict::Kind::Unsafe, "writable by others"}, {}},
                  {off, {Verdict::Kind::Disabled, {}}, {}}};
    for (auto n : {"wait", "unsafe", "off"}) {
        in.kernel[n] = in_kernel(ext(n));
        in.owned[n] = {n, "/etc/binfmtd.d/a.toml", {}, {}};
    }
    Plan p = make_plan(in);
    CHECK(actions(p) == std::vector<std::string>{"-unsafe", "-off"});
    CHECK(state_of(p, "wait").state == State::Pending);
    CHECK(state_of(p, "unsafe").state == State::Failed);
    CHECK(state_of(p, "off").state == State::Disabled);
    CHECK(p.owned.count("wait"));
    CHECK_FALSE(p.owned.count("unsafe"));
}

TEST_CASE("an F entry whose interpreter file was replaced is registered again", "[plan]") {
    PlanInput in;
    Entry e = ext("f");
    e.flags.fix_binary = true;
    Desired d{e, {}, "8:1:200"};
    in.desired = {d};
    in.kernel["f"] = in_kernel(e);
    in.owned["f"] = {"f", "/etc/binfmtd.d/a.toml", "8:1:100", {}};
    Plan p = make_plan(in);
    CHECK(actions(p) == std::vector<std::string>{"+f.binfmtd-swap", "-f", "+f", "-f.binfmtd-swap"});
    CHECK(p.owned.at("f").pinned == "8:1:200");

    in.owned["f"].pinned = "8:1:200"; // same file: nothing to do
    CHECK(make_plan(in).actions.empty());
    e.flags.fix_binary = false; // without F the kernel opens the path at each exec
    in.desired = {{e, {}, "8:1:300"}};
    in.kernel["f"] = in_kernel(e);
    CHECK(make_plan(in).actions.empty());
}

TEST_CASE("an entry whose definition broke is restored from its last registration", "[plan]") {
    PlanInput in;
    in.desired = {{ext("a"), {}, {}}};
    Plan first = make_plan(in);
    REQUIRE(first.owned.count("a"));
    CHECK(first.owned.at("a").registration == ":a:E::a::/bin/x:");

    // The file breaks, then someone flushes the table: the last registration comes back.
    PlanInput broken;
    broken.owned = first.owned;
    broken.broken_origins = {"/etc/binfmtd.d/a.toml"};
    Plan p = make_plan(broken);
    REQUIRE(p.actions.size() == 1);
    CHECK(p.actions[0].type == Action::Type::Restore);
    CHECK(p.actions[0].line == ":a:E::a::/bin/x:");
    CHECK(state_of(p, "a").state == State::Active);
    CHECK(state_of(p, "a").error.find("restored the last valid definition") != std::string::npos);
    CHECK(p.owned == first.owned);

    // Still in the kernel: nothing to do. Nothing remembered: failed, and no longer owned.
    broken.kernel["a"] = in_kernel(ext("a"));
    CHECK(make_plan(broken).actions.empty());
    broken.kernel.clear();
    broken.owned["a"].registration.clear();
    Plan lost = make_plan(broken);
    CHECK(lost.actions.empty());
    CHECK(state_of(lost, "a").state == State::Failed);
    CHECK_FALSE(lost.owned.count("a"));

    // An invalid definition (the file parses) is treated the same way.
    PlanInput invalid;
    invalid.owned = first.owned;
    invalid.invalid["a"] = "a.toml:3:1: bad";
    Plan q = make_plan(invalid);
    REQUIRE(q.actions.size() == 1);
    CHECK(q.actions[0].line == ":a:E::a::/bin/x:");
}

TEST_CASE("a swap's stand-in has a name nobody uses, within NAME_MAX", "[plan]") {
    PlanInput in;
    in.desired = {{ext("a", "/bin/new"), {}, {}}, {ext("a.binfmtd-swap-2", "/bin/x"), {}, {}}};
    in.kernel["a"] = in_kernel(ext("a", "/bin/old"));
    in.kernel["a.binfmtd-swap"] = in_kernel(ext("theirs"));
    in.owned["a"] = {"a", "/etc/binfmtd.d/a.toml", {}, {}};
    Plan p = make_plan(in);
    REQUIRE(p.actions.size() >= 4);
    CHECK(p.actions[0].name == "a.binfmtd-swap-3"); // -1 is a foreign entry, -2 a configured one
    CHECK(p.actions[0].stands_in_for == "a");
    CHECK(p.actions[0].line.find(":a.binfmtd-swap-3:") == 0);
    CHECK(p.actions[0].line.find("/bin/new") != std::string::npos); // the new definition stands in

    const std::string longest(255, 'n');
    PlanInput big;
    big.desired = {{ext(longest, "/bin/new"), {}, {}}};
    big.desired[0].entry.extension = "n";
    big.kernel[longest] = in_kernel(ext(longest, "/bin/old"));
    big.owned[longest] = {longest, "/etc/binfmtd.d/a.toml", {}, {}};
    Plan q = make_plan(big);
    REQUIRE_FALSE(q.actions.empty());
    CHECK(q.actions[0].name.size() == 255);
    CHECK(q.actions[0].name.ends_with(".binfmtd-swap"));
}

namespace {
// An entry matching *.py with a priority, defined at a line of /etc/binfmtd.d/a.toml.
Entry py(const std::string& name, std::int32_t priority, int line = 1) {
    Entry e = ext(name);
    e.extension = "py";
    e.priority = priority;
    e.origin.line = line;
    return e;
}
// The kernel holds `entries` (newest first), all binfmtd's own.
void registered(PlanInput& in, const std::vector<Entry>& entries) {
    for (auto& e : entries) {
        in.kernel[e.name] = in_kernel(e);
        in.kernel_order.push_back(e.name);
        in.owned[e.name] = {e.name, e.origin.file, {}, {}};
    }
}
} // namespace

TEST_CASE("overlapping entries are registered lowest rank first, whatever their names", "[plan][priority]") {
    PlanInput in;
    in.desired = {{py("a", 10), {}, {}}, {py("b", 0), {}, {}}, {ext("c"), {}, {}}, {py("d", 5), {}, {}}};
    Plan p = make_plan(in);
    // c overlaps nothing and stays where it was; the three *.py entries go where the first of
    // them was, b (0) first, a (10) last: the kernel tries a first.
    CHECK(actions(p) == std::vector<std::string>{"+b", "+d", "+a", "+c"});
    CHECK(p.reorders.empty()); // nothing was registered again only for its place
}

TEST_CASE("a kernel order that matches the ranks is left alone: nothing written", "[plan][priority]") {
    PlanInput in;
    in.desired = {{py("a", 10), {}, {}}, {py("b", 0), {}, {}}};
    registered(in, {py("a", 10), py("b", 0)});
    CHECK(make_plan(in).actions.empty());
}

TEST_CASE("an entry out of order is registered again through a stand-in, above what it outranks", "[plan][priority]") {
    PlanInput in;
    in.desired = {{py("a", 10), {}, {}}, {py("b", 0), {}, {}}};
    registered(in, {py("b", 0), py("a", 10)}); // b newest: the kernel would run b
    Plan p = make_plan(in);
    CHECK(actions(p) == std::vector<std::string>{"+a.binfmtd-swap", "-a", "+a", "-a.binfmtd-swap"});
    REQUIRE(p.reorders.size() == 1);
    CHECK(p.reorders[0].name == "a");
    CHECK(p.reorders[0].outranks == "b");
    CHECK(p.reorders[0].why == "priority 10 over 0");
    CHECK(state_of(p, "a").state == State::Active);
    CHECK_FALSE(p.owned.at("a").adopted);

    // Priorities swapped in the configuration: b is the one to move now.
    in.desired = {{py("a", 0), {}, {}}, {py("b", 10), {}, {}}};
    in.kernel_order = {"a", "b"};
    CHECK(actions(make_plan(in)) == std::vector<std::string>{"+b.binfmtd-swap", "-b", "+b", "-b.binfmtd-swap"});

    // Ties are broken by the tie rule: the later line wins.
    in.desired = {{py("a", 0, 3), {}, {}}, {py("b", 0, 8), {}, {}}};
    const Plan tie = make_plan(in);
    CHECK(actions(tie) == std::vector<std::string>{"+b.binfmtd-swap", "-b", "+b", "-b.binfmtd-swap"});
    CHECK(tie.reorders.at(0).why == "both priority 0; the later line of \"/etc/binfmtd.d/a.toml\" wins: 8 after 3");
}

TEST_CASE("a new or changed low entry lifts the overlapping ones above it again", "[plan][priority]") {
    PlanInput in;
    in.desired = {{py("a", 10), {}, {}}, {py("b", 5), {}, {}}, {py("c", 0), {}, {}}};
    registered(in, {py("a", 10), py("b", 5)});
    // c is new (as after it was added, or flushed alone): registered first, then b and a again.
    CHECK(actions(make_plan(in)) == std::vector<std::string>{"+c", "+b.binfmtd-swap", "-b", "+b", "-b.binfmtd-swap",
                                                             "+a.binfmtd-swap", "-a", "+a", "-a.binfmtd-swap"});
    // After a flush: every one registered, in rank order, no stand-in needed.
    PlanInput flushed;
    flushed.desired = in.desired;
    flushed.owned = in.owned;
    CHECK(actions(make_plan(flushed)) == std::vector<std::string>{"+c", "+b", "+a"});
}

TEST_CASE("a name the kernel's order lacks counts as the oldest", "[plan][priority]") {
    PlanInput in;
    in.desired = {{py("a", 10), {}, {}}, {py("b", 0), {}, {}}};
    registered(in, {py("a", 10), py("b", 0)});
    in.kernel_order = {"b"}; // a not listed: older than b, so out of order
    CHECK(actions(make_plan(in)) == std::vector<std::string>{"+a.binfmtd-swap", "-a", "+a", "-a.binfmtd-swap"});
}

TEST_CASE("another tool's entries are never moved: adopted ones are ranked, foreign ones ignored", "[plan][priority]") {
    PlanInput in;
    // hi is adopted (another tool's, identical to its binfmtd.d definition), and older than lo.
    in.desired = {{py("hi", 10), {}, {}}, {py("lo", 0), {}, {}}};
    in.kernel["hi"] = in_kernel(py("hi", 10));
    in.kernel["lo"] = in_kernel(py("lo", 0));
    in.kernel_order = {"lo", "hi"};
    in.owned["lo"] = {"lo", "/etc/binfmtd.d/a.toml", {}, {}};
    Plan p = make_plan(in);
    CHECK(p.actions.empty()); // hi would have to move: it is not binfmtd's to register again
    CHECK(state_of(p, "hi").adopted);

    // An adopted entry newer than a managed one that outranks it: the managed one moves above it.
    in.desired = {{py("hi", 0), {}, {}}, {py("lo", 10), {}, {}}};
    in.kernel_order = {"hi", "lo"};
    CHECK(actions(make_plan(in)) == std::vector<std::string>{"+lo.binfmtd-swap", "-lo", "+lo", "-lo.binfmtd-swap"});

    // A foreign entry newer than a managed one: left alone, and nothing moves for it.
    PlanInput f;
    f.desired = {{py("mine", 10), {}, {}}};
    registered(f, {py("mine", 10)});
    Entry theirs = py("theirs", 0);
    f.kernel["theirs"] = in_kernel(theirs);
    f.kernel_order.insert(f.kernel_order.begin(), "theirs");
    CHECK(make_plan(f).actions.empty());
}

TEST_CASE("an entry disabled in the kernel is not registered again for its place", "[plan][priority]") {
    PlanInput in;
    in.desired = {{py("a", 10), {}, {}}, {py("b", 0), {}, {}}};
    registered(in, {py("b", 0), py("a", 10)});
    in.kernel["a"].enabled = false; // echo 0 > .../a: registering it again would enable it
    Plan p = make_plan(in);
    CHECK(p.actions.empty());
    CHECK(state_of(p, "a").state == State::Disabled);
}
