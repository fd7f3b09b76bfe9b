// The `digitrade` command line: subcommands, --help everywhere (CLI11),
// --json for machine-readable output, exit codes from exit_codes.h.
#pragma once

namespace digitrade::app {

// Parses argv, runs the chosen command and returns the exit code.
int RunCli(int argc, char** argv);

}  // namespace digitrade::app
