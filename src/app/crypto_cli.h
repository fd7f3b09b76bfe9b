// The offline signature commands of the `digitrade` CLI: keygen, sign,
// verify and ca (init, issue, crl). They work on files only (no database)
// through the crypto/ facade; see docs/cli.md.
#pragma once

#include <CLI/CLI.hpp>

namespace digitrade::app {

// Adds the commands to `app`. `json` selects machine-readable output; the
// chosen command's exit code is stored in `rc`. Both must outlive parsing.
void AddCryptoCommands(CLI::App& app, bool& json, int& rc);

}  // namespace digitrade::app
