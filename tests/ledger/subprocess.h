// Runs a child process for the ledger's integration tests: the Go peer
// (tlogpeer) and the crash-test appender. POSIX only; test code.
//
// Thread-safety: each call is independent.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace digitrade::ledger::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

// Runs argv[0] with `argv`, feeding `input` on stdin; waits for it to exit.
ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& input = "");

// Starts argv[0] with stdout piped to *stdout_fd (the caller reads and
// closes it) and stdin and stderr inherited. Returns the child's pid.
pid_t StartProcess(const std::vector<std::string>& argv, int* stdout_fd);

}  // namespace digitrade::ledger::testing
