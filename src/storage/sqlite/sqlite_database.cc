#include "storage/sqlite/sqlite_database.h"

#include "storage/internal/connection_pool.h"
#include "storage/internal/statement_cache.h"
#include "storage/internal/transaction.h"
#include "storage/sqlite/internal/sqlite_connection.h"

namespace digitrade::storage {

using internal::SqliteConnection;
using ReaderPool = internal::ConnectionPool<SqliteConnection>;

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(const std::string& path,
                                                             SqliteOptions options) {
  if (path.empty() || path == ":memory:") {
    return InvalidArgument(
        "sqlite: the database must be a file shared by several connections; use a temporary "
        "file instead of an in-memory database");
  }
  if (options.readers == 0) return InvalidArgument("sqlite: readers must be at least 1");
  DT_ASSIGN_OR_RETURN(auto writer,
                      SqliteConnection::Open(path, SqliteConnection::Role::kWriter, options));
  // Readers are opened on first use, after the writer has created the file.
  auto readers =
      std::make_unique<ReaderPool>(options.readers, options.busy_timeout, [path, options] {
        return SqliteConnection::Open(path, SqliteConnection::Role::kReader, options);
      });
  auto db = std::make_unique<SqliteDatabase>(Token{}, std::move(writer), std::move(readers));
  if (options.checkpoint_pages > 0) {
    db->poke_checkpointer_ = [raw = db.get()] {
      {
        std::lock_guard lock(raw->checkpoint_mu_);
        raw->checkpoint_wanted_ = true;
      }
      raw->checkpoint_cv_.notify_one();
    };
    db->writer_->OffloadCheckpoints(options.checkpoint_pages, 8 * options.checkpoint_pages,
                                    &db->poke_checkpointer_);
    db->checkpointer_ = std::thread([raw = db.get(), path, options] { raw->Checkpoints(path, options); });
  }
  return db;
}

void SqliteDatabase::Checkpoints(std::string path, SqliteOptions options) {
  std::unique_ptr<SqliteConnection> conn;
  while (true) {
    {
      std::unique_lock lock(checkpoint_mu_);
      checkpoint_cv_.wait(lock, [&] { return checkpoint_stop_ || checkpoint_wanted_; });
      if (checkpoint_stop_) return;
      checkpoint_wanted_ = false;
    }
    if (!conn) {
      auto opened = SqliteConnection::Open(path, SqliteConnection::Role::kCheckpointer, options);
      if (!opened) continue;  // the writer's backstop keeps the WAL bounded meanwhile
      conn = std::move(*opened);
    }
    // Errors are left to the next round and, failing that, the backstop.
    (void)conn->CheckpointPassive();
  }
}

// More SQL texts than a program has; beyond it statements are classified on
// every use.
constexpr std::size_t kMaxRememberedKinds = 4096;

SqliteDatabase::SqliteDatabase(Token, std::unique_ptr<SqliteConnection> writer,
                               std::unique_ptr<ReaderPool> readers)
    : writer_(std::move(writer)),
      readers_(std::move(readers)),
      read_only_(std::make_unique<internal::StatementCache<bool>>(kMaxRememberedKinds)) {}

// The checkpointer stops and readers close first; the writer, closing last,
// checkpoints the WAL.
SqliteDatabase::~SqliteDatabase() {
  if (checkpointer_.joinable()) {
    {
      std::lock_guard lock(checkpoint_mu_);
      checkpoint_stop_ = true;
    }
    checkpoint_cv_.notify_one();
    checkpointer_.join();
  }
  readers_.reset();
}

// Runs `fn` on the writer connection while holding the writer mutex.
template <typename Fn>
auto SqliteDatabase::WithWriter(Fn&& fn) -> decltype(fn(std::declval<SqliteConnection&>())) {
  if (writer_owner_.load() == std::this_thread::get_id()) {
    return FailedPrecondition(
        "sqlite: this thread is inside a read-write Transact(); use the executor it was given");
  }
  std::lock_guard lock(writer_mu_);
  writer_owner_.store(std::this_thread::get_id());
  struct OwnerReset {
    std::atomic<std::thread::id>& owner;
    ~OwnerReset() { owner.store(std::thread::id()); }
  } reset{writer_owner_};
  return fn(*writer_);
}

Result<ResultSet> SqliteDatabase::Run(std::string_view sql, const Params& params, bool keep_rows) {
  DT_ASSIGN_OR_RETURN(bool read_only, IsReadOnly(sql));
  if (read_only) {
    DT_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
    return internal::RunStandalone(*reader, sql, params, keep_rows);
  }
  return WithWriter([&](SqliteConnection& writer) {
    return internal::RunStandalone(writer, sql, params, keep_rows);
  });
}

Result<bool> SqliteDatabase::IsReadOnly(std::string_view sql) {
  {
    std::shared_lock lock(kinds_mu_);
    if (const bool* known = read_only_->Find(sql)) return *known;
  }
  bool read_only = false;
  {
    DT_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
    DT_ASSIGN_OR_RETURN(read_only, reader->IsReadOnly(sql));
  }
  std::lock_guard lock(kinds_mu_);
  if (read_only_->Find(sql) == nullptr) read_only_->Put(sql, read_only);
  return read_only;
}

Result<ResultSet> SqliteDatabase::Query(std::string_view sql, const Params& params) {
  return Run(sql, params, /*keep_rows=*/true);
}

Result<int64_t> SqliteDatabase::Execute(std::string_view sql, const Params& params) {
  DT_ASSIGN_OR_RETURN(ResultSet rs, Run(sql, params, /*keep_rows=*/false));
  return rs.affected;
}

Status SqliteDatabase::Transact(const std::function<Status(Executor&)>& fn, TxMode mode) {
  if (mode == TxMode::kReadOnly) {
    DT_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
    return internal::RunTransaction(*reader, mode, fn);
  }
  return WithWriter(
      [&](SqliteConnection& writer) { return internal::RunTransaction(writer, mode, fn); });
}

Status SqliteDatabase::ExecuteScript(std::string_view sql) {
  return Transact([&](Executor& ex) { return ex.ExecuteScript(sql); });
}

}  // namespace digitrade::storage
