// The reading verbs: list, status, which. Open to every local user.
#include "bus.hpp"
#include "escape.hpp"
#include "pin_probe.hpp"
#include "verbs.hpp"

#include "matcher.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace binfmtctl {

int verb_list(Context& ctx) {
    auto& manager = ctx.bus().manager();
    if (ctx.out.json) {
        print_document(manager.Describe());
        return 0;
    }
    std::vector<ListRow> rows;
    for (auto& r : manager.List())
        rows.push_back({std::get<0>(r), std::get<1>(r), std::get<2>(r), std::get<3>(r), std::get<4>(r),
                        std::get<5>(r)});
    print_list(rows, ctx.out);
    return 0;
}

int verb_status(Context& ctx) {
    auto& manager = ctx.bus().manager();
    if (!ctx.args.name.empty()) {
        binfmt::EntryRecord entry = decode_entry(manager.GetEntry(ctx.args.name));
        std::string pin_unknown;
        // binfmtd knows the pin of what it registered; another tool's F entry is asked of the
        // kernel, here, as the caller.
        if (entry.flags.find('F') != std::string::npos && entry.enabled && entry.pinned.empty()) {
            const PinProbe probe = probe_pin(entry, [&](const std::string& filename, const binfmt::Bytes& head) {
                std::vector<std::string> names;
                for (auto& m : manager.Resolve(filename, head)) names.push_back(std::get<0>(m));
                return names;
            });
            entry.pinned = probe.pinned;
            entry.pinned_stale = probe.stale;
            pin_unknown = probe.why;
        }
        // Another tool's entry registered later wins over this one (binfmtd never moves it).
        bool outranked_foreign = false;
        if (!entry.outranked_by.empty() && !ctx.out.json) {
            try {
                outranked_foreign = decode_entry(manager.GetEntry(entry.outranked_by)).state == "foreign";
            } catch (const sdbus::Error&) { // gone meanwhile: said without the kind
            }
        }
        print_entry(entry, ctx.out, pin_unknown, outranked_foreign);
        return 0;
    }
    const std::string doc = manager.Describe();
    if (ctx.out.json) print_document(doc);
    else print_summary(doc);
    return 0;
}

int verb_which(Context& ctx) {
    const std::string& file = ctx.args.file;
    auto head = binfmt::read_head(file);
    if (!head) {
        std::fputs(fmt::format("binfmtctl: cannot read {}: {}\n", binfmt::in_quotes(file), std::strerror(errno))
                       .c_str(),
                   stderr);
        return 1;
    }
    auto& manager = ctx.bus().manager();
    std::vector<Match> matches;
    for (auto& m : manager.Resolve(binfmt::resolve_name(file), *head))
        matches.push_back({std::get<0>(m), std::get<1>(m)});
    const bool kernel_enabled = manager.KernelEnabled();
    print_matches(file, matches, kernel_enabled, ctx.out);
    if (matches.empty()) {
        if (!ctx.out.json)
            std::fputs(fmt::format("binfmtctl: no binfmt_misc entry matches {}\n", binfmt::in_quotes(file)).c_str(),
                       stderr);
        return 1;
    }
    if (!kernel_enabled) { // nothing would run it: as much a failure as no match
        if (!ctx.out.json)
            std::fputs(fmt::format("binfmtctl: binfmt_misc is disabled (its status is 0): \"{}\" would not run\n", file)
                           .c_str(),
                       stderr);
        return 1;
    }
    if (::access(file.c_str(), X_OK) != 0)
        std::fputs(fmt::format("binfmtctl: note: {} is not executable; execve() will refuse it\n",
                               binfmt::in_quotes(file))
                       .c_str(),
                   stderr);
    return 0;
}

} // namespace binfmtctl
