// HTTP adapter for ledger/: each evidence log's C2SP tlog-tiles resources
// (checkpoint, tiles, entry bundles), its proofs as JSON, its entries, and a
// summary for the portal. All public and read-only: anyone may verify.
//
//   GET /log                                       logs served here
//   GET /log/{log}                                 summary (origin, key, size)
//   GET /log/{log}/checkpoint                      signed checkpoint (text)
//   GET /log/{log}/tile/{L}/{N}[.p/{W}]            tile (octet-stream)
//   GET /log/{log}/tile/entries/{N}[.p/{W}]        entry bundle
//   GET /log/{log}/proof/inclusion?index=&tree_size=      (or leaf_hash=)
//   GET /log/{log}/proof/consistency?size1=&size2=
//   GET /log/{log}/entry/{index}
//
// Routes are documented in docs/openapi.yaml. Thread-safety: handlers call
// the Logs, which are thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "http/router.h"
#include "ledger/log.h"

namespace digitrade::http::api {

struct ServedLog {
  std::string name;  // the {log} path segment, e.g. "evidence"
  ledger::Log* log;  // not owned; must outlive the router
};

void RegisterLedgerApi(Router& router, std::vector<ServedLog> logs);

// A query parameter that must be a decimal integer in 0..2^63-1 without sign
// or leading zeroes. Errors: invalid_argument naming the parameter.
Result<std::uint64_t> ParseSizeParam(std::string_view name, std::string_view value);

}  // namespace digitrade::http::api
