// The entry model: what one binfmt_misc registration is, independent of where it came from.
#pragma once

#include "bytes.hpp"

#include <cstdint>
#include <string>

namespace binfmt {

enum class Kind { Magic, Extension };

std::string_view kind_name(Kind kind); // "magic" / "extension"

struct Flags {
    bool preserve_argv0 = false; // P
    bool open_binary = false;    // O
    bool credentials = false;    // C (the kernel implies O)
    bool fix_binary = false;     // F

    // The letters in the kernel's order "POCF", as the kernel would show them
    // after registration (C adds O).
    std::string kernel_string() const;
    // Parses letters from "POCF" in any order; false on any other character.
    static bool parse(std::string_view letters, Flags& out);
    bool operator==(const Flags&) const = default;
};

// Where a definition came from, for messages ("file:line:column").
struct Location {
    std::string file;
    int line = 0;
    int column = 0;
    std::string str() const; // "file:line:col", or "file" without a line
};

// Which kind of source a definition came from; ownership follows it (see lib/plan.hpp).
// Binfmtd: binfmtd.d and Register's files; BinfmtD: systemd's binfmt.d; Binfmts: binfmt-support.
enum class Source { Binfmtd, BinfmtD, Binfmts };

struct Entry {
    std::string name;
    Kind kind = Kind::Magic;
    Bytes magic; // Kind::Magic
    Bytes mask;  // empty = no mask (all bits significant)
    std::uint32_t offset = 0;
    std::string extension;   // Kind::Extension, without the dot
    std::string interpreter; // absolute path; may be empty for a preset until one is found
    Flags flags;
    bool enabled = true;
    bool force = false; // allow an entry that captures native executables
    std::string preset; // the preset it was built from, if any
    Location origin;

    // True when the kernel would treat both as the same registration
    // (same kind, offset, interpreter, flags as the kernel shows them, and
    // magic under mask / extension). Names are not compared.
    bool same_registration(const Entry& other) const;

    Source source = Source::Binfmtd;
    std::int32_t priority = 0; // higher wins among entries matching the same files
    // The place of origin's directory among its source's directories, 0 the highest: on a tie of
    // priorities between overlapping entries the higher directory wins (lib/priority.hpp).
    std::uint32_t dir_rank = 0;
};

} // namespace binfmt
