// `digitrade log ...`: offline verification of checkpoints and proofs, a
// monitor that follows a remote evidence log and reports forks, key
// generation (none of these needs the database), and `append` (on the
// database named by --db).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace digitrade::app {

// Adds the `log` command; `rc` receives the exit code.
void AddLogCommands(CLI::App& app, const std::string& db, bool& json, int& rc);

}  // namespace digitrade::app
