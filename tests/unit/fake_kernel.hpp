// A binfmt_misc table in memory for the daemon core's unit tests. Register lines go through
// the model of the kernel's own parser (tests/fuzz/kernel_register_parser.hpp), and entries
// are shown as the kernel's entry files show them, decoded by the daemon's real decoder.
#pragma once

#include "bytes.hpp"
#include "kernel.hpp"
#include "kernel_register_parser.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <set>

namespace unit {

class FakeKernel final : public binfmtd::Kernel {
public:
    struct Slot {
        std::string name;
        kmodel::Parsed parsed;
        bool enabled = true;
    };
    std::vector<Slot> table;      // newest first, as the kernel lists and tries them
    binfmtd::MountState mount;    // Writable unless a test says otherwise
    std::set<std::string> refuse; // names whose registration the kernel refuses (ENOMEM, say)
    // Registrations refused for what they say (an F entry whose interpreter cannot be opened, say).
    std::function<bool(const kmodel::Parsed&)> refuse_if;
    std::vector<std::string> writes;   // "+NAME" per register line taken, "-NAME" per removal
    std::function<void()> after_write; // called after every write the kernel took
    std::string held_by;               // non-empty: another binfmtd holds the instance (claim fails)

    const std::string& dir() const override { return dir_; }
    binfmtd::MountState mount_state() const override { return mount; }
    binfmtd::Status claim() override {
        if (!mount.mounted()) return binfmtd::Failure{binfmt::ApiErrorCode::NotMounted, mount.why_not};
        if (!held_by.empty()) return binfmtd::Failure{binfmt::ApiErrorCode::ReadOnly, held_by, EWOULDBLOCK};
        return {};
    }

    binfmtd::KernelTable read_table() const override {
        binfmtd::KernelTable t;
        for (auto& s : table) {
            std::string error;
            if (auto ke = binfmt::decode_kernel_entry(s.name, entry_file(s), error))
                t.entries.emplace_back(s.name, *ke);
            else t.unreadable.push_back(error);
        }
        return t;
    }
    std::optional<binfmt::KernelEntry> read_entry(const std::string& name) const override {
        for (auto& [n, ke] : read_table().entries)
            if (n == name) return ke;
        return std::nullopt;
    }
    binfmtd::Status add(const std::string& line) override {
        if (!mount.writable() || !held_by.empty()) return fail(EROFS, "register");
        auto parsed = kmodel::parse_register(line);
        if (!parsed) return fail(EINVAL, "register");
        if (find(parsed->name)) return fail(EEXIST, "register");
        if (refuse.count(parsed->name)) return fail(ENOMEM, "register");
        if (refuse_if && refuse_if(*parsed)) return fail(ENOENT, "register");
        table.insert(table.begin(), {parsed->name, *parsed, true});
        writes.push_back("+" + parsed->name);
        if (after_write) after_write();
        return {};
    }
    binfmtd::Status remove(const std::string& name) override {
        if (!mount.writable() || !held_by.empty()) return fail(EROFS, name);
        auto it = std::find_if(table.begin(), table.end(), [&](const Slot& s) { return s.name == name; });
        if (it == table.end()) return fail(ENOENT, name);
        table.erase(it);
        writes.push_back("-" + name);
        if (after_write) after_write();
        return {};
    }

    // What someone else does: register a line behind binfmtd's back, flush the table.
    void someone_registers(const std::string& line) {
        auto parsed = kmodel::parse_register(line);
        REQUIRE(parsed);
        table.insert(table.begin(), {parsed->name, *parsed, true});
    }
    void flush() { table.clear(); }
    const Slot* find(const std::string& name) const {
        auto it = std::find_if(table.begin(), table.end(), [&](const Slot& s) { return s.name == name; });
        return it == table.end() ? nullptr : &*it;
    }
    // How many enabled extension entries would run a file named `file` now.
    std::size_t matching(const std::string& file) const {
        return static_cast<std::size_t>(std::count_if(table.begin(), table.end(), [&](const Slot& s) {
            return s.enabled && !s.parsed.magic && file.ends_with("." + s.parsed.extension);
        }));
    }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (auto& s : table) out.push_back(s.name);
        return out;
    }

private:
    static binfmtd::Status fail(int err, const std::string& what) {
        return binfmtd::Failure{binfmt::ApiErrorCode::KernelRejected,
                                fmt::format("cannot write \"{}\": {}", what, std::strerror(err)), err};
    }
    // The text of /proc/sys/fs/binfmt_misc/NAME, as fs/binfmt_misc.c prints it.
    static std::string entry_file(const Slot& s) {
        const auto& p = s.parsed;
        std::string flags;
        if (p.P) flags += 'P';
        if (p.O) flags += 'O';
        if (p.C) flags += 'C';
        if (p.F) flags += 'F';
        std::string text = fmt::format("{}\ninterpreter {}\nflags: {}\n", s.enabled ? "enabled" : "disabled",
                                       p.interpreter, flags);
        if (!p.magic) return text + fmt::format("extension .{}\n", p.extension);
        text += fmt::format("offset {}\nmagic {}\n", p.offset, binfmt::to_hex(p.magic_bytes));
        if (p.mask) text += fmt::format("mask {}\n", binfmt::to_hex(*p.mask));
        return text;
    }
    std::string dir_ = "/fake/binfmt_misc";
};

} // namespace unit
