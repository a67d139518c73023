// binfmtctl: verbs over the daemon's D-Bus API (org.binfmtd1); offline verbs use lib/ directly.
#include "bus.hpp"
#include "verbs.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <utility>
#include <vector>

namespace {

// Exit codes (binfmtctl(1)); the bus errors' codes come from binfmtctl::report_error.
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int run(const binfmtctl::Verb& verb, const binfmtctl::Args& args) {
    try {
        binfmtctl::Context ctx(args);
        return verb.run(ctx);
    } catch (const binfmtctl::UsageError& e) {
        std::fputs(fmt::format("binfmtctl: {}\nRun with --help for more information.\n", e.what()).c_str(), stderr);
        return kExitUsage;
    } catch (const sdbus::Error& e) {
        return binfmtctl::report_error(e, {}, {args.replace, args.persist, args.force, !args.file.empty()});
    } catch (const std::exception& e) {
        std::fputs(fmt::format("binfmtctl: {}\n", e.what()).c_str(), stderr);
        return kExitFailure;
    }
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"binfmtctl - inspect and manage binfmt_misc entries through binfmtd", "binfmtctl"};
    app.require_subcommand(0, 1);
    app.fallthrough(); // global options are also taken after the verb
    binfmtctl::Args args;
    app.add_flag("--json", args.out.json, "Machine-readable JSON output");
    app.add_flag("--no-legend", args.no_legend, "Omit headers and footers");
    app.add_option("--root", args.root, "Offline verbs: read configuration under DIR")->type_name("DIR");
    app.set_version_flag("--version", BINFMTD_VERSION, "Print binfmtctl's version and exit");

    std::vector<std::pair<CLI::App*, const binfmtctl::Verb*>> commands;
    for (const auto& verb : binfmtctl::verbs()) {
        CLI::App* cmd = app.add_subcommand(std::string(verb.name), std::string(verb.help));
        verb.declare(*cmd, args);
        commands.emplace_back(cmd, &verb);
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : kExitUsage;
    }
    args.out.legend = !args.no_legend;

    const binfmtctl::Verb* chosen = &binfmtctl::verbs().front(); // `list`
    for (auto& [cmd, verb] : commands)
        if (cmd->parsed()) chosen = verb;
    return run(*chosen, args);
}
