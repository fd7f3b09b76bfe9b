// `digitrade pint ...`: DCSA PINT from the command line.
//   send            ask a running digitrade (--server, --token) to send an eBL
//                   it holds to a party on a peer platform (POST /v1/pint/transfers)
//   sign-issuance   sign a DCSA IssuanceManifest with a carrier key (offline),
//                   for recording an eBL issued on this platform
// Exit codes: 0 accepted / done, 1 the receiver refused (a negative verdict),
// 2 bad input, 3 the server or network failed.
#pragma once

#include <CLI/CLI.hpp>

namespace digitrade::app {

void AddPintCommands(CLI::App& app, bool& json, int& rc);

}  // namespace digitrade::app
