// `digitrade etr ...`: electronic transferable records from the command
// line, on the local database (as the `org` and `log append` commands are):
// register parties and keys, issue, transfer, surrender, any other action,
// show and list. Actions are signed here with the actor's PEM private key
// (client-side signing), then applied through the same engine the API uses
// and appended to the evidence log. docs/cli.md and docs/etr.md.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace digitrade::app {

// Adds the `etr` command group. Exit codes: 0 done, 2 rejected (bad input,
// rules, a lost race: the engine's message says which), 3 the environment.
void AddEtrCommands(CLI::App& app, std::string& db, bool& json, int& rc);

}  // namespace digitrade::app
