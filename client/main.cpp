// binfmtctl: verbs over the daemon's D-Bus API; offline verbs use lib/ directly.
#include "offline.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace {
// Exit codes of PRODUCT.md.
constexpr int kExitUsage = 2;
} // namespace

int main(int argc, char** argv) {
    CLI::App app{"binfmtctl - inspect and manage binfmt_misc entries through binfmtd", "binfmtctl"};
    app.require_subcommand(0, 1);
    binfmtctl::OutputOptions out;
    bool no_legend = false;
    std::string root = "/";
    app.add_flag("--json", out.json, "Machine-readable JSON output");
    app.add_flag("--no-legend", no_legend, "Omit headers and footers");
    app.add_option("--root", root, "Offline verbs: read configuration under DIR")->type_name("DIR");

    std::vector<std::string> paths;
    auto* validate = app.add_subcommand("validate", "Check configuration files offline");
    validate->add_option("paths", paths, "Files or directories (default: the standard directories)");
    auto* presets = app.add_subcommand("presets", "List the qemu presets and their interpreters here");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : kExitUsage;
    }
    out.legend = !no_legend;
    if (*validate) return binfmtctl::verb_validate(paths, root, out);
    if (*presets) return binfmtctl::verb_presets(out);
    std::fputs("binfmtctl: only the offline verbs `validate` and `presets` exist so far\n", stderr);
    return 1;
}
