#include "manager.hpp"

#include "api_error.hpp"
#include "diagnostic_json.hpp"
#include "entry_diff.hpp"
#include "entry_record_json.hpp"
#include "escape.hpp"
#include "log.hpp"
#include "matcher.hpp"
#include "priority.hpp"
#include "validate.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <utility>

namespace binfmtd {

namespace {
using Code = binfmt::ApiErrorCode;

// The API error a failed check becomes.
Code refusal_code(binfmt::Verdict::Kind kind) {
    switch (kind) {
    case binfmt::Verdict::Kind::Unsafe: return Code::UnsafeInterpreter;
    case binfmt::Verdict::Kind::Native: return Code::NativeConflict;
    default: return Code::InvalidEntry;
    }
}
} // namespace

Manager::Manager(const std::string& root, Kernel& kernel)
    : kernel_(kernel), reconciler_(root, kernel), files_(root), config_dirs_(binfmt::config_dirs(root)) {
    // A crash in the middle of a Register leaves a hidden temporary file: never loaded (the
    // configuration stays whole), but nothing else would ever remove it.
    auto removed = files_.remove_stale_temporaries();
    for (auto& path : reconciler_.remove_stale_temporaries()) removed.push_back(path);
    for (auto& path : removed) log::info("Removed \"{}\", left by an interrupted write", path);
}

void Manager::reload() { reload(Reconciler::RefusedStandIn::Plain); }

void Manager::reload(Reconciler::RefusedStandIn refused_stand_in) {
    std::map<std::string, std::string> before;
    for (auto& pe : last_.entries) before[pe.name] = std::string(binfmt::state_name(pe.state));
    last_ = reconciler_.reconcile(refused_stand_in);
    find_overlaps();

    std::map<std::string, std::string> after;
    for (auto& pe : last_.entries) after[pe.name] = std::string(binfmt::state_name(pe.state));
    if (on_entry_changed) {
        for (auto& [name, state] : after)
            if (auto it = before.find(name); it == before.end() || it->second != state) on_entry_changed(name, state);
        for (auto& [name, state] : before)
            if (!after.count(name)) on_entry_changed(name, "removed");
    }
    const MountFacts now{last_.mount.mounted(), last_.mount.writable(),
                         last_.mount.mounted() && last_.mount.kernel_enabled};
    if (now != mount_) {
        const MountFacts before = std::exchange(mount_, now);
        if (on_mount_changed) on_mount_changed(before, now);
    }
    if (on_reconciled) on_reconciled(last_);
}

void Manager::find_overlaps() {
    overlaps_.clear();
    outranked_by_.clear();
    std::map<std::string, binfmt::State> state;
    for (auto& pe : last_.entries) state[pe.name] = pe.state;
    auto state_of = [&](const std::string& name) {
        auto it = state.find(name);
        return it == state.end() ? binfmt::State::Failed : it->second;
    };
    std::map<std::string, std::size_t> newest_first;
    for (std::size_t i = 0; i < last_.kernel_order.size(); ++i) newest_first.emplace(last_.kernel_order[i], i);
    auto position = [&](const std::string& name) { // not registered yet: it will be the newest
        auto it = newest_first.find(name);
        return it == newest_first.end() ? std::size_t{0} : it->second + 1;
    };

    // The definitions that are or will be in the kernel, and other tools' entries as the kernel has them.
    std::vector<const binfmt::Entry*> entries;
    for (auto& [name, e] : last_.defined)
        if (auto s = state_of(name); s == binfmt::State::Active || s == binfmt::State::Pending) entries.push_back(&e);
    for (auto& [name, k] : last_.kernel)
        if (state_of(name) == binfmt::State::Foreign && k.enabled) entries.push_back(&k.entry);
    for (auto [a, b] : binfmt::overlapping_pairs(entries)) {
        const bool foreign_a = state_of(a->name) == binfmt::State::Foreign;
        const bool foreign_b = state_of(b->name) == binfmt::State::Foreign;
        if (foreign_a && foreign_b) continue; // not binfmtd's to report
        std::string sentence;
        if (!foreign_a && !foreign_b) {
            sentence = binfmt::outranks(*a, *b) ? binfmt::overlap_sentence(*a, *b) : binfmt::overlap_sentence(*b, *a);
        } else {
            // Another tool's entry has no rank: the kernel runs the newer one.
            const binfmt::Entry& theirs = foreign_a ? *a : *b;
            const binfmt::Entry& ours = foreign_a ? *b : *a;
            sentence = position(theirs.name) < position(ours.name)
                           ? fmt::format("{} wins over {}: another tool's, registered later",
                                         binfmt::in_quotes(theirs.name), binfmt::in_quotes(ours.name))
                           : fmt::format("{} wins over {}: registered after another tool's",
                                         binfmt::in_quotes(ours.name), binfmt::in_quotes(theirs.name));
        }
        if (!foreign_a) overlaps_[a->name].push_back(sentence);
        if (!foreign_b) overlaps_[b->name].push_back(sentence);
    }

    // What the kernel really runs first: among enabled overlapping entries the newer, which for
    // a managed entry is only right when it outranks it.
    std::vector<const binfmt::Entry*> registered;
    for (auto& [name, k] : last_.kernel)
        if (k.enabled) registered.push_back(&k.entry);
    for (auto [a, b] : binfmt::overlapping_pairs(registered)) {
        const binfmt::Entry& newer = position(a->name) < position(b->name) ? *a : *b;
        const binfmt::Entry& older = &newer == a ? *b : *a;
        if (state_of(older.name) != binfmt::State::Active) continue; // only binfmtd's own are reported
        if (state_of(newer.name) != binfmt::State::Foreign) {
            const auto n = last_.defined.find(newer.name), o = last_.defined.find(older.name);
            if (n == last_.defined.end() || o == last_.defined.end() || binfmt::outranks(n->second, o->second))
                continue;
        }
        auto& by = outranked_by_[older.name];
        if (by.empty() || position(newer.name) < position(by)) by = newer.name;
    }
}

const binfmt::PlannedEntry* Manager::planned(const std::string& name) const {
    auto it = std::find_if(last_.entries.begin(), last_.entries.end(),
                           [&](const binfmt::PlannedEntry& pe) { return pe.name == name; });
    return it == last_.entries.end() ? nullptr : &*it;
}

binfmt::EntryRecord Manager::info(const binfmt::PlannedEntry& pe) const {
    binfmt::EntryRecord i;
    i.name = pe.name;
    i.state = std::string(binfmt::state_name(pe.state));
    i.error = pe.error;
    i.origin = pe.origin == files_.path(pe.name, false) ? "runtime" : pe.origin;

    i.adopted = pe.adopted;
    if (auto o = overlaps_.find(pe.name); o != overlaps_.end()) i.overlaps = o->second;
    if (auto o = outranked_by_.find(pe.name); o != outranked_by_.end()) i.outranked_by = o->second;

    const binfmt::Entry* e = nullptr;
    auto k = last_.kernel.find(pe.name);
    const auto d = last_.defined.find(pe.name);
    if (d != last_.defined.end()) e = &d->second;
    else if (k != last_.kernel.end()) e = &k->second.entry;
    if (d != last_.defined.end() && k != last_.kernel.end() && !k->second.entry.same_registration(d->second)) {
        // The definition is not what the kernel runs: say what does.
        const binfmt::Entry& ke = k->second.entry;
        i.kernel_interpreter = ke.interpreter;
        i.kernel_flags = ke.flags.kernel_string();
        i.kernel_magic = ke.magic;
        i.kernel_mask = ke.mask;
        i.kernel_offset = ke.offset;
    }
    if (e) {
        i.priority = e->priority;
        i.kind = std::string(binfmt::kind_name(e->kind));
        i.interpreter = e->interpreter;
        i.magic = e->magic;
        i.mask = e->mask;
        i.offset = e->offset;
        i.extension = e->extension;
        i.flags = e->flags.kernel_string();
        i.enabled = k != last_.kernel.end() ? k->second.enabled : e->enabled;
        if (e->origin.file == pe.origin && e->origin.line > 0)
            i.origin_line = static_cast<std::uint32_t>(e->origin.line);
    }
    // What an F entry of ours pins is what it was registered with; the OS is asked now whether
    // the path still names that file. Another tool's pin is unknown here ("").
    auto o = last_.owned.find(pe.name);
    if (k != last_.kernel.end() && k->second.entry.flags.fix_binary && o != last_.owned.end() &&
        !o->second.pinned_path.empty()) {
        i.pinned = o->second.pinned_path;
        i.pinned_stale = file_identity(k->second.entry.interpreter) != o->second.pinned;
    }
    return i;
}

std::vector<binfmt::EntryRecord> Manager::list() const {
    std::vector<binfmt::EntryRecord> out;
    for (auto& pe : last_.entries) out.push_back(info(pe));
    return out;
}

Result<binfmt::EntryRecord> Manager::get(const std::string& name) const {
    if (auto* pe = planned(name)) return info(*pe);
    return Failure{Code::NoSuchEntry, fmt::format("no entry named \"{}\"", shorten(name))};
}

std::string Manager::describe() const {
    nlohmann::json entries = nlohmann::json::array();
    for (auto& i : list()) entries.push_back(binfmt::entry_to_json<nlohmann::json>(i));
    nlohmann::json diagnostics = nlohmann::json::array();
    for (auto& d : last_.diagnostics) diagnostics.push_back(binfmt::diagnostic_to_json<nlohmann::json>(d));
    nlohmann::json doc = {{"version", BINFMTD_VERSION},
                          {"mounted", mount_.mounted},
                          {"writable", mount_.writable},
                          {"kernel_enabled", mount_.kernel_enabled},
                          {"mount_error", last_.mount.writable() ? std::string() : last_.mount.why_not},
                          {"binfmt_dir", kernel_.dir()},
                          {"summary", last_.summary()},
                          {"diagnostics", diagnostics},
                          {"entries", entries}};
    // Kernel entry names and paths are bytes: invalid UTF-8 becomes U+FFFD rather than an exception.
    return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<Manager::Checked> Manager::checked(const std::string& name, const binfmt::Spec& spec,
                                          const RegisterOptions& opt) const {
    if (auto why = binfmt::check_name(name); !why.empty()) return Failure{Code::InvalidEntry, why};
    // The kernel takes 255 bytes, but Register keeps every entry in NAME.toml.
    if (name.size() > DefinitionFiles::kMaxName)
        return Failure{Code::InvalidEntry, fmt::format("entry name is {} bytes long; Register stores it as NAME.toml, "
                                                       "so at most {}",
                                                       name.size(), DefinitionFiles::kMaxName)};
    binfmt::Entry e;
    std::vector<binfmt::SpecProblem> problems;
    if (!binfmt::entry_from_spec(name, spec, e, problems)) {
        std::vector<std::string> text;
        for (auto& p : problems) text.push_back(p.key.empty() ? p.message : fmt::format("{}: {}", p.key, p.message));
        return Failure{Code::InvalidEntry, fmt::format("entry \"{}\": {}", name, fmt::join(text, "; "))};
    }
    e.force = e.force || opt.force;

    const binfmt::PlannedEntry* existing = planned(name);
    const bool foreign = existing && existing->state == binfmt::State::Foreign;
    // A file binfmtd's own would lose to decides. Checked here, before anything is written: a
    // refused call must not register the entry for a moment.
    const std::string ours = files_.path(name, opt.persist);
    if (existing && !foreign && !existing->origin.empty() && existing->origin != "runtime" &&
        existing->origin != ours && binfmt::takes_precedence(existing->origin, ours, config_dirs_)) {
        auto defined = last_.defined.find(name);
        const bool same = defined != last_.defined.end() &&
                          reconciler_.checker().with_interpreter(e).same_registration(defined->second);
        if (same && last_.kept_out.count(name)) return Checked{e, true};
        return Failure{Code::AlreadyExists,
                       fmt::format("entry \"{}\" is defined in \"{}\", which takes precedence over \"{}\"{}; edit "
                                   "that file instead",
                                   name, existing->origin, ours,
                                   same ? " and defines it just so" : ", with another definition")};
    }
    if (existing && !foreign && !opt.replace)
        return Failure{Code::AlreadyExists, fmt::format("entry \"{}\" is already defined ({}); pass replace to "
                                                        "overwrite it",
                                                        name, existing->origin)};
    if (foreign || (existing && existing->adopted)) {
        // Another tool's entry: an identical definition adopts it (nothing is written), a
        // different one would need binfmtd to replace it, which it never does.
        const auto k = last_.kernel.find(name);
        const binfmt::Entry want = reconciler_.checker().with_interpreter(e);
        if (k == last_.kernel.end() || !k->second.entry.same_registration(want))
            return Failure{Code::AlreadyExists,
                           fmt::format("the kernel has an entry \"{}\" that binfmtd did not register{} and that "
                                       "differs ({}); binfmtd never replaces it",
                                       name, foreign ? "" : " (adopted while identical to its definition)",
                                       k == last_.kernel.end() ? std::string("it is gone")
                                                               : binfmt::describe_differences(k->second.entry, want))};
    }
    if (files_.exists(name, opt.persist) && !files_.ours(name, opt.persist))
        return Failure{Code::AlreadyExists, fmt::format("\"{}\" exists and was not written by binfmtd; edit it instead",
                                                        files_.path(name, opt.persist))};

    const binfmt::Verdict verdict = reconciler_.checker().check(reconciler_.checker().with_interpreter(e));
    if (!verdict.ok()) return Failure{refusal_code(verdict.kind), verdict.reason};
    return Checked{e};
}

Status Manager::register_entry(const std::string& name, const binfmt::Spec& spec, const RegisterOptions& opt) {
    auto e = checked(name, spec, opt);
    if (!e.ok()) return e.failure();
    return apply({e.value()}, opt);
}

Status Manager::register_all(const std::vector<Registration>& entries, const RegisterOptions& opt) {
    if (entries.empty())
        return Failure{Code::InvalidEntry, "RegisterAll needs at least one entry; nothing was changed"};
    if (entries.size() > kMaxEntriesPerCall)
        return Failure{Code::InvalidEntry, fmt::format("{} entries in one call; at most {}, nothing was changed",
                                                       entries.size(), kMaxEntriesPerCall)};
    std::vector<Checked> checked_entries;
    std::set<std::string> names;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const std::string& name = entries[i].name;
        if (!names.insert(name).second)
            return Failure{Code::InvalidEntry, fmt::format("entry {} of {}: \"{}\" is given twice; nothing was changed",
                                                           i + 1, entries.size(), shorten(name))};
        auto e = checked(name, entries[i].spec, opt);
        if (!e.ok()) {
            // Say which entry, unless the sentence already starts with it.
            const std::string& why = e.failure().message;
            const std::string prefix = fmt::format("entry \"{}\"", shorten(name));
            return Failure{e.failure().code,
                           fmt::format("{}{}; nothing was changed", why.starts_with(prefix) ? "" : prefix + ": ", why)};
        }
        checked_entries.push_back(std::move(e.value()));
    }
    return apply(checked_entries, opt);
}

Status Manager::apply(const std::vector<Checked>& entries, const RegisterOptions& opt) {
    if (auto mount = kernel_.mount_state(); !mount.writable()) return Failure{Code::NotMounted, mount.why_not};

    // What each call changes, to put back if one entry is refused.
    struct Undo {
        std::string name;
        std::optional<std::string> file; // its definition file's content, or none
        bool kept_out;                   // unregistered until reboot
    };
    std::vector<Undo> undo;
    auto put_back_files = [&] {
        for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
            if (auto s = files_.restore(it->name, opt.persist, it->file); !s.ok())
                log::error("{}", s.failure().message);
            reconciler_.keep_out(it->name, it->kept_out); // a refused Register lifts no earlier Unregister
        }
    };
    for (auto& [e, lift_only] : entries) {
        undo.push_back({e.name, files_.read(e.name, opt.persist), last_.kept_out.count(e.name) != 0});
        if (auto s = lift_only ? Status{} : files_.write(e, opt.persist); !s.ok()) {
            put_back_files();
            return Failure{Code::ReadOnly, s.failure().message + "; nothing was changed", s.failure().errnum};
        }
        reconciler_.keep_out(e.name, false);
    }
    // A definition the kernel refuses keeps its previous registration rather than open a gap.
    reload(Reconciler::RefusedStandIn::KeepOld);

    std::vector<std::string> refused;
    bool outranked_only = true;
    for (auto& [e, lift_only] : entries) {
        const binfmt::PlannedEntry* now = planned(e.name);
        // What came back from being kept out answers to the file that defines it.
        const std::string ours = lift_only && now ? now->origin : files_.path(e.name, opt.persist);
        if (now && now->state != binfmt::State::Failed && now->origin == ours) continue;
        const bool outranked = now && now->origin != ours;
        outranked_only = outranked_only && outranked;
        const std::string why = !now        ? std::string("it did not load")
                                : outranked ? fmt::format("\"{}\" takes precedence over \"{}\"", now->origin, ours)
                                            : now->error;
        refused.push_back(fmt::format("entry \"{}\" was not registered: {}", e.name, why));
    }
    if (!refused.empty()) {
        put_back_files();
        reload(); // every entry as it was, swapped back without a gap
        return Failure{outranked_only ? Code::AlreadyExists : Code::KernelRejected,
                       entries.size() == 1 ? refused.front()
                                           : fmt::format("{}; nothing was changed", fmt::join(refused, "; "))};
    }
    for (auto& [e, lift_only] : entries) {
        if (!lift_only && opt.persist && files_.ours(e.name, false)) // the /etc copy supersedes it
            if (auto s = files_.remove(e.name, false); !s.ok()) log::warning("{}, ignoring", s.failure().message);
        const binfmt::PlannedEntry* now = planned(e.name);
        log::info("Register {}: {} ({})", e.name, now->origin, binfmt::state_name(now->state));
    }
    return {};
}

Status Manager::unregister_entry(const std::string& name, bool persist) {
    const binfmt::PlannedEntry* pe = planned(name);
    if (!pe) return Failure{Code::NoSuchEntry, fmt::format("no entry named \"{}\"", shorten(name))};
    if (pe->state == binfmt::State::Foreign)
        return Failure{Code::NotManaged, fmt::format("entry \"{}\" is another tool's (foreign): no configuration "
                                                     "defines it and binfmtd did not register it, so it never "
                                                     "removes it",
                                                     name)};
    // An adopted entry is another tool's registration: only its definition goes.
    const bool adopted = pe->adopted;

    for (bool where : {false, true}) {
        if (where && !persist) break;
        if (!files_.ours(name, where)) continue;
        if (auto s = files_.remove(name, where); !s.ok()) return s;
    }
    reload();
    const binfmt::PlannedEntry* still = planned(name);
    if (still && last_.defined.count(name)) {
        // Another file still defines it: keep it out of the kernel.
        if (!persist) {
            reconciler_.keep_out(name, true);
        } else {
            // A definition in /etc (the top directory) can only be undone by its author.
            const std::string ours = files_.path(name, true);
            const bool in_etc = std::filesystem::path(still->origin).parent_path() ==
                                std::filesystem::path(ours).parent_path();
            if ((in_etc && still->origin != ours) || (files_.exists(name, true) && !files_.ours(name, true)))
                return Failure{Code::ReadOnly, fmt::format("entry \"{}\" is defined in \"{}\", which binfmtd did not "
                                                           "write; edit or mask that file",
                                                           name, still->origin)};
            binfmt::Entry off = last_.defined.at(name);
            off.enabled = false;
            if (auto s = files_.write(off, true); !s.ok()) return s;
        }
        reload();
    }
    log::info("Unregister {}{}{}", name, persist ? " (persist)" : "",
              adopted ? ": its definition only; the kernel's entry is another tool's and stays" : "");
    return {};
}

std::vector<std::pair<std::string, std::string>> Manager::matching(const std::string& filename,
                                                                   const binfmt::Bytes& head) const {
    std::vector<std::pair<std::string, std::string>> out;
    // The kernel tries the most recently registered entry first, which is the order it lists them in.
    for (auto& [name, ke] : kernel_.read_table().entries)
        if (ke.enabled && binfmt::matches(ke.entry, filename, head)) out.emplace_back(name, ke.entry.interpreter);
    return out;
}

} // namespace binfmtd
