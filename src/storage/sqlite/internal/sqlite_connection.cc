#include "storage/sqlite/internal/sqlite_connection.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <climits>
#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>

namespace digitrade::storage::internal {
namespace {

// PostgreSQL's limit, so that SQL valid on one engine is valid on the other.
constexpr int kMaxPlaceholder = 65535;
constexpr std::size_t kSqlInMessages = 200;

ErrorCode CodeFor(int extended) {
  switch (extended) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
      return ErrorCode::kAlreadyExists;
    default:
      break;
  }
  switch (extended & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_READONLY:
      return ErrorCode::kFailedPrecondition;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return ErrorCode::kUnavailable;
    case SQLITE_ERROR:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
      return ErrorCode::kInvalidArgument;
    case SQLITE_FULL:
    case SQLITE_NOMEM:
    case SQLITE_TOOBIG:
      return ErrorCode::kResourceExhausted;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorCode::kDataLoss;
    default:
      return ErrorCode::kInternal;
  }
}

std::string_view Shorten(std::string_view sql) {
  return sql.substr(0, kSqlInMessages);
}

// The number k of a placeholder named "$k".
Result<int> PlaceholderNumber(const char* name) {
  const std::string_view s = name == nullptr ? "?" : name;
  int k = 0;
  const char* first = s.data() + 1;
  const char* last = s.data() + s.size();
  const bool numbered = s.size() > 1 && s[0] == '$' && s[1] != '0';
  auto [end, ec] = std::from_chars(first, last, k);
  if (!numbered || ec != std::errc() || end != last || k < 1 || k > kMaxPlaceholder) {
    return InvalidArgument(
        fmt::format("unsupported placeholder \"{}\": write $1, $2, ... for parameters", s));
  }
  return k;
}

// slots[k - 1] is SQLite's parameter index of "$k"; every $k up to the
// highest must occur, as PostgreSQL cannot type a parameter it never sees.
Result<std::vector<int>> PlaceholderSlots(sqlite3_stmt* stmt) {
  std::vector<int> slots;
  const int count = sqlite3_bind_parameter_count(stmt);
  for (int index = 1; index <= count; ++index) {
    DT_ASSIGN_OR_RETURN(int k, PlaceholderNumber(sqlite3_bind_parameter_name(stmt, index)));
    if (static_cast<std::size_t>(k) > slots.size()) slots.resize(k, 0);
    slots[k - 1] = index;
  }
  for (std::size_t k = 0; k < slots.size(); ++k) {
    if (slots[k] == 0) {
      return InvalidArgument(
          fmt::format("placeholder ${} is not used but ${} is", k + 1, slots.size()));
    }
  }
  return slots;
}

int BindValue(sqlite3_stmt* stmt, int index, const Value& value) {
  // SQLITE_STATIC: `value` outlives the step; bindings are cleared after it.
  return std::visit(
      [&](const auto& v) -> int {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return sqlite3_bind_null(stmt, index);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          return sqlite3_bind_int64(stmt, index, v);
        } else if constexpr (std::is_same_v<T, double>) {
          return sqlite3_bind_double(stmt, index, v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return sqlite3_bind_text64(stmt, index, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
        } else if (v.empty()) {
          return sqlite3_bind_zeroblob(stmt, index, 0);  // a null pointer would bind NULL
        } else {
          return sqlite3_bind_blob64(stmt, index, v.data(), v.size(), SQLITE_STATIC);
        }
      },
      value.variant());
}

Value ColumnValue(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return Value(static_cast<int64_t>(sqlite3_column_int64(stmt, i)));
    case SQLITE_FLOAT:
      return Value(sqlite3_column_double(stmt, i));
    case SQLITE_TEXT: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      return Value(std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i))));
    }
    case SQLITE_BLOB: {
      const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt, i));
      const auto n = static_cast<std::size_t>(sqlite3_column_bytes(stmt, i));
      return n == 0 ? Value(Bytes{}) : Value(Bytes(p, p + n));
    }
    default:
      return Value();
  }
}

// Resets a statement for its next use whatever way the run ends.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~ResetOnExit() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

}  // namespace

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path, Role role,
                                                                 const SqliteOptions& options) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (role == Role::kWriter) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  // The connection owns the handle even when opening failed.
  auto conn = std::make_unique<SqliteConnection>(db, options.statement_cache_size);
  if (db == nullptr) return ResourceExhausted("sqlite: out of memory opening " + path);
  if (rc != SQLITE_OK) {
    const Error e = conn->LastError("sqlite: opening " + path);
    if ((rc & 0xff) == SQLITE_CANTOPEN) return InvalidArgument(e.message());
    return std::unexpected(e);
  }
  sqlite3_extended_result_codes(db, 1);
  const auto timeout =
      std::min<std::chrono::milliseconds::rep>(options.busy_timeout.count(), INT_MAX);
  sqlite3_busy_timeout(db, static_cast<int>(timeout));
  DT_TRY(conn->Configure(role));
  return conn;
}

SqliteConnection::SqliteConnection(sqlite3* db, std::size_t statement_cache_size)
    : db_(db), cache_(statement_cache_size) {}

SqliteConnection::~SqliteConnection() {
  cache_.Clear();  // finalize statements before closing
  sqlite3_close_v2(db_);
}

Status SqliteConnection::Configure(Role role) {
  if (role == Role::kWriter) {
    // WAL is a property of the file: set once by the writer, seen by readers.
    DT_ASSIGN_OR_RETURN(ResultSet rs, Run("PRAGMA journal_mode = WAL", {}, true));
    const std::string mode = rs.rows.empty() ? "" : rs.rows[0].Text(0);
    if (mode != "wal") {
      return FailedPrecondition(
          fmt::format("sqlite: the database refused WAL mode (journal_mode is \"{}\")", mode));
    }
  }
  DT_TRY(Exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"));
  if (role == Role::kReader) DT_TRY(Exec("PRAGMA query_only = ON;"));
  if (role == Role::kCheckpointer) DT_TRY(Exec("PRAGMA wal_autocheckpoint = 0;"));
  return {};
}

Result<bool> SqliteConnection::IsReadOnly(std::string_view sql) {
  DT_ASSIGN_OR_RETURN(const Statement* st, Prepare(sql));
  return st->read_only;
}

Result<SqliteConnection::Statement*> SqliteConnection::Prepare(std::string_view sql) {
  if (Statement* cached = cache_.Find(sql)) return cached;
  if (sql.size() > static_cast<std::size_t>(INT_MAX)) {
    return ResourceExhausted("sqlite: statement too long");
  }
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, &tail);
  StatementPtr stmt(raw);
  if (rc != SQLITE_OK) {
    return std::unexpected(LastError(fmt::format("sqlite: preparing \"{}\"", Shorten(sql))));
  }
  if (stmt == nullptr) return InvalidArgument("sqlite: empty SQL statement");
  DT_TRY(CheckNothingAfter(sql, tail));
  DT_ASSIGN_OR_RETURN(std::vector<int> slots, PlaceholderSlots(stmt.get()));
  const bool read_only = sqlite3_stmt_readonly(stmt.get()) != 0;
  return &cache_.Put(sql, Statement{std::move(stmt), std::move(slots), read_only});
}

// Query and Execute take one statement; only whitespace and comments may
// follow it (which SQLite prepares to no statement at all).
Status SqliteConnection::CheckNothingAfter(std::string_view sql, const char* tail) {
  const std::string_view rest = sql.substr(static_cast<std::size_t>(tail - sql.data()));
  if (rest.find_first_not_of(" \t\r\n;") == std::string_view::npos) return {};
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db_, rest.data(), static_cast<int>(rest.size()), &raw, nullptr);
  StatementPtr next(raw);
  if (rc == SQLITE_OK && next == nullptr) return {};
  return InvalidArgument(fmt::format(
      "sqlite: more than one statement in \"{}\"; use ExecuteScript for scripts", Shorten(sql)));
}

Status SqliteConnection::Bind(const Statement& st, const Params& params) {
  if (params.size() != st.slots.size()) {
    return InvalidArgument(fmt::format("the statement takes {} parameters but {} were given",
                                       st.slots.size(), params.size()));
  }
  for (std::size_t k = 0; k < params.size(); ++k) {
    if (BindValue(st.stmt.get(), st.slots[k], params[k]) != SQLITE_OK) {
      return std::unexpected(LastError(fmt::format("sqlite: binding ${}", k + 1)));
    }
  }
  return {};
}

Result<ResultSet> SqliteConnection::Run(std::string_view sql, const Params& params,
                                        bool keep_rows) {
  DT_ASSIGN_OR_RETURN(const Statement* st, Prepare(sql));
  ResetOnExit reset(st->stmt.get());
  DT_TRY(Bind(*st, params));
  return Step(*st, keep_rows);
}

Result<ResultSet> SqliteConnection::Step(const Statement& st, bool keep_rows) {
  sqlite3_stmt* stmt = st.stmt.get();
  const int ncols = sqlite3_column_count(stmt);
  auto columns = std::make_shared<std::vector<std::string>>();
  for (int i = 0; i < ncols; ++i) columns->emplace_back(sqlite3_column_name(stmt, i));
  ResultSet rs;
  // sqlite3_changes() keeps the count of the last INSERT/UPDATE/DELETE even
  // after other statements; trust it only when this statement changed rows.
  const sqlite3_int64 changes_before = sqlite3_total_changes64(db_);
  for (int rc = sqlite3_step(stmt); rc != SQLITE_DONE; rc = sqlite3_step(stmt)) {
    if (rc != SQLITE_ROW) return std::unexpected(LastError("sqlite"));
    if (!keep_rows) continue;
    std::vector<Value> values;
    values.reserve(static_cast<std::size_t>(ncols));
    for (int i = 0; i < ncols; ++i) values.push_back(ColumnValue(stmt, i));
    rs.rows.emplace_back(columns, std::move(values));
  }
  if (sqlite3_total_changes64(db_) != changes_before) rs.affected = sqlite3_changes64(db_);
  rs.columns = *columns;
  return rs;
}

Status SqliteConnection::Exec(std::string_view script) {
  const std::string sql(script);  // sqlite3_exec wants a NUL-terminated string
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return std::unexpected(LastError("sqlite: script"));
  }
  return {};
}

Status SqliteConnection::Begin(TxMode mode) {
  // IMMEDIATE takes the write lock up front, so a transaction never fails
  // halfway because another process started writing first.
  const std::string_view begin = mode == TxMode::kReadOnly ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE";
  DT_TRY(Run(begin, {}, false));
  return {};
}

Status SqliteConnection::Commit() {
  DT_TRY(Run("COMMIT", {}, false));
  return {};
}

void SqliteConnection::Rollback() {
  if (InTransaction()) (void)Run("ROLLBACK", {}, false);
}

bool SqliteConnection::InTransaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

void SqliteConnection::OffloadCheckpoints(int pages, int backstop, std::function<void()>* poke) {
  checkpoint_pages_ = pages;
  checkpoint_backstop_ = backstop;
  poke_ = poke;
  sqlite3_wal_hook(db_, &SqliteConnection::OnWalCommit, this);  // turns autocheckpoint off
}

int SqliteConnection::OnWalCommit(void* self, sqlite3* db, const char* name, int pages) {
  auto* conn = static_cast<SqliteConnection*>(self);
  if (pages >= conn->checkpoint_backstop_) {
    // What the checkpointer has copied already is not copied again, and once
    // all of it is in the database the next write starts the WAL over.
    (void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= conn->checkpoint_pages_) {
    (*conn->poke_)();
  }
  return SQLITE_OK;
}

Status SqliteConnection::CheckpointPassive() {
  const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) {
    return std::unexpected(LastError("sqlite: checkpoint"));
  }
  return {};
}

bool SqliteConnection::Recycle() {
  Rollback();
  return !InTransaction();
}

Error SqliteConnection::LastError(std::string_view context) const {
  return Error(CodeFor(sqlite3_extended_errcode(db_)),
               fmt::format("{}: {}", context, sqlite3_errmsg(db_)));
}

}  // namespace digitrade::storage::internal
