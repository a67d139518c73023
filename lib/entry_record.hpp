// One entry as the API reports it (GetEntry, Describe, List, binfmtctl status), and the one
// table of its keys that every encoder and decoder walks, so that they cannot disagree.
#pragma once

#include "bytes.hpp"

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

namespace binfmt {

struct EntryRecord {
    std::string name, kind, interpreter;
    Bytes magic, mask;
    std::uint32_t offset = 0;
    std::string extension, flags;
    bool enabled = false;
    std::string state, origin, error;
    std::uint32_t origin_line = 0; // the line of `origin` that defines it (0: the whole file, or none)
    // For F entries: the file the kernel runs, as the kernel names it ("" when unknown), and
    // whether the interpreter path names another file now (by device and inode).
    std::string pinned;
    bool pinned_stale = false;
    std::int32_t priority = 0;
    // The other entries some file could match with this one, each as "\"hi\" wins over \"lo\":
    // priority 10 over 0" (lib/priority's overlap_sentence; another tool's entry wins when it
    // was registered later).
    std::vector<std::string> overlaps;
    // The entry the kernel runs such a file with instead, where that is not by rank: another
    // tool's registered later (or one binfmtd may not register again); "" when none.
    std::string outranked_by;
    bool adopted = false; // another tool's entry, identical to the definition: binfmtd never touches it
    // The kernel's entry when it is not the definition (a failed or pending one, another tool's
    // that differs). All empty (kernel_interpreter "", kernel_offset 0) when the kernel's entry
    // is the definition or there is none: a kernel entry always has an interpreter.
    std::string kernel_interpreter, kernel_flags;
    Bytes kernel_magic, kernel_mask;
    std::uint32_t kernel_offset = 0;

    bool operator==(const EntryRecord&) const = default;
};

// A key of the record and the member that holds its value; the member's C++ type decides
// the value's D-Bus type and JSON form.
template <typename T> struct EntryField {
    std::string_view key;
    T EntryRecord::*member;
};
// Spelled out for clang 14, which deduces no aggregate's template arguments by itself.
template <typename T> EntryField(std::string_view, T EntryRecord::*) -> EntryField<T>;

// Every key, in the order JSON lists them. A new key is a member above and one line here.
inline constexpr std::tuple kEntryFields{EntryField{"name", &EntryRecord::name},
                                         EntryField{"kind", &EntryRecord::kind},
                                         EntryField{"interpreter", &EntryRecord::interpreter},
                                         EntryField{"magic", &EntryRecord::magic},
                                         EntryField{"mask", &EntryRecord::mask},
                                         EntryField{"offset", &EntryRecord::offset},
                                         EntryField{"extension", &EntryRecord::extension},
                                         EntryField{"flags", &EntryRecord::flags},
                                         EntryField{"enabled", &EntryRecord::enabled},
                                         EntryField{"state", &EntryRecord::state},
                                         EntryField{"origin", &EntryRecord::origin},
                                         EntryField{"error", &EntryRecord::error},
                                         EntryField{"pinned", &EntryRecord::pinned},
                                         EntryField{"pinned-stale", &EntryRecord::pinned_stale},
                                         EntryField{"origin-line", &EntryRecord::origin_line},
                                         EntryField{"priority", &EntryRecord::priority},
                                         EntryField{"overlaps", &EntryRecord::overlaps},
                                         EntryField{"outranked-by", &EntryRecord::outranked_by},
                                         EntryField{"adopted", &EntryRecord::adopted},
                                         EntryField{"kernel-interpreter", &EntryRecord::kernel_interpreter},
                                         EntryField{"kernel-flags", &EntryRecord::kernel_flags},
                                         EntryField{"kernel-magic", &EntryRecord::kernel_magic},
                                         EntryField{"kernel-mask", &EntryRecord::kernel_mask},
                                         EntryField{"kernel-offset", &EntryRecord::kernel_offset}};

// Calls visit(key, value) for every field of `record` in table order; the value is a
// reference to the member, const when the record is.
template <typename Record, typename Visit>
requires std::same_as<std::remove_const_t<Record>, EntryRecord>
void for_each_field(Record& record, Visit&& visit) {
    std::apply([&](const auto&... field) { (visit(field.key, record.*field.member), ...); }, kEntryFields);
}

} // namespace binfmt
