// The ledger's tables (see docs/ledger-format.md for what each column holds).
// Thread-safety: constant data.
#pragma once

#include <vector>

#include "storage/migrations.h"

namespace digitrade::ledger::internal {

std::vector<storage::Migration> LedgerMigrations();

}  // namespace digitrade::ledger::internal
