// Rendering of what the daemon returns: tables and status fields for people, JSON for scripts.
#pragma once

#include "entry_record.hpp"

#include <string>
#include <vector>

namespace binfmtctl {

struct OutputOptions {
    bool json = false;
    bool legend = true;
};

// One row of List(): a(ssssss).
struct ListRow {
    std::string name, kind, interpreter, flags, state, origin;
};

// One row of Resolve(): a(ss).
struct Match {
    std::string name, interpreter;
};

// `list`: NAME KIND INTERPRETER FLAGS STATE ORIGIN, then "N entries listed." with the legend.
void print_list(const std::vector<ListRow>& rows, const OutputOptions& out);

// `status NAME`: labelled fields, or with --json one object shaped like an entry of Describe().
// `pin_unknown`: why an F entry's pin could not be told (shown when `entry.pinned` is empty).
// `outranked_foreign`: whether `entry.outranked_by` is another tool's entry (foreign).
void print_entry(const binfmt::EntryRecord& entry, const OutputOptions& out, const std::string& pin_unknown = {},
                 bool outranked_foreign = false);

// `status`: a summary of Describe()'s document (text only; --json prints the document itself):
// binfmt_misc mounted, writable and enabled, the entries' states, the configuration's diagnostics.
// Throws std::runtime_error when the document is not the expected JSON.
void print_summary(const std::string& describe_json);

// A JSON document from the daemon, newline-terminated: the same document, its text ASCII only.
void print_document(const std::string& json);

// `which FILE`: the matching entries, the one the kernel uses first; with binfmt_misc disabled
// (`kernel_enabled` false) listed as entries that would match, none as the one that runs.
void print_matches(const std::string& file, const std::vector<Match>& matches, bool kernel_enabled,
                   const OutputOptions& out);

} // namespace binfmtctl
