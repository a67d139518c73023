// The watch sources on a temporary directory with real inotify: inotify queues an event
// before the system call that caused it returns, so each test reads it at once.
#include "event_loop.hpp"
#include "watch_config.hpp"
#include "watch_interpreters.hpp"
#include "watch_kernel.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Urgency = binfmtd::ReconcileScheduler::Urgency;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::string t = (fs::temp_directory_path() / "binfmtd-watch.XXXXXX").string();
        REQUIRE(::mkdtemp(t.data()));
        path = t;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

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
    TempDir t;
    write(t.path / "register", "");
    binfmtd::EventLoop loop;
    Recorder rec;
    binfmtd::KernelTableWatch kernel(loop, t.path.string(), rec.fn());
    kernel.update(true, {}); // mounted: watched from now on
    REQUIRE(rec.requests.empty());

    write(t.path / "register", ":x:E::x::/bin/true:");
    kernel.update(true, {true, {}}); // the reconcile wrote register
    CHECK(rec.requests.empty());

    write(t.path / "register", ":y:E::y::/bin/true:");
    kernel.update(true, {false, {"y"}}); // it did not write register: someone else did
    REQUIRE(rec.requests.size() == 1);
    CHECK(rec.requests[0].why == "binfmt_misc changed");
    CHECK(rec.requests[0].urgency == Urgency::Urgent);
    CHECK(rec.requests[0].delay_usec == binfmtd::KernelTableWatch::kCoalesceUsec);

    // An entry's own file removed by the reconcile is its own; "status" never is.
    write(t.path / "y", "");
    fs::remove(t.path / "y");
    kernel.update(true, {false, {"y"}});
    CHECK(rec.requests.size() == 1);
    write(t.path / "status", "-1");
    kernel.update(true, {true, {"y"}});
    CHECK(rec.requests.size() == 2);

    // Between reconciles every event is someone else's.
    write(t.path / "register", ":z:E::z::/bin/true:");
    kernel.on_readable();
    CHECK(rec.requests.size() == 3);
    // Events a reconcile is about to read anyway are dropped.
    write(t.path / "register", ":z:E::z::/bin/true:");
    kernel.discard_events();
    kernel.on_readable();
    CHECK(rec.requests.size() == 3);
}

TEST_CASE("watch: a configuration change asks for a settled reconcile", "[watch]") {
    TempDir t;
    fs::create_directory(t.path / "etc");
    write(t.path / "etc" / "a.toml", "[a]\n");
    binfmtd::EventLoop loop;
    Recorder rec;
    binfmtd::ConfigWatch config(loop, {(t.path / "etc").string(), (t.path / "run" / "d").string()}, rec.fn());
    config.on_readable();
    REQUIRE(rec.requests.empty());

    SECTION("a file created") { write(t.path / "etc" / "b.toml", "[b]\n"); }
    // Truncated before it is written: the truncation alone must restart the wait.
    SECTION("a file truncated") { fs::resize_file(t.path / "etc" / "a.toml", 0); }
    SECTION("a missing directory created, then a file in it") {
        fs::create_directories(t.path / "run" / "d");
        config.on_readable();
        REQUIRE(rec.requests.size() == 1);
        config.rearm_if_needed(); // the directory itself is watched from now on
        rec.requests.clear();
        write(t.path / "run" / "d" / "c.toml", "[c]\n");
    }
    config.on_readable();
    REQUIRE(rec.requests.size() == 1);
    CHECK(rec.requests[0].why == "the configuration changed");
    CHECK(rec.requests[0].urgency == Urgency::Settle);
}

TEST_CASE("watch: unrelated files next to what is watched ask for nothing", "[watch]") {
    TempDir t;
    binfmtd::EventLoop loop;
    Recorder rec;
    binfmtd::ConfigWatch config(loop, {(t.path / "run" / "d").string()}, rec.fn()); // missing: the parent waits
    write(t.path / "unrelated", "");
    fs::remove(t.path / "unrelated");
    config.on_readable();
    CHECK(rec.requests.empty());
}

TEST_CASE("watch: an interpreter's link target replaced asks for a settled reconcile", "[watch]") {
    TempDir t;
    fs::create_directories(t.path / "lib" / "v1");
    fs::create_directories(t.path / "bin");
    write(t.path / "lib" / "v1" / "interp", "1");
    fs::create_symlink("../lib/v1/interp", t.path / "bin" / "linked");
    binfmtd::EventLoop loop;
    Recorder rec;
    binfmtd::InterpreterWatch interpreters(loop, rec.fn());
    interpreters.watch({(t.path / "bin" / "linked").string()});
    REQUIRE(rec.requests.empty());

    write(t.path / "lib" / "v1" / "other", ""); // not on the way
    interpreters.on_readable();
    CHECK(rec.requests.empty());
    write(t.path / "lib" / "v1" / "interp.new", "2");
    fs::rename(t.path / "lib" / "v1" / "interp.new", t.path / "lib" / "v1" / "interp");
    interpreters.on_readable();
    REQUIRE(rec.requests.size() == 1);
    CHECK(rec.requests[0].why == "an interpreter changed");
    CHECK(rec.requests[0].urgency == Urgency::Settle);
}
