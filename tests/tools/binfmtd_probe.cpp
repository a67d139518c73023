// binfmtd-probe: a small D-Bus client for the hardening tests. It says what busctl cannot
// (the error *name* of a failed call), sends what busctl cannot (1 MiB arguments, wrong
// signatures, variants of any type), and runs the long loops (10000 denied calls, the load
// test) without a process per call.
//
//   binfmtd-probe register NAME [KEY:TYPE=VALUE ...] [--option KEY:TYPE=VALUE ...]
//   binfmtd-probe unregister NAME [--option KEY:TYPE=VALUE ...]
//   binfmtd-probe call METHOD [TYPE=VALUE ...]     any arguments, whatever the signature says
//   binfmtd-probe deny-flood COUNT                  COUNT valid Register calls; all must be denied
//   binfmtd-probe flip NAME INTERP_A INTERP_B       persistent Register (replace) alternating the
//                                                   two interpreters until a call fails
//   binfmtd-probe load --seconds S --readers R --writers W --pid PID --entry NAME
//                      --interpreter PATH           concurrent readers + writers, latency report
//
// A NAME or string VALUE of the form "*N*TEXT" is TEXT repeated N times; an `ay` VALUE is
// hex ("7f454c46") or "*N*HH" (byte HH, N times). TYPEs: s b u i x y d o as ay vs (a variant
// holding a string) a{sv} (items KEY:TYPE=VALUE separated by ';') a{ss} (items K=V by ';').
// `register`/`unregister`/`call` print "OK" or "ERROR <error name>" then the message (cut at
// 400 bytes), and exit 0 on success, 1 on an error reply, 2 on bad usage.
// Talks to the system bus: DBUS_SYSTEM_BUS_ADDRESS selects the tests' private one.
#include <sdbus-c++/sdbus-c++.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr const char* kService = "org.binfmtd1";
constexpr const char* kPath = "/org/binfmtd1";
constexpr const char* kInterface = "org.binfmtd1.Manager";
using Dict = std::map<std::string, sdbus::Variant>;
using Clock = std::chrono::steady_clock;

[[noreturn]] void usage(const std::string& why) {
    std::cerr << "binfmtd-probe: " << why << " (see the comment at the top of tests/tools/binfmtd_probe.cpp)\n";
    std::exit(2);
}

std::string expand(const std::string& v) {
    if (v.size() > 2 && v[0] == '*') {
        auto star = v.find('*', 1);
        if (star != std::string::npos) {
            std::size_t n = std::stoul(v.substr(1, star - 1));
            std::string unit = v.substr(star + 1), out;
            out.reserve(n * unit.size());
            for (std::size_t i = 0; i < n; ++i) out += unit;
            return out;
        }
    }
    return v;
}

std::vector<std::uint8_t> bytes_of(const std::string& v) {
    std::string hex = v;
    if (v.size() > 2 && v[0] == '*') hex = expand(v);
    if (hex.size() % 2) usage("odd hex length in \"" + v.substr(0, 40) + "\"");
    std::vector<std::uint8_t> out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2)
        out.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
    return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    if (s.empty()) return out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, sep)) out.push_back(cur);
    return out;
}

struct Item {
    std::string key, type, value;
};

// KEY:TYPE=VALUE
Item parse_item(const std::string& item) {
    auto colon = item.find(':');
    auto eq = item.find('=', colon == std::string::npos ? 0 : colon);
    if (colon == std::string::npos || eq == std::string::npos)
        usage("expected KEY:TYPE=VALUE, got \"" + item.substr(0, 80) + "\"");
    return {expand(item.substr(0, colon)), item.substr(colon + 1, eq - colon - 1), item.substr(eq + 1)};
}

std::vector<Item> parse_items(const std::string& items) {
    std::vector<Item> out;
    for (auto& item : split(items, ';')) out.push_back(parse_item(item));
    return out;
}

void append_dict(sdbus::Message& m, const std::vector<Item>& items);

// A bare value of TYPE, written straight into the message (so that any nesting can be sent,
// which sdbus::Variant's constructors cannot express: a Variant of a Variant is a copy).
void append_value(sdbus::Message& m, const std::string& type, const std::string& value) {
    if (type == "s") m << expand(value);
    else if (type == "b") m << (value == "true" || value == "1");
    else if (type == "u") m << static_cast<std::uint32_t>(std::stoull(value));
    else if (type == "i") m << static_cast<std::int32_t>(std::stoll(value));
    else if (type == "x") m << static_cast<std::int64_t>(std::stoll(value));
    else if (type == "y") m << static_cast<std::uint8_t>(std::stoul(value));
    else if (type == "d") m << std::stod(value);
    else if (type == "o") m << sdbus::ObjectPath(value);
    else if (type == "as") m << split(value, ',');
    else if (type == "ay") m << bytes_of(value);
    else if (type == "a{sv}") append_dict(m, parse_items(value));
    else if (type == "a{ss}") {
        std::map<std::string, std::string> d;
        for (auto& kv : split(value, ';')) {
            auto e = kv.find('=');
            d[kv.substr(0, e)] = e == std::string::npos ? "" : kv.substr(e + 1);
        }
        m << d;
    } else usage("unknown type \"" + type + "\"");
}

void append_variant(sdbus::Message& m, const std::string& type, const std::string& value) {
    if (type == "vs") { // a variant holding a variant holding a string
        m.openVariant("v");
        m.openVariant("s");
        m << expand(value);
        m.closeVariant();
        m.closeVariant();
        return;
    }
    m.openVariant(type);
    append_value(m, type, value);
    m.closeVariant();
}

void append_dict(sdbus::Message& m, const std::vector<Item>& items) {
    m.openContainer("{sv}");
    for (auto& item : items) {
        m.openDictEntry("sv");
        m << item.key;
        append_variant(m, item.type, item.value);
        m.closeDictEntry();
    }
    m.closeContainer();
}

void append_arg(sdbus::Message& m, const std::string& arg) {
    auto eq = arg.find('=');
    if (eq == std::string::npos) usage("expected TYPE=VALUE, got \"" + arg.substr(0, 80) + "\"");
    const std::string type = arg.substr(0, eq), value = arg.substr(eq + 1);
    if (type == "v") append_variant(m, "s", value);
    else append_value(m, type, value);
}

int report(const std::function<void()>& call) {
    try {
        call();
        std::cout << "OK\n";
        return 0;
    } catch (const sdbus::Error& e) {
        std::string msg = e.getMessage();
        if (msg.size() > 400) msg = msg.substr(0, 400) + "... (" + std::to_string(msg.size()) + " bytes)";
        std::cout << "ERROR " << e.getName() << "\n" << msg << "\n";
        return 1;
    }
}

struct Client {
    std::unique_ptr<sdbus::IConnection> bus = sdbus::createSystemBusConnection();
    std::unique_ptr<sdbus::IProxy> proxy = sdbus::createProxy(*bus, kService, kPath);

    void register_entry(const std::string& name, const Dict& spec, const Dict& options) {
        proxy->callMethod("Register").onInterface(kInterface).withArguments(name, spec, options);
    }
    void unregister(const std::string& name, const Dict& options) {
        proxy->callMethod("Unregister").onInterface(kInterface).withArguments(name, options);
    }
};

// ---- register / unregister / call ------------------------------------------------------------
int cmd_register(const std::vector<std::string>& args, bool unregister) {
    if (args.empty()) usage("NAME missing");
    std::vector<Item> spec, options;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--option") {
            if (++i == args.size()) usage("--option needs KEY:TYPE=VALUE");
            options.push_back(parse_item(args[i]));
        } else {
            spec.push_back(parse_item(args[i]));
        }
    }
    Client c;
    auto m = c.proxy->createMethodCall(kInterface, unregister ? "Unregister" : "Register");
    m << expand(args[0]);
    if (!unregister) append_dict(m, spec);
    else if (!spec.empty()) usage("unregister takes no spec");
    append_dict(m, options);
    return report([&] { c.proxy->callMethod(m); });
}

int cmd_call(const std::vector<std::string>& args) {
    if (args.empty()) usage("METHOD missing");
    Client c;
    auto m = c.proxy->createMethodCall(kInterface, args[0]);
    for (std::size_t i = 1; i < args.size(); ++i) append_arg(m, args[i]);
    return report([&] { c.proxy->callMethod(m); });
}

// ---- deny-flood --------------------------------------------------------------------------------
int cmd_deny_flood(const std::vector<std::string>& args) {
    if (args.size() != 1) usage("deny-flood COUNT");
    const long count = std::stol(args[0]);
    Client c;
    const Dict spec{{"extension", sdbus::Variant(std::string("flood"))},
                    {"interpreter", sdbus::Variant(std::string("/bin/true"))}};
    std::map<std::string, long> by_name;
    const auto start = Clock::now();
    for (long i = 0; i < count; ++i) {
        try {
            c.register_entry("flood-" + std::to_string(i % 97), spec, {});
            ++by_name["(success)"];
        } catch (const sdbus::Error& e) {
            ++by_name[e.getName()];
        }
    }
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    std::cout << "calls=" << count << " seconds=" << secs << "\n";
    for (auto& [name, n] : by_name) std::cout << "reply " << name << " " << n << "\n";
    const bool all_denied = by_name.size() == 1 && by_name.count("org.freedesktop.DBus.Error.AccessDenied");
    return all_denied ? 0 : 1;
}

// ---- flip ----------------------------------------------------------------------------------------
int cmd_flip(const std::vector<std::string>& args) {
    if (args.size() != 3) usage("flip NAME INTERP_A INTERP_B");
    Client c;
    const Dict options{{"persist", sdbus::Variant(true)}, {"replace", sdbus::Variant(true)}};
    for (long i = 0;; ++i) {
        const Dict spec{{"extension", sdbus::Variant(std::string("flip"))},
                        {"interpreter", sdbus::Variant(args[1 + i % 2])}};
        try {
            c.register_entry(args[0], spec, options);
        } catch (const sdbus::Error& e) {
            std::cout << "done " << i << " " << e.getName() << "\n";
            return 0;
        }
        std::cout << "registered " << i << " " << args[1 + i % 2] << std::endl;
    }
}

// ---- load --------------------------------------------------------------------------------------
struct Sample {
    double t;
    long rss_kb;
    long fds;
};

long rss_kb(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

long fd_count(int pid) {
    DIR* d = ::opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
    if (!d) return -1;
    long n = 0;
    while (auto* e = ::readdir(d))
        if (e->d_name[0] != '.') ++n;
    ::closedir(d);
    return n;
}

struct Stats {
    std::vector<double> us; // latencies
    long failures = 0;
    std::vector<std::string> errors;
    void add(const Stats& o) {
        us.insert(us.end(), o.us.begin(), o.us.end());
        failures += o.failures;
        for (auto& e : o.errors)
            if (errors.size() < 5) errors.push_back(e);
    }
};

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

template <typename F> void timed(Stats& s, const char* what, F&& f) {
    const auto t0 = Clock::now();
    try {
        f();
        s.us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    } catch (const sdbus::Error& e) {
        ++s.failures;
        if (s.errors.size() < 5) s.errors.push_back(std::string(what) + ": " + e.getName() + ": " + e.getMessage());
    }
}

int cmd_load(const std::vector<std::string>& args) {
    double seconds = 10;
    int readers = 16, writers = 2, pid = 0;
    std::string entry, interpreter;
    for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
        if (args[i] == "--seconds") seconds = std::stod(args[i + 1]);
        else if (args[i] == "--readers") readers = std::stoi(args[i + 1]);
        else if (args[i] == "--writers") writers = std::stoi(args[i + 1]);
        else if (args[i] == "--pid") pid = std::stoi(args[i + 1]);
        else if (args[i] == "--entry") entry = args[i + 1];
        else if (args[i] == "--interpreter") interpreter = args[i + 1];
        else usage("unknown load option " + args[i]);
    }
    if (!pid || entry.empty() || interpreter.empty()) usage("load needs --pid, --entry and --interpreter");

    std::atomic<bool> stop{false};
    std::vector<Stats> reader_stats(readers), writer_stats(writers);
    std::vector<std::thread> threads;
    for (int r = 0; r < readers; ++r)
        threads.emplace_back([&, r] {
            Client c;
            Stats& s = reader_stats[r];
            s.us.reserve(200000);
            for (long i = r; !stop; ++i) {
                switch (i % 3) {
                case 0:
                    timed(s, "List", [&] {
                        std::vector<
                            sdbus::Struct<std::string, std::string, std::string, std::string, std::string, std::string>>
                            out;
                        c.proxy->callMethod("List").onInterface(kInterface).storeResultsTo(out);
                    });
                    break;
                case 1:
                    timed(s, "GetEntry", [&] {
                        Dict out;
                        c.proxy->callMethod("GetEntry")
                            .onInterface(kInterface)
                            .withArguments(entry)
                            .storeResultsTo(out);
                    });
                    break;
                default:
                    timed(s, "Describe", [&] {
                        std::string out;
                        c.proxy->callMethod("Describe").onInterface(kInterface).storeResultsTo(out);
                    });
                }
            }
        });
    for (int w = 0; w < writers; ++w)
        threads.emplace_back([&, w] {
            Client c;
            Stats& s = writer_stats[w];
            const Dict spec{{"extension", sdbus::Variant("load" + std::to_string(w))},
                            {"interpreter", sdbus::Variant(interpreter)}};
            for (long i = 0; !stop; ++i) {
                const std::string name = "load-writer-" + std::to_string(w) + "-" + std::to_string(i % 8);
                timed(s, "Register", [&] { c.register_entry(name, spec, {}); });
                timed(s, "Unregister", [&] { c.unregister(name, {}); });
            }
        });

    std::vector<Sample> samples;
    const auto start = Clock::now();
    for (;;) {
        const double t = std::chrono::duration<double>(Clock::now() - start).count();
        samples.push_back({t, rss_kb(pid), fd_count(pid)});
        if (t >= seconds) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    stop = true;
    for (auto& t : threads) t.join();
    samples.push_back({std::chrono::duration<double>(Clock::now() - start).count(), rss_kb(pid), fd_count(pid)});

    Stats reads, writes;
    for (auto& s : reader_stats) reads.add(s);
    for (auto& s : writer_stats) writes.add(s);
    // RSS and fds after the first fifth of the run (warm-up: caches, bus buffers) against the end.
    const Sample* base = &samples.front();
    for (auto& s : samples)
        if (s.t <= seconds / 5) base = &s;
    long rss_max = 0, fd_max = 0;
    for (auto& s : samples) rss_max = std::max(rss_max, s.rss_kb), fd_max = std::max(fd_max, s.fds);
    const Sample& last = samples.back();
    const double elapsed = last.t;
    std::printf("seconds=%.1f readers=%d writers=%d\n", elapsed, readers, writers);
    std::printf("read_calls=%zu read_failures=%ld read_p50_us=%.0f read_p99_us=%.0f read_max_us=%.0f\n",
                reads.us.size(), reads.failures, percentile(reads.us, 0.50), percentile(reads.us, 0.99),
                percentile(reads.us, 1.0));
    std::printf("write_calls=%zu write_failures=%ld write_p50_us=%.0f write_p99_us=%.0f write_max_us=%.0f\n",
                writes.us.size(), writes.failures, percentile(writes.us, 0.50), percentile(writes.us, 0.99),
                percentile(writes.us, 1.0));
    std::printf("calls_per_second=%.0f\n", static_cast<double>(reads.us.size() + writes.us.size()) / elapsed);
    std::printf("rss_start_kb=%ld rss_base_kb=%ld rss_end_kb=%ld rss_max_kb=%ld rss_growth_kb=%ld\n",
                samples.front().rss_kb, base->rss_kb, last.rss_kb, rss_max, last.rss_kb - base->rss_kb);
    std::printf("fd_start=%ld fd_base=%ld fd_end=%ld fd_max=%ld fd_growth=%ld\n", samples.front().fds, base->fds,
                last.fds, fd_max, last.fds - base->fds);
    for (auto& e : reads.errors) std::printf("read_error %s\n", e.c_str());
    for (auto& e : writes.errors) std::printf("write_error %s\n", e.c_str());
    return reads.failures + writes.failures == 0 && !reads.us.empty() && !writes.us.empty() ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) usage("no command");
    const std::string cmd = argv[1];
    const std::vector<std::string> args(argv + 2, argv + argc);
    try {
        if (cmd == "register") return cmd_register(args, false);
        if (cmd == "unregister") return cmd_register(args, true);
        if (cmd == "call") return cmd_call(args);
        if (cmd == "deny-flood") return cmd_deny_flood(args);
        if (cmd == "flip") return cmd_flip(args);
        if (cmd == "load") return cmd_load(args);
    } catch (const sdbus::Error& e) {
        std::cerr << "binfmtd-probe: " << e.getName() << ": " << e.getMessage() << "\n";
        return 3;
    } catch (const std::exception& e) {
        std::cerr << "binfmtd-probe: " << e.what() << "\n";
        return 3;
    }
    usage("unknown command " + cmd);
}
