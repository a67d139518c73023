// The watch sources on a temporary directory with real inotify: inotify queues an event
// before the system call that caused it returns, so each test reads it at once.
#include "event_loop.hpp"
#include "watch_config.hpp"
#include "watch_interpreters.hpp"
#include "watch_kernel.hpp"

#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Urgency = binfmtd::ReconcileScheduler::Urgency;

namespace {

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

struct Request {
    std::string why;
    Urgency urgency;
    std::uint64_t delay_usec;
};

struct Recorder {
    std::vector<Request> requests;
    binfmtd::Schedule fn() {
        return [this](const std::string& why, Urgency u, std::uint64_t delay) { requests.push_back({why, u, delay}); };
    }
};

} // namespace

TEST_CASE("watch: binfmt_misc events are foreign unless the reconcile marked them as its own", "[watch]") {
    unit::TempTree t;
    write(t.dir / "register", "");
    binfmtd::EventLoop loop;
    Recorder rec;
    binfmtd::KernelTableWatch kernel(loop, t.dir.string(), rec.fn());
    kernel.update(true, {}); // mounted: watched from now on
    REQUIRE(rec.requests.empty());

    write(t.dir / "register", ":x:E::x::/bin/true:");
    kernel.update(true, {true, {}, {}}); // the reconcile wrote register
    CHECK(rec.requests.empty());

    write(t.dir / "register", ":y:E::y::/bin/true:");
    kernel.update(true, {false, {"y"}, {}}); // it did not write register: someone else did
    REQUIRE(rec.requests.size() == 1);
    CHECK(rec.requests[0].why == "binfmt_misc changed");
    CHECK(rec.requests[0].urgency == Urgency::Urgent);
    CHECK(rec.requests[0].delay_usec == binfmtd::KernelTableWatch::kCoalesceUsec);

    // An entry's own file removed by the reconcile is its own; "status" never is.
    write(t.dir / "y", "");
    fs::remove(t.dir / "y");
    kernel.update(true, {false, {"y"}, {}});
    CHECK(rec.requests.size() == 1);
    write(t.dir / "status", "-1");
    kernel.update(true, {true, {"y"}, {}});
    CHECK(rec.requests.size() == 2);

    // Between reconciles every event is someone else's.
    write(t.dir / "register", ":z:E::z::/bin/true:");
    kernel.on_readable();
    CHECK(rec.requests.size() == 3);
    // Events a reconcile is about to read anyway are dropped.
    write(t.dir / "register", ":z:E::z::/bin/true:");
    kernel.discard_events();
    kernel.on_readable();
    CHECK(rec.requests.size() == 3);
}

TEST_CASE("watch: a registration merged into our own event is told apart by the table", "[watch]") {
    unit::TempTree t;
    write(t.dir / "register", "");
    write(t.dir / "ours", "");
    write(t.dir / "theirs", ""); // before the watch: it stands for an event merged into ours
    binfmtd::EventLoop loop;
    Recorder rec;
    binfmtd::KernelTableWatch kernel(loop, t.dir.string(), rec.fn());
    kernel.update(true, {});
    REQUIRE(rec.requests.empty());

    write(t.dir / "register", ":ours:E::o::/bin/true:");
    kernel.update(true, {true, {}, {"ours", "theirs"}}); // the reconcile saw both
    CHECK(rec.requests.empty());
    write(t.dir / "register", ":ours:E::o::/bin/true:");
    kernel.update(true, {true, {}, {"ours"}}); // "theirs" came in with our write
    REQUIRE(rec.requests.size() == 1);
    CHECK(rec.requests[0].why == "binfmt_misc changed");
}

TEST_CASE("watch: a configuration change asks for a settled reconcile", "[watch]") {
    unit::TempTree t;
    fs::create_directory(t.dir / "etc");
    write(t.dir / "etc" / "a.toml", "[a]\n");
    binfmtd::EventLoop loop;
    Recorder rec;
    binfmtd::ConfigWatch config(loop, {(t.dir / "etc").string(), (t.dir / "run" / "d").string()}, rec.fn());
    config.on_readable();
    REQUIRE(rec.requests.empty());

    SECTION("a file created") { write(t.dir / "etc" / "b.toml", "[b]\n"); }
    // Truncated before it is written: the truncation alone must restart the wait.
    SECTION("a file truncated") { fs::resize_file(t.dir / "etc" / "a.toml", 0); }
    SECTION("a missing directory created, then a file in it") {
        fs::create_directories(t.dir / "run" / "d");
        config.on_readable();
        REQUIRE(rec.requests.size() == 1);
        config.rearm_if_needed(); // the directory itself is watched from now on
        rec.requests.clear();
        write(t.dir / "run" / "d" / "c.toml", "[c]\n");
    }
    config.on_readable();
    REQUIRE(rec.requests.size() == 1);
    CHECK(rec.requests[0].why == "the configuration changed");
    CHECK(rec.requests[0].urgency == Urgency::Settle);
}

TEST_CASE("watch: unrelated files next to what is watched ask for nothing", "[watch]") {
    unit::TempTree t;
    binfmtd::EventLoop loop;
    Recorder rec;
    binfmtd::ConfigWatch config(loop, {(t.dir / "run" / "d").string()}, rec.fn()); // missing: the parent waits
    write(t.dir / "unrelated", "");
    fs::remove(t.dir / "unrelated");
    config.on_readable();
    CHECK(rec.requests.empty());
}

TEST_CASE("watch: an interpreter's link target replaced asks for a settled reconcile", "[watch]") {
    unit::TempTree t;
    fs::create_directories(t.dir / "lib" / "v1");
    fs::create_directories(t.dir / "bin");
    write(t.dir / "lib" / "v1" / "interp", "1");
    fs::create_symlink("../lib/v1/interp", t.dir / "bin" / "linked");
    binfmtd::EventLoop loop;
    Recorder rec;
    binfmtd::InterpreterWatch interpreters(loop, rec.fn());
    interpreters.watch({(t.dir / "bin" / "linked").string()});
    REQUIRE(rec.requests.empty());

    write(t.dir / "lib" / "v1" / "other", ""); // not on the way
    interpreters.on_readable();
    CHECK(rec.requests.empty());
    write(t.dir / "lib" / "v1" / "interp.new", "2");
    fs::rename(t.dir / "lib" / "v1" / "interp.new", t.dir / "lib" / "v1" / "interp");
    interpreters.on_readable();
    REQUIRE(rec.requests.size() == 1);
    CHECK(rec.requests[0].why == "an interpreter changed");
    CHECK(rec.requests[0].urgency == Urgency::Settle);
}
