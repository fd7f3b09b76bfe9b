// SqliteDatabase: storage::Database on an SQLite file (the embedded default).
//
// Durability and concurrency choices (see docs/storage.md):
// - WAL journal with synchronous=FULL, so an acknowledged commit survives a
//   power loss; foreign_keys=ON; a busy timeout for other processes.
// - One writer connection behind a mutex runs read-write transactions and
//   every statement that is not read-only (sqlite3_stmt_readonly), so writers
//   in this process queue on the mutex instead of sleeping in SQLite's busy
//   handler. A pool of reader connections (query_only) runs read-only
//   transactions and statements; in WAL mode they never wait for the writer.
// - Each connection caches its prepared statements.
//
// Thread-safety: as storage::Database; safe from many threads. The caller
// owns the SqliteDatabase; it must outlive every call into it. From inside a
// Transact() callback, writes through the Database itself (instead of the
// executor) fail with failed_precondition instead of deadlocking.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <utility>

#include "common/result.h"
#include "storage/database.h"

namespace digitrade::storage {

namespace internal {
class SqliteConnection;
template <typename Conn>
class ConnectionPool;
template <typename Entry>
class StatementCache;
}  // namespace internal

struct SqliteOptions {
  // Reader connections for read-only work (>= 1).
  std::size_t readers = 4;
  // How long to wait for a lock held by another process before failing with
  // unavailable, and for a free reader connection.
  std::chrono::milliseconds busy_timeout{5000};
  // Prepared statements kept per connection.
  std::size_t statement_cache_size = 256;
  // Once the WAL holds this many pages after a commit, a background thread
  // copies it into the database file (a PASSIVE checkpoint), so that
  // committing threads do not pay for it. At 8 times as many the writer
  // checkpoints itself, bounding the WAL. 0: SQLite's own autocheckpoint
  // (1000 pages, on the committing thread).
  int checkpoint_pages = 4000;
};

class SqliteDatabase final : public Database {
  struct Token {
    explicit Token() = default;
  };

 public:
  // Opens (creating if needed) the database file at `path` and switches it to
  // WAL mode. Errors: invalid_argument (empty path, ":memory:", readers == 0,
  // a file that cannot be opened), failed_precondition (WAL mode refused),
  // data_loss (not a database), unavailable (locked by another process).
  static Result<std::unique_ptr<SqliteDatabase>> Open(const std::string& path,
                                                      SqliteOptions options = {});

  SqliteDatabase(Token, std::unique_ptr<internal::SqliteConnection> writer,
                 std::unique_ptr<internal::ConnectionPool<internal::SqliteConnection>> readers);
  ~SqliteDatabase() override;

  Dialect dialect() const override { return Dialect::kSqlite; }
  Result<ResultSet> Query(std::string_view sql, const Params& params = {}) override;
  Result<int64_t> Execute(std::string_view sql, const Params& params = {}) override;
  Status Transact(const std::function<Status(Executor&)>& fn,
                  TxMode mode = TxMode::kReadWrite) override;
  Status ExecuteScript(std::string_view sql) override;

 private:
  Result<ResultSet> Run(std::string_view sql, const Params& params, bool keep_rows);
  // Whether `sql` only reads, remembered per SQL text once a reader has
  // prepared it, so that writes do not wait for a free reader.
  Result<bool> IsReadOnly(std::string_view sql);
  template <typename Fn>
  auto WithWriter(Fn&& fn) -> decltype(fn(std::declval<internal::SqliteConnection&>()));

  std::mutex writer_mu_;
  std::atomic<std::thread::id> writer_owner_;  // thread holding writer_mu_, if any
  std::unique_ptr<internal::SqliteConnection> writer_;
  std::unique_ptr<internal::ConnectionPool<internal::SqliteConnection>> readers_;
  std::shared_mutex kinds_mu_;
  std::unique_ptr<internal::StatementCache<bool>> read_only_;  // guarded by kinds_mu_

  // The background checkpointer (see SqliteOptions::checkpoint_pages).
  void Checkpoints(std::string path, SqliteOptions options);
  std::function<void()> poke_checkpointer_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_wanted_ = false;  // guarded by checkpoint_mu_
  bool checkpoint_stop_ = false;    // guarded by checkpoint_mu_
  std::thread checkpointer_;
};

}  // namespace digitrade::storage
