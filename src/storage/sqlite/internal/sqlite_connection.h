// One SQLite connection with its prepared-statement cache: the engine-facing
// half of SqliteDatabase. Binds `$1..$N` placeholders by number and maps
// SQLite result codes to ErrorCode.
//
// Thread-safety: none. A connection is used by one thread at a time (the
// writer under SqliteDatabase's mutex, a reader while leased from the pool).
// The connection owns its sqlite3 handle and statements.
#pragma once

#include <functional>

#include <sqlite3.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/database.h"
#include "storage/internal/statement_cache.h"
#include "storage/sqlite/sqlite_database.h"

namespace digitrade::storage::internal {

class SqliteConnection {
 public:
  // kCheckpointer: copies the WAL into the database file (PASSIVE
  // checkpoints) for the writer, on a thread of its own.
  enum class Role { kWriter, kReader, kCheckpointer };

  // Opens `path` (creating it for the writer) and configures the connection:
  // WAL and synchronous=FULL, foreign keys, busy timeout; readers are
  // query_only.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path, Role role,
                                                        const SqliteOptions& options);

  SqliteConnection(sqlite3* db, std::size_t statement_cache_size);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // Whether `sql` only reads (prepares and caches it).
  Result<bool> IsReadOnly(std::string_view sql);

  Result<ResultSet> Run(std::string_view sql, const Params& params, bool keep_rows);
  Status Exec(std::string_view script);
  Status Begin(TxMode mode);
  Status Commit();
  void Rollback();
  bool InTransaction() const;

  bool Healthy() const { return true; }

  // Writer only: after each commit, when the WAL holds at least `pages`
  // frames, calls `poke` (which must not block); at `backstop` frames the
  // writer checkpoints itself, so the WAL stays bounded even when the
  // checkpointer cannot keep up. Replaces SQLite's autocheckpoint. `poke`
  // must outlive the connection.
  void OffloadCheckpoints(int pages, int backstop, std::function<void()>* poke);
  // A PASSIVE checkpoint: copies what it can without waiting for anyone.
  Status CheckpointPassive();
  bool Recycle();

 private:
  struct StatementDeleter {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

  struct Statement {
    StatementPtr stmt;
    std::vector<int> slots;  // slots[k - 1]: SQLite's index of placeholder $k
    bool read_only = false;
  };

  Status Configure(Role role);
  Result<Statement*> Prepare(std::string_view sql);
  Status CheckNothingAfter(std::string_view sql, const char* tail);
  Status Bind(const Statement& st, const Params& params);
  Result<ResultSet> Step(const Statement& st, bool keep_rows);
  // The connection's last error, prefixed with `context`.
  Error LastError(std::string_view context) const;

  static int OnWalCommit(void* self, sqlite3* db, const char* name, int pages);

  sqlite3* db_;
  StatementCache<Statement> cache_;
  int checkpoint_pages_ = 0;
  int checkpoint_backstop_ = 0;
  std::function<void()>* poke_ = nullptr;
};

}  // namespace digitrade::storage::internal
