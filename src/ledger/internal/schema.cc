#include "ledger/internal/schema.h"

namespace digitrade::ledger::internal {
namespace {

// SQLite: entries, tiles and checkpoints are clustered on their keys
// (WITHOUT ROWID), so a tile or a run of entries is one B-tree range
// (entries: until version 2, below).
constexpr const char* kSqliteV1 = R"sql(
CREATE TABLE ledger_logs (
  log_id INTEGER NOT NULL PRIMARY KEY,
  origin TEXT NOT NULL UNIQUE,
  hash_alg TEXT NOT NULL,
  tree_size INTEGER NOT NULL,
  root BLOB NOT NULL,
  checkpoint TEXT NOT NULL,
  lease_holder TEXT NOT NULL,
  lease_expires INTEGER NOT NULL,
  indexed_size INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE ledger_entries (
  log_id INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (log_id, idx)
) WITHOUT ROWID;
CREATE TABLE ledger_leaf_index (
  log_id INTEGER NOT NULL,
  hash_prefix INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  PRIMARY KEY (log_id, hash_prefix, idx)
) WITHOUT ROWID;
CREATE TABLE ledger_tiles (
  log_id INTEGER NOT NULL,
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hashes BLOB NOT NULL,
  PRIMARY KEY (log_id, level, idx)
) WITHOUT ROWID;
CREATE TABLE ledger_checkpoints (
  log_id INTEGER NOT NULL,
  tree_size INTEGER NOT NULL,
  note TEXT NOT NULL,
  published_at INTEGER NOT NULL,
  PRIMARY KEY (log_id, tree_size)
) WITHOUT ROWID;
CREATE TABLE ledger_pending (
  log_id INTEGER NOT NULL,
  submitter TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data BLOB NOT NULL,
  idx INTEGER,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (log_id, submitter, seq)
);
)sql";

constexpr const char* kPostgresV1 = R"sql(
CREATE TABLE ledger_logs (
  log_id BIGINT NOT NULL PRIMARY KEY,
  origin TEXT NOT NULL UNIQUE,
  hash_alg TEXT NOT NULL,
  tree_size BIGINT NOT NULL,
  root BYTEA NOT NULL,
  checkpoint TEXT NOT NULL,
  lease_holder TEXT NOT NULL,
  lease_expires BIGINT NOT NULL,
  indexed_size BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE ledger_entries (
  log_id BIGINT NOT NULL,
  idx BIGINT NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (log_id, idx)
);
CREATE TABLE ledger_leaf_index (
  log_id BIGINT NOT NULL,
  hash_prefix BIGINT NOT NULL,
  idx BIGINT NOT NULL,
  PRIMARY KEY (log_id, hash_prefix, idx)
);
CREATE TABLE ledger_tiles (
  log_id BIGINT NOT NULL,
  level INTEGER NOT NULL,
  idx BIGINT NOT NULL,
  hashes BYTEA NOT NULL,
  PRIMARY KEY (log_id, level, idx)
);
CREATE TABLE ledger_checkpoints (
  log_id BIGINT NOT NULL,
  tree_size BIGINT NOT NULL,
  note TEXT NOT NULL,
  published_at BIGINT NOT NULL,
  PRIMARY KEY (log_id, tree_size)
);
CREATE TABLE ledger_pending (
  log_id BIGINT NOT NULL,
  submitter TEXT NOT NULL,
  seq BIGINT NOT NULL,
  data BYTEA NOT NULL,
  idx BIGINT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (log_id, submitter, seq)
);
)sql";

// SQLite: entries in a rowid table. In a WITHOUT ROWID table a row keeps at
// most about 1000 bytes on its B-tree page, so every entry over that (a
// signed etr action is about 1300) took an overflow page of its own: 4 KiB
// written per entry. Appended in index order, the rowid table packs three
// such entries per page; the primary key becomes a small index beside it.
constexpr const char* kSqliteV2 = R"sql(
CREATE TABLE ledger_entries_v2 (
  log_id INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (log_id, idx)
);
INSERT INTO ledger_entries_v2 (log_id, idx, data)
  SELECT log_id, idx, data FROM ledger_entries ORDER BY log_id, idx;
DROP TABLE ledger_entries;
ALTER TABLE ledger_entries_v2 RENAME TO ledger_entries;
)sql";

// PostgreSQL keeps rows of this size on the heap page already: nothing to do.
constexpr const char* kPostgresV2 =
    "COMMENT ON TABLE ledger_entries IS 'evidence log entries (leaf bytes) by log and index';";

}  // namespace

std::vector<storage::Migration> LedgerMigrations() {
  return {storage::Migration{"ledger", 1, kSqliteV1, kPostgresV1},
          storage::Migration{"ledger", 2, kSqliteV2, kPostgresV2}};
}

}  // namespace digitrade::ledger::internal
