// Reading and writing the files the CLI and `serve` are given. One place for
// the size limit, the "-" convention and the mode of secret files.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace digitrade::app {

// The whole file. Errors: not_found (missing or unreadable), resource_exhausted
// (over 64 MiB), unavailable (a read error).
Result<std::string> ReadFileText(const std::string& path);

// Writes `data` to `path` ("-" or empty: stdout), replacing it atomically (a
// file beside it, renamed over it: readers see the old or the whole new
// content; a device or FIFO is written in place). Secrets have mode 0600
// from the start, never readable by others in between; other files
// 0666 & ~umask. Errors: unavailable.
Status WriteFileText(const std::string& path, std::string_view data, bool secret = false);

}  // namespace digitrade::app
