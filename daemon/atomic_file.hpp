// Replacing a file so that readers (and a crash) see the old or the new
// content, never a torn one.
#pragma once

#include "status.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace binfmtd {

// Writes `content` to a temp file beside `path`, fsyncs it, renames it over
// `path` and fsyncs the directory. Creates missing parent directories (0755).
// On failure (ReadOnly, with the errno) `path` is unchanged.
Status write_file_atomic(const std::string& path, std::string_view content, unsigned mode = 0644);

// Makes a rename or unlink in `dir` durable; errors are ignored (the change itself is done).
void fsync_dir(const std::string& dir);

// The temporary file name write_file_atomic uses for `filename` (before mkostemp fills in
// its XXXXXX): hidden, and never longer than NAME_MAX.
std::string temporary_name(const std::string& filename);
// Whether `name` is such a temporary, of a file whose name ends with `target_suffix`: what an
// interrupted write (a crash between mkostemp and rename) leaves behind.
bool is_temporary_name(std::string_view name, std::string_view target_suffix);

// Removes from `dir` the regular files named like write_file_atomic's temporaries of files
// ending in `target_suffix` for which `ours(path)` holds. Returns their paths. A missing
// directory is no error.
std::vector<std::string> remove_temporaries(const std::string& dir, std::string_view target_suffix,
                                            const std::function<bool(const std::string& path)>& ours);

} // namespace binfmtd
