// Versioned schema migrations, applied at start.
//
// Each module owns an ordered list of migrations (module name, version 1, 2,
// ...). ApplyMigrations records what it applied in the table
// `schema_migrations(module, version, applied_at)` and applies, in one
// transaction per migration, every migration newer than the recorded one.
// Running it twice is a no-op. With PostgreSQL, concurrent servers serialise
// on an advisory lock so each migration is applied exactly once.
//
// Migrations are append-only: never edit one that has shipped; add the next.
// A migration's SQL runs inside its transaction (see Executor::ExecuteScript),
// so it must not contain BEGIN/COMMIT or statements that refuse to run in a
// transaction (VACUUM, CREATE INDEX CONCURRENTLY).
//
// Thread-safety: the functions are safe to call concurrently, from one or
// many processes; each migration is applied exactly once.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "storage/database.h"

namespace digitrade::storage {

struct Migration {
  std::string module;
  int version = 0;
  std::string sql;           // portable SQL, or SQLite's when postgres_sql is set
  std::string postgres_sql;  // optional PostgreSQL-specific variant
};

// Returns how many migrations were applied. Errors: invalid_argument when the
// versions of a module are not 1..n in order, or when the database holds a
// version newer than this binary knows (a downgrade); errors of the SQL.
Result<int> ApplyMigrations(Database& db, std::span<const Migration> migrations);

// The same, stamping applied_at (RFC 3339 UTC) from `clock` instead of the
// system clock.
Result<int> ApplyMigrations(Database& db, std::span<const Migration> migrations,
                            const Clock& clock);

// The version of `module` recorded in the database (0 when none).
Result<int> CurrentVersion(Database& db, std::string_view module);

}  // namespace digitrade::storage
