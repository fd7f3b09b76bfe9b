// `digitrade einvoice validate FILES...`: offline e-invoice validation with
// a summary, a parallel batch mode and a progress bar (docs/cli.md).
#pragma once

#include <CLI/CLI.hpp>

namespace digitrade::app {

// Adds the `einvoice` command group to `app`. `json` is the global --json
// flag; the chosen command's exit code is written to `rc`: 0 every document
// clean (warnings allowed), 1 at least one has fatal errors or makes the
// official rules stop (crash), 2 at least one could not be read or parsed.
void AddEinvoiceCommands(CLI::App& app, bool& json, int& rc);

}  // namespace digitrade::app
