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
  return std::make_unique<SqliteDatabase>(Token{}, std::move(writer), std::move(readers));
}

// More SQL texts than a program has; beyond it statements are classified on
// every use.
constexpr std::size_t kMaxRememberedKinds = 4096;

SqliteDatabase::SqliteDatabase(Token, std::unique_ptr<SqliteConnection> writer,
                               std::unique_ptr<ReaderPool> readers)
    : writer_(std::move(writer)),
      readers_(std::move(readers)),
      read_only_(std::make_unique<internal::StatementCache<bool>>(kMaxRememberedKinds)) {}

// Readers close first; the writer, closing last, checkpoints the WAL.
SqliteDatabase::~SqliteDatabase() {
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
