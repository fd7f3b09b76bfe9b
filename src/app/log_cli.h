// `digitrade log ...`: offline verification of checkpoints and proofs, a
// monitor that follows a remote evidence log and reports forks, and key
// generation. None of them needs the database.
#pragma once

#include <CLI/CLI.hpp>

namespace digitrade::app {

// Adds the `log` command; `rc` receives the exit code.
void AddLogCommands(CLI::App& app, bool& json, int& rc);

}  // namespace digitrade::app
