// Decoding one of binfmt_misc's per-entry files (/proc/sys/fs/binfmt_misc/NAME).
#pragma once

#include "entry.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace binfmt {

struct KernelEntry {
    Entry entry; // name, kind, interpreter, flags, offset, magic, mask, extension
    bool enabled = true;
};

// nullopt (with `error` set) when the text is not an entry file this code understands.
std::optional<KernelEntry> decode_kernel_entry(std::string_view name, std::string_view text, std::string& error);

} // namespace binfmt
