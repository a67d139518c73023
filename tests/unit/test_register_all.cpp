// Manager::register_all on a temporary --root and the fake kernel: every entry or none. A
// refused call leaves the kernel, the definition files, the state file and Describe exactly
// as they were, and the kernel never lacks an entry that ran a file before.
#include "fake_kernel.hpp"
#include "manager.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using binfmtd::Manager;
using binfmtd::Registration;
using unit::FakeKernel;
using unit::TempTree;
using Code = binfmt::ApiErrorCode;

namespace {
struct Fixture {
    TempTree tree;
    FakeKernel kernel;
    std::string interp, other;
    Manager manager;
    Fixture()
        : interp((unit::require_root(), tree.interpreter("opt/interp/run"))),
          other(tree.interpreter("opt/interp/other")), manager(tree.root(), kernel) {
        manager.reload();
    }
    binfmt::Spec spec(const std::string& interpreter, const std::string& ext) const {
        return {{"extension", ext}, {"interpreter", interpreter}};
    }
    // Everything a call could change, as text.
    std::string snapshot() const {
        std::string s;
        for (auto& slot : kernel.table)
            s += fmt::format("kernel {} {} {} {}\n", slot.name, slot.parsed.extension, slot.parsed.interpreter,
                             slot.enabled);
        for (auto dir : {"etc/binfmtd.d", "run/binfmtd.d", "run/binfmtd"}) {
            if (!tree.exists(dir)) continue;
            for (auto& f : std::filesystem::directory_iterator(tree.path(dir)))
                s += fmt::format("file {}\n{}\n", f.path().string(), tree.read(std::filesystem::relative(f, tree.dir)));
        }
        return s + manager.describe();
    }
};

binfmtd::Failure refusal(const binfmtd::Status& s) {
    REQUIRE_FALSE(s.ok());
    return s.failure();
}
} // namespace

TEST_CASE("register_all: every entry registered together", "[register_all]") {
    Fixture f;
    REQUIRE(f.manager.register_all({{"aa", f.spec(f.interp, "aa")}, {"bb", f.spec(f.other, "bb")}}, {}).ok());
    CHECK(f.kernel.find("aa"));
    CHECK(f.kernel.find("bb"));
    CHECK(f.tree.exists("run/binfmtd.d/aa.toml"));
    CHECK(f.tree.exists("run/binfmtd.d/bb.toml"));
}

TEST_CASE("register_all: a daemon-side refusal of one entry writes nothing at all", "[register_all]") {
    Fixture f;
    REQUIRE(f.manager.register_entry("bb", f.spec(f.interp, "bb"), {}).ok());
    const std::string before = f.snapshot();
    f.kernel.writes.clear();
    const std::string writable = f.tree.write("opt/w/run", "#!/bin/sh\n", 0777);
    auto s = f.manager.register_all({{"aa", f.spec(f.interp, "aa")},
                                     {"bb", f.spec(f.other, "bb")},
                                     {"cc", f.spec(writable, "cc")}},
                                    {.replace = true});
    CHECK(refusal(s).code == Code::UnsafeInterpreter);
    CHECK(s.failure().message.find("entry \"cc\"") != std::string::npos);
    CHECK(f.kernel.writes.empty());
    CHECK(f.snapshot() == before);
}

TEST_CASE("register_all: duplicates, an empty list, too many entries, bad names are InvalidEntry", "[register_all]") {
    Fixture f;
    const std::string before = f.snapshot();
    auto dup = f.manager.register_all({{"aa", f.spec(f.interp, "aa")}, {"aa", f.spec(f.other, "ab")}}, {});
    CHECK(refusal(dup).code == Code::InvalidEntry);
    CHECK(dup.failure().message.find("\"aa\" is given twice") != std::string::npos);
    CHECK(refusal(f.manager.register_all({}, {})).code == Code::InvalidEntry);
    std::vector<Registration> many;
    for (std::size_t i = 0; i <= Manager::kMaxEntriesPerCall; ++i)
        many.push_back({fmt::format("e{}", i), f.spec(f.interp, fmt::format("e{}", i))});
    auto flood = f.manager.register_all(many, {});
    CHECK(refusal(flood).code == Code::InvalidEntry);
    CHECK(flood.failure().message.find("at most 256") != std::string::npos);
    auto named = f.manager.register_all({{"aa", f.spec(f.interp, "aa")}, {"register", f.spec(f.interp, "r")}}, {});
    CHECK(refusal(named).code == Code::InvalidEntry);
    CHECK(named.failure().message.find("entry \"register\"") != std::string::npos);
    CHECK(f.kernel.writes.empty());
    CHECK(f.snapshot() == before);
}

TEST_CASE("register_all: a kernel refusal of one entry rolls every other one back without a gap", "[register_all]") {
    Fixture f;
    // bb is replaced by the call, so its old definition must run *.bb at every moment.
    REQUIRE(f.manager.register_entry("bb", f.spec(f.interp, "bb"), {}).ok());
    f.tree.write("usr/lib/binfmtd.d/vendor.toml",
                 fmt::format("[dd]\nextension = \"dd\"\ninterpreter = \"{}\"\n", f.interp));
    f.manager.reload();
    REQUIRE(f.manager.unregister_entry("dd", false).ok()); // kept out until reboot
    const std::string before = f.snapshot();

    std::vector<std::size_t> bb_runs;
    f.kernel.after_write = [&] { bb_runs.push_back(f.kernel.matching("x.bb")); };
    f.kernel.refuse = {"cc"};
    auto s = f.manager.register_all({{"aa", f.spec(f.other, "aa")},
                                     {"bb", f.spec(f.other, "bb")},
                                     {"cc", f.spec(f.other, "cc")},
                                     {"dd", f.spec(f.other, "dd")}},
                                    {.replace = true});
    CHECK(refusal(s).code == Code::KernelRejected);
    CHECK(s.failure().message.find("entry \"cc\" was not registered") != std::string::npos);
    CHECK(s.failure().message.find("nothing was changed") != std::string::npos);
    CHECK_FALSE(bb_runs.empty()); // bb was swapped to the new definition and back
    CHECK(std::find(bb_runs.begin(), bb_runs.end(), 0U) == bb_runs.end());
    CHECK(f.snapshot() == before);
}

TEST_CASE("register_all: a replacement the kernel refuses keeps the old registration in, never a gap",
          "[register_all]") {
    Fixture f;
    REQUIRE(f.manager.register_entry("bb", f.spec(f.interp, "bb"), {}).ok());
    const std::string before = f.snapshot();
    std::vector<std::size_t> bb_runs;
    f.kernel.after_write = [&] { bb_runs.push_back(f.kernel.matching("x.bb")); };

    const std::string other = f.other;
    SECTION("the kernel takes the stand-in but not the entry under its own name") {
        f.kernel.refuse_if = [&](const kmodel::Parsed& p) { return p.name == "bb" && p.interpreter == other; };
    }
    SECTION("the kernel refuses the new definition under any name") {
        f.kernel.refuse_if = [&](const kmodel::Parsed& p) { return p.interpreter == other && p.extension == "bb"; };
    }
    auto s = f.manager.register_all({{"bb", f.spec(f.other, "bb")}, {"ee", f.spec(f.other, "ee")}}, {.replace = true});
    CHECK(refusal(s).code == Code::KernelRejected);
    CHECK(std::find(bb_runs.begin(), bb_runs.end(), 0U) == bb_runs.end());
    CHECK(f.snapshot() == before);
    REQUIRE(f.kernel.find("bb"));
    CHECK(f.kernel.find("bb")->parsed.interpreter == f.interp);
}

TEST_CASE("register_all: one entry outranked by /etc refuses the call, AlreadyExists", "[register_all]") {
    Fixture f;
    f.tree.write("etc/binfmtd.d/admin.toml", fmt::format("[bb]\nextension = \"bb\"\ninterpreter = \"{}\"\n", f.interp));
    f.manager.reload();
    const std::string before = f.snapshot();
    auto s = f.manager.register_all({{"aa", f.spec(f.other, "aa")}, {"bb", f.spec(f.other, "bb")}}, {.replace = true});
    CHECK(refusal(s).code == Code::AlreadyExists);
    CHECK(s.failure().message.find("takes precedence") != std::string::npos);
    CHECK(f.snapshot() == before);
}
