// binfmtd: wires the pieces; --once reconciles and exits.
#include "binfmt_fs.hpp"
#include "log.hpp"
#include "reconciler.hpp"

#include <CLI/CLI.hpp>

#include <exception>
#include <string>

namespace {

struct Options {
    std::string root = "/";
    std::string binfmt_dir = "/proc/sys/fs/binfmt_misc";
    bool once = false;
    bool no_bus = false;
    std::string log_level = "info";
};

int run(const Options& opt) {
    binfmtd::BinfmtFs fs(opt.binfmt_dir);
    binfmtd::Reconciler reconciler(opt.root, fs);
    if (!opt.once) {
        binfmtd::log::error("the long-running service mode is not built yet; run with --once");
        return 1;
    }
    auto report = reconciler.reconcile();
    return report.ok() ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    Options opt;
    CLI::App app{"binfmtd - keeps binfmt_misc registrations matching /etc/binfmtd.d", "binfmtd"};
    app.add_option("--root", opt.root, "Take configuration and state paths under DIR")->type_name("DIR");
    app.add_option("--binfmt-dir", opt.binfmt_dir, "The binfmt_misc mount")->type_name("DIR");
    app.add_flag("--once", opt.once, "Reconcile once and exit");
    app.add_flag("--no-bus", opt.no_bus, "Do not connect to D-Bus");
    app.add_option("--log-level", opt.log_level, "err, warning, notice, info or debug")->type_name("LEVEL");
    app.set_version_flag("--version", BINFMTD_VERSION);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    binfmtd::log::Level level;
    if (!binfmtd::log::parse_level(opt.log_level, level)) {
        binfmtd::log::error("unknown log level \"{}\" (use err, warning, notice, info or debug)", opt.log_level);
        return 2;
    }
    binfmtd::log::set_max_level(level);
    try {
        return run(opt);
    } catch (const std::exception& e) {
        binfmtd::log::error("fatal: {}", e.what());
        return 1;
    }
}
