// Test support for the ledger: a migrated database of either engine (SQLite
// in a temporary directory, PostgreSQL in a schema of its own on the server
// named by DIGITRADE_TEST_POSTGRES) and a fixed signing key. Test-only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ledger/log.h"
#include "ledger/note.h"
#include "storage/internal/test_util.h"
#include "storage/postgres/postgres_database.h"
#include "storage/sqlite/sqlite_database.h"

namespace digitrade::ledger::testing {

enum class Engine { kSqlite, kPostgres };

inline std::string EngineName(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::kSqlite ? "Sqlite" : "Postgres";
}

inline NoteSigner TestSigner(const std::string& origin = "digitrade.test/log/evidence",
                             std::uint8_t seed_byte = 1) {
  auto key = crypto::Ed25519PrivateKey::FromSeed(std::vector<std::uint8_t>(32, seed_byte));
  return NoteSigner::Create(origin, *key).value();
}

// One test database; Open() hands out further handles on it, as separate
// servers would have.
class TestDatabase {
 public:
  explicit TestDatabase(Engine engine) : engine_(engine) {}

  // Returns false (and why) when the engine is not available.
  bool Setup(std::string* why) {
    if (engine_ == Engine::kSqlite) return dir_.ok();
    if (storage::testing::PostgresUrl().empty()) {
      *why = storage::testing::kPostgresSkip;
      return false;
    }
    if (auto st = schema_.Create(); !st) {
      *why = st.error().ToString();
      return false;
    }
    return true;
  }

  Result<std::unique_ptr<storage::Database>> Open() {
    std::unique_ptr<storage::Database> db;
    if (engine_ == Engine::kSqlite) {
      DT_ASSIGN_OR_RETURN(db, storage::SqliteDatabase::Open((dir_.path() / "ledger.db").string()));
    } else {
      DT_ASSIGN_OR_RETURN(db, storage::PostgresDatabase::Open(schema_.url()));
    }
    DT_TRY(storage::ApplyMigrations(*db, Log::Migrations()));
    return db;
  }

 private:
  Engine engine_;
  storage::testing::TempDir dir_;
  storage::testing::PostgresTestSchema schema_;
};

}  // namespace digitrade::ledger::testing
