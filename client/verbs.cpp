#include "verbs.hpp"

#include "bus.hpp"
#include "offline.hpp"

#include <array>

namespace binfmtctl {

Context::Context(const Args& a) : args(a), out(a.out) {}
Context::~Context() = default;

Bus& Context::bus() {
    if (!bus_) bus_ = std::make_unique<Bus>();
    return *bus_;
}

namespace {

void declare_nothing(CLI::App&, Args&) {}

void declare_status(CLI::App& cmd, Args& a) {
    cmd.add_option("NAME", a.name, "An entry (default: a summary of binfmtd and all entries)");
}

void declare_register(CLI::App& cmd, Args& a) {
    auto* name = cmd.add_option("NAME", a.name, "The entry name");
    auto* file = cmd.add_option("--file", a.file, "Register every entry of a TOML file instead")->type_name("FILE");
    a.magic.option = cmd.add_option("--magic", a.magic.value, "Match these bytes (kernel escapes: \\xHH, \\\\)")
                         ->type_name("BYTES");
    a.mask.option = cmd.add_option("--mask", a.mask.value, "Mask for --magic, same length")->type_name("BYTES");
    a.offset.option = cmd.add_option("--offset", a.offset.value, "Where --magic starts in the file")->type_name("N");
    a.extension.option = cmd.add_option("--extension", a.extension.value, "Match a file name extension (no dot)")
                             ->type_name("EXT");
    a.preset.option = cmd.add_option("--preset", a.preset.value, "A qemu preset (see `binfmtctl presets`)")
                          ->type_name("PRESET");
    a.interpreter.option = cmd.add_option("--interpreter", a.interpreter.value, "Absolute path of the interpreter")
                               ->type_name("PATH");
    a.priority.option = cmd.add_option("--priority", a.priority.value,
                                       "Higher wins where entries match the same files (default 0)")
                            ->type_name("N");
    a.preserve_argv0.option = cmd.add_flag("--preserve-argv0", a.preserve_argv0.value, "Flag P");
    a.open_binary.option = cmd.add_flag("--open-binary", a.open_binary.value, "Flag O");
    a.credentials.option = cmd.add_flag("--credentials", a.credentials.value, "Flag C (implies O)");
    a.fix_binary.option = cmd.add_flag("--fix-binary", a.fix_binary.value,
                                       "Flag F: the kernel opens the interpreter now");
    cmd.add_flag("--persist", a.persist, "Write /etc/binfmtd.d: survives reboots");
    cmd.add_flag("--replace", a.replace, "Overwrite an existing definition");
    cmd.add_flag("--force", a.force, "Allow an entry that captures this host's own executables");

    a.magic.option->excludes(a.extension.option)->excludes(a.preset.option);
    a.extension.option->excludes(a.preset.option);
    a.mask.option->needs(a.magic.option);
    a.offset.option->needs(a.magic.option);
    for (CLI::Option* o : {name, a.magic.option, a.mask.option, a.offset.option, a.extension.option, a.preset.option,
                           a.interpreter.option, a.priority.option, a.preserve_argv0.option, a.open_binary.option,
                           a.credentials.option, a.fix_binary.option})
        file->excludes(o);
}

void declare_unregister(CLI::App& cmd, Args& a) {
    cmd.add_option("NAME", a.name, "The entry name")->required();
    cmd.add_flag("--persist", a.persist, "Also keep it out of the configuration after reboots");
}

void declare_which(CLI::App& cmd, Args& a) {
    cmd.add_option("FILE", a.file, "The file that would be executed")->required();
}

void declare_validate(CLI::App& cmd, Args& a) {
    cmd.add_option("PATH", a.paths, "Files or directories (default: the standard directories)");
}

void declare_platforms(CLI::App& cmd, Args& a) {
    cmd.add_flag("--check", a.check, "Run a minimal program of each platform here, as you");
}

void declare_import(CLI::App& cmd, Args& a) {
    cmd.add_option("FILE", a.paths, "binfmt.d files (*.conf) or binfmt-support records")->required();
    cmd.add_option("--format", a.format, "Read every FILE as binfmt.d or binfmts (default: by suffix and content)")
        ->type_name("FORMAT");
    cmd.add_flag("--write", a.write, "Register them persistently (/etc/binfmtd.d) instead of printing TOML");
    cmd.add_flag("--replace", a.replace, "With --write: overwrite existing definitions");
}

int run_validate(Context& ctx) { return verb_validate(ctx.args.paths, ctx.args.root, ctx.out); }
int run_presets(Context& ctx) { return verb_presets(ctx.out); }

constexpr std::array<Verb, 11> kVerbs{{
    {"list", "List every entry, managed and foreign (the default)", declare_nothing, verb_list},
    {"status", "Show binfmtd's state, or one entry in full", declare_status, verb_status},
    {"register", "Define an entry and register it now", declare_register, verb_register},
    {"unregister", "Remove an entry binfmtd manages", declare_unregister, verb_unregister},
    {"reload", "Re-read the configuration and reconcile", declare_nothing, verb_reload},
    {"which", "Show the entries that would run FILE, the one the kernel uses first", declare_which, verb_which},
    {"platforms", "List the OCI platforms this machine can run now (--check: prove each)", declare_platforms,
     verb_platforms},
    {"import", "Turn binfmt.d lines or binfmt-support records into binfmtd.d TOML (--write: register them)",
     declare_import, verb_import},
    {"export", "Print the configured entries as binfmt.d lines (offline)", declare_nothing, verb_export},
    {"validate", "Check configuration files offline", declare_validate, run_validate},
    {"presets", "List the qemu presets and their interpreters here (offline)", declare_nothing, run_presets},
}};

} // namespace

std::span<const Verb> verbs() { return kVerbs; }

} // namespace binfmtctl
