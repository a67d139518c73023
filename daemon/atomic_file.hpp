// Replacing a file so that readers (and a crash) see the old or the new
// content, never a torn one.
#pragma once

#include <string>
#include <string_view>

namespace binfmtd {

// Writes `content` to a temp file beside `path`, fsyncs it, renames it over
// `path` and fsyncs the directory. Creates missing parent directories (0755).
// Returns 0 or an errno; on failure `path` is unchanged.
int write_file_atomic(const std::string& path, std::string_view content, unsigned mode = 0644);

} // namespace binfmtd
