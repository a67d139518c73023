// The verb table: every verb's arguments, its CLI declaration and the function that runs it.
#pragma once

#include "output.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace binfmtctl {

class Bus;

// A value from the command line and whether it was given at all.
template <typename T> struct Arg {
    T value{};
    CLI::Option* option = nullptr;
    bool given() const { return option && option->count() > 0; }
};

// Everything the command line can say; each verb reads its own part.
struct Args {
    OutputOptions out;
    bool no_legend = false;
    std::string root = "/";         // offline verbs
    std::string name;               // status, register, unregister
    std::string file;               // which FILE, register --file FILE
    std::vector<std::string> paths; // validate
    Arg<std::string> magic, mask, offset, extension, preset, interpreter, priority;
    Arg<bool> preserve_argv0, open_binary, credentials, fix_binary;
    bool persist = false, replace = false, force = false;
    bool check = false; // platforms --check
    std::string format; // import --format
    bool write = false; // import --write
};

// A command line that parses but makes no sense: exit 2 with this message.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// What a running verb gets besides its arguments: the bus, connected on first use.
class Context {
public:
    explicit Context(const Args& args);
    ~Context();
    const Args& args;
    const OutputOptions& out;
    Bus& bus();

private:
    std::unique_ptr<Bus> bus_;
};

struct Verb {
    std::string_view name;
    std::string_view help;
    void (*declare)(CLI::App& command, Args& args); // its options and positionals
    int (*run)(Context& ctx);                       // returns the exit code
};

// All verbs; the first is the default when none is given (`list`).
std::span<const Verb> verbs();

// Online verbs (query.cpp, register.cpp, manage.cpp, platforms.cpp).
int verb_list(Context& ctx);
int verb_status(Context& ctx);
int verb_which(Context& ctx);
int verb_register(Context& ctx);
int verb_unregister(Context& ctx);
int verb_reload(Context& ctx);
int verb_platforms(Context& ctx);
int verb_import(Context& ctx);
int verb_export(Context& ctx);

} // namespace binfmtctl
