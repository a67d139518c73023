// binfmtd: wires the pieces. --once reconciles and exits; --user fills a user's own instance
// (user_instance.hpp); otherwise one event loop carries the bus and the signals.
#include "binfmt_fs.hpp"
#include "bus_service.hpp"
#include "event_loop.hpp"
#include "log.hpp"
#include "manager.hpp"
#include "reconciler.hpp"
#include "user_instance.hpp"
#include "user_paths.hpp"
#include "watchers.hpp"

#include "escape.hpp"
#include "paths.hpp"
#include "sources.hpp"

#include <CLI/CLI.hpp>
#include <sdbus-c++/sdbus-c++.h>
#include <systemd/sd-daemon.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

struct Options {
    std::string root = "/";
    std::string binfmt_dir = "/proc/sys/fs/binfmt_misc";
    bool once = false;
    bool no_bus = false;
    bool user = false;
    bool binfmt_dir_given = false;
    std::vector<std::string> command; // --user's, to run in the new instance
    std::string log_level = "info";
    unsigned debounce_ms = 100;
};

void notify_status(const binfmtd::Manager& manager, const char* extra = "") {
    sd_notifyf(0, "%sSTATUS=%s", extra, manager.summary().c_str());
}

// --once's exit codes, and the daemon's own when it is not alone: a CI step must not pass when
// nothing could be registered.
constexpr int kExitFailed = 1;   // an entry failed, or the configuration has an error
constexpr int kExitUsage = 2;    // the command line
constexpr int kExitUnusable = 3; // binfmt_misc absent, another file system, read-only, or disabled
constexpr int kExitHeld = 4;     // another binfmtd holds this binfmt_misc instance

bool held_elsewhere(const binfmtd::MountState& mount) {
    if (mount.kind != binfmtd::MountState::Kind::HeldElsewhere) return false;
    binfmtd::log::error("{}; exiting without changing anything", mount.why_not);
    return true;
}

int serve(const Options& opt, binfmtd::Kernel& kernel) {
    // Before anything is written, even the removal of a crash's temporaries under --root.
    if (kernel.mount_state().mounted())
        if (auto claimed = kernel.claim();
            !claimed.ok() && claimed.failure().code != binfmt::ApiErrorCode::NotMounted) {
            binfmtd::log::error("{}; exiting without changing anything", claimed.failure().message);
            return kExitHeld;
        }
    binfmtd::Manager manager(opt.root, kernel);
    binfmtd::EventLoop loop;
    loop.on_signal(SIGTERM, [&] { loop.exit(0); });
    loop.on_signal(SIGINT, [&] { loop.exit(0); });
    loop.on_signal(SIGHUP, [&] {
        binfmtd::log::info("Reloading (SIGHUP)");
        sd_notify(0, "RELOADING=1");
        manager.reload();
        notify_status(manager, "READY=1\n");
    });
    manager.reload();
    if (held_elsewhere(manager.last().mount)) return kExitHeld; // it came between the claim and now

    binfmtd::Watchers watchers(loop, {binfmt::source_dirs(opt.root), opt.binfmt_dir, opt.debounce_ms * 1000ULL},
                               [&](const std::string& why) {
                                   binfmtd::log::info("Reconciling: {}", why);
                                   manager.reload();
                               });
    manager.on_reconciled = [&](const binfmtd::ReconcileReport& r) {
        // A new instance, mounted meanwhile, that another binfmtd took first: that one manages it.
        if (held_elsewhere(r.mount)) loop.exit(kExitHeld);
        std::set<std::string> table;
        for (const auto& [name, entry] : r.kernel) table.insert(name);
        watchers.update(r.interpreter_paths, r.mount.mounted(), {r.wrote_register, r.wrote_entries, table});
    };
    watchers.update(manager.last().interpreter_paths, manager.last().mount.mounted());

    std::unique_ptr<sdbus::IConnection> bus;
    std::unique_ptr<binfmtd::BusService> service;
    if (!opt.no_bus) {
        bus = sdbus::createSystemBusConnection();
        service = std::make_unique<binfmtd::BusService>(*bus, manager);
        manager.on_entry_changed = [&](const std::string& name, const std::string& state) {
            service->emit_entry_changed(name, state);
        };
        manager.on_mount_changed = [&](const binfmtd::MountFacts& before, const binfmtd::MountFacts& now) {
            service->emit_mount_changed(before, now);
        };
        bus->requestName("org.binfmtd1"); // only once the object answers
        loop.attach(*bus);
    }
    manager.on_entry_changed = [&, forward = manager.on_entry_changed](const std::string& name,
                                                                       const std::string& state) {
        if (forward) forward(name, state);
        notify_status(manager);
    };
    notify_status(manager, "READY=1\n");
    binfmtd::log::info("binfmtd {} running: {}", BINFMTD_VERSION, manager.summary());
    int r = loop.run();
    sd_notify(0, "STOPPING=1");
    if (service) service->abandon_pending(); // each waiting call gets its error before the name goes
    binfmtd::log::info("Stopping; registered entries stay in the kernel");
    if (bus) bus->releaseName("org.binfmtd1");
    if (r == kExitHeld) return kExitHeld;
    return r < 0 ? 1 : 0;
}

int once_exit_code(const binfmtd::ReconcileReport& report) {
    if (held_elsewhere(report.mount)) return kExitHeld;
    if (!report.mount.writable() || !report.mount.kernel_enabled) return kExitUnusable;
    return report.ok() ? 0 : kExitFailed;
}

int once(const Options& opt, binfmtd::Kernel& kernel) {
    const int code = once_exit_code(binfmtd::Reconciler(opt.root, kernel).reconcile());
    if (code == kExitUnusable && ::geteuid() != 0)
        binfmtd::log::info("without root, binfmtd --user registers into a binfmt_misc instance of this user's own");
    return code;
}

// A --root without any configuration directory (of any source) is most likely the wrong --root.
void warn_without_configuration(const std::string& root) {
    for (auto& dir : binfmt::source_dirs(root)) {
        std::error_code ec;
        if (std::filesystem::is_directory(dir, ec)) return;
    }
    binfmtd::log::warning("none of the configuration directories ({}, nor binfmt.d's or binfmts') exists under \"{}\"",
                          fmt::join(binfmt::kConfigDirs, ", "), root);
}

// --user: the user's own configuration and state, and their own files trusted besides root's.
int once_user(const binfmt::Layout& layout, const std::string& binfmt_dir) {
    binfmtd::BinfmtFs kernel(binfmt_dir);
    binfmtd::Reconciler reconciler(layout, binfmt::TrustedOwners::root_and(::getuid()), kernel);
    return once_exit_code(reconciler.reconcile());
}

int run_user(const Options& opt) {
    if (opt.root != "/") {
        binfmtd::log::error("--user takes its paths from XDG_CONFIG_HOME and XDG_RUNTIME_DIR; it cannot be "
                            "combined with --root {}",
                            binfmt::in_quotes(opt.root));
        return kExitUsage;
    }
    if (opt.binfmt_dir_given && !opt.command.empty()) {
        binfmtd::log::error("--user with --binfmt-dir fills that instance and exits; it runs no command ({})",
                            binfmt::in_quotes(opt.command.front()));
        return kExitUsage;
    }
    std::string why;
    const auto layout = binfmtd::user_layout_from_environment(why);
    if (!layout) {
        binfmtd::log::error("{}", why);
        return kExitUsage;
    }
    if (!binfmtd::in_initial_user_namespace())
        binfmtd::log::warning("binfmtd --user is running inside a user namespace, where the files of root and of "
                              "every unmapped user look like the overflow uid: their interpreters will not be "
                              "trusted (run it from the initial user namespace instead)");
    std::error_code ec;
    if (!std::filesystem::is_directory(layout->config_dirs.front(), ec))
        binfmtd::log::warning("the configuration directory {} does not exist; no entry is registered",
                              binfmt::in_quotes(layout->config_dirs.front()));
    if (opt.binfmt_dir_given) return once_user(*layout, opt.binfmt_dir);
    std::vector<std::string> command = opt.command;
    if (command.empty()) {
        const char* shell = std::getenv("SHELL");
        command.emplace_back(shell && *shell ? shell : "/bin/sh");
    }
    return binfmtd::run_in_own_instance(command,
                                        [&](const std::string& binfmt_dir) { return once_user(*layout, binfmt_dir); });
}

int run(const Options& opt) {
    if (opt.user) return run_user(opt);
    binfmtd::BinfmtFs kernel(opt.binfmt_dir);
    warn_without_configuration(opt.root);
    if (opt.once) return once(opt, kernel);
    return serve(opt, kernel);
}

} // namespace

int main(int argc, char** argv) {
    Options opt;
    CLI::App app{"binfmtd - keeps binfmt_misc registrations matching /etc/binfmtd.d", "binfmtd"};
    app.add_option("--root", opt.root, "Take configuration and state paths under DIR")->type_name("DIR");
    auto* binfmt_dir = app.add_option("--binfmt-dir", opt.binfmt_dir, "The binfmt_misc mount")->type_name("DIR");
    app.add_flag("--once", opt.once, "Reconcile once and exit");
    app.add_flag("--user", opt.user,
                 "Without root: register $XDG_CONFIG_HOME/binfmtd.d into a new user namespace's own binfmt_misc "
                 "and run COMMAND there (default $SHELL); with --binfmt-dir, fill that instance and exit");
    app.footer("A user's own instance: binfmtd --user [--log-level LEVEL] [--] [COMMAND [ARG...]]\n"
               "                       binfmtd --user --binfmt-dir DIR");
    // Everything after the first argument that is not an option is --user's command, as with env(1).
    app.prefix_command();
    app.add_flag("--no-bus", opt.no_bus, "Do not connect to D-Bus");
    app.add_option("--log-level", opt.log_level, "err, warning, notice, info or debug")->type_name("LEVEL");
    app.add_option("--debounce-ms", opt.debounce_ms,
                   "Reconcile once configuration and interpreter files have been quiet this long")
        ->type_name("MS")
        ->check(CLI::Range(0u, 60000u));
    app.set_version_flag("--version", BINFMTD_VERSION);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int printed = app.exit(e); // --help and --version print and succeed
        return printed == 0 ? 0 : kExitUsage;
    }
    opt.command = app.remaining();
    if (!opt.command.empty() && opt.command.front() == "--") opt.command.erase(opt.command.begin());
    opt.binfmt_dir_given = binfmt_dir->count() > 0;
    if (!opt.user && !app.remaining().empty()) {
        std::fprintf(stderr, "binfmtd: unexpected argument \"%s\" (a command is only run with --user)\n",
                     app.remaining().front().c_str());
        return kExitUsage;
    }
    binfmtd::log::Level level;
    if (!binfmtd::log::parse_level(opt.log_level, level)) {
        binfmtd::log::error("unknown log level \"{}\" (use err, warning, notice, info or debug)", opt.log_level);
        return kExitUsage;
    }
    binfmtd::log::set_max_level(level);
    try {
        return run(opt);
    } catch (const std::exception& e) {
        binfmtd::log::error("fatal: {}", e.what());
        return kExitFailed;
    }
}
