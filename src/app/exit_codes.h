// Process exit codes of the `digitrade` CLI (documented in docs/cli.md).
#pragma once

#include "common/result.h"

namespace digitrade::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitNegative = 1;   // a negative verdict (a signature fails, ...)
inline constexpr int kExitBadInput = 2;   // unusable input or arguments
inline constexpr int kExitFailure = 3;    // the environment failed (database, port, I/O)

// Exit code for an error: invalid_argument, not_found, already_exists,
// failed_precondition, permission_denied, unauthenticated, conflict and
// resource_exhausted are the caller's input (2); the rest are failures (3).
int ExitCodeFor(const Error& e);

// Prints "digitrade: <message>" to stderr and returns ExitCodeFor(e).
int ReportError(const Error& e);

}  // namespace digitrade::app
