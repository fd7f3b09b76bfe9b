// storage::Database: the one seam between digitrade and its SQL engine.
//
// Two drivers implement it: SqliteDatabase (storage/sqlite/, embedded, WAL)
// and PostgresDatabase (storage/postgres/, libpq). Domain modules see only
// this header; only app/ names a driver.
//
// SQL is written in the portable subset both engines run. Parameters are
// always bound, never spliced into SQL: placeholders are `$1`, `$2`, ... in
// both drivers (each placeholder number refers to params[n-1]).
//
// Types: INTEGER/BIGINT columns read as int64, REAL/DOUBLE PRECISION as double,
// TEXT as string, BLOB/BYTEA as Bytes, NULL as null. Booleans are stored as
// integers 0/1 (portable). Times are stored as int64 Unix microseconds or
// RFC 3339 text, chosen per table.
//
// Thread-safety: a Database is safe to use from many threads at once; it
// hands each call or transaction a connection from an internal pool. An
// Executor passed into a Transact() callback belongs to that transaction and
// must not escape it or be used from another thread.
//
// Errors (all calls): invalid_argument (SQL the engine rejects, wrong number
// of parameters), already_exists (a UNIQUE or PRIMARY KEY constraint
// violated), failed_precondition (another constraint: NOT NULL, CHECK, foreign
// key; a write inside a kReadOnly transaction), unavailable (database busy or
// locked past the timeout, serialization failure, connection lost, no free
// connection in the pool: safe to retry the whole transaction), internal
// (anything else).
//
// Isolation: a kReadWrite transaction is serialisable on SQLite (one writer at
// a time) but READ COMMITTED on PostgreSQL, where a plain SELECT followed by an
// UPDATE of the value read can lose a concurrent update. Portable
// read-modify-write either updates in one statement (`SET n = n + 1`) or locks
// the row first with an UPDATE that touches it (`UPDATE t SET n = n WHERE
// id = $1`) and then reads it. Likewise, after a statement inside a
// transaction fails, return the error: PostgreSQL aborts the transaction.
// Column names of a result are the engine's: use `AS name` for expressions.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"

namespace digitrade::storage {

using Bytes = std::vector<std::uint8_t>;

// A bound parameter or a column value.
class Value {
 public:
  using Variant = std::variant<std::monostate, int64_t, double, std::string, Bytes>;

  // Implicit on purpose, so parameters read naturally: {id, name, 42}.
  // NOLINTBEGIN(google-explicit-constructor)
  Value() = default;  // NULL
  Value(std::nullptr_t) {}
  Value(int v) : v_(static_cast<int64_t>(v)) {}
  Value(int64_t v) : v_(v) {}
  Value(uint32_t v) : v_(static_cast<int64_t>(v)) {}
  Value(bool v) : v_(static_cast<int64_t>(v ? 1 : 0)) {}
  Value(double v) : v_(v) {}
  Value(std::string v) : v_(std::move(v)) {}
  Value(std::string_view v) : v_(std::string(v)) {}
  Value(const char* v) : v_(std::string(v)) {}
  Value(Bytes v) : v_(std::move(v)) {}
  template <typename T>
  Value(const std::optional<T>& v) {
    if (v) *this = Value(*v);
  }
  // NOLINTEND(google-explicit-constructor)

  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
  const Variant& variant() const { return v_; }

  friend bool operator==(const Value&, const Value&) = default;

 private:
  Variant v_;
};

using Params = std::vector<Value>;

// One result row. Accessors take a column index or name. Reading a NULL or a
// value of another type yields the empty value of the requested type (0, "",
// {}); use IsNull() or the Optional* accessors where NULL is meaningful.
// Integer columns read through Double() convert; nothing else converts.
// Names match exactly first, then ignoring ASCII case (SQL identifiers are
// case-insensitive, and PostgreSQL folds unquoted names to lower case).
class Row {
 public:
  Row(std::shared_ptr<const std::vector<std::string>> columns, std::vector<Value> values)
      : columns_(std::move(columns)), values_(std::move(values)) {}

  std::size_t size() const { return values_.size(); }
  const Value& at(std::size_t i) const { return values_.at(i); }
  // Index of a column by name, or nullopt.
  std::optional<std::size_t> IndexOf(std::string_view column) const;

  bool IsNull(std::size_t i) const { return values_.at(i).is_null(); }
  int64_t Int(std::size_t i) const;
  double Double(std::size_t i) const;
  std::string Text(std::size_t i) const;
  Bytes Blob(std::size_t i) const;
  std::optional<int64_t> OptionalInt(std::size_t i) const;
  std::optional<std::string> OptionalText(std::size_t i) const;

  // By column name; an unknown name reads as NULL.
  bool IsNull(std::string_view c) const;
  int64_t Int(std::string_view c) const;
  double Double(std::string_view c) const;
  std::string Text(std::string_view c) const;
  Bytes Blob(std::string_view c) const;
  std::optional<int64_t> OptionalInt(std::string_view c) const;
  std::optional<std::string> OptionalText(std::string_view c) const;

 private:
  const Value& ByName(std::string_view c) const;

  std::shared_ptr<const std::vector<std::string>> columns_;
  std::vector<Value> values_;
};

struct ResultSet {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  // Rows changed by an INSERT/UPDATE/DELETE (0 for queries).
  int64_t affected = 0;

  bool empty() const { return rows.empty(); }
};

// Runs statements. Implemented by Database (each call in its own implicit
// transaction) and by the executor a transaction hands to its callback.
class Executor {
 public:
  virtual ~Executor() = default;

  // Prepares (cached per connection), binds `params` and runs one statement,
  // returning all rows.
  virtual Result<ResultSet> Query(std::string_view sql, const Params& params = {}) = 0;

  // Like Query for statements whose rows are not needed; returns rows affected.
  virtual Result<int64_t> Execute(std::string_view sql, const Params& params = {}) = 0;

  // Runs a script of one or more statements without parameters (DDL in
  // migrations). Not for anything built from input. On a Database the script
  // runs in a transaction of its own, so it must not contain BEGIN/COMMIT or
  // statements that cannot run in a transaction; on a transaction's executor
  // it runs inside that transaction.
  virtual Status ExecuteScript(std::string_view sql) = 0;
};

enum class Dialect { kSqlite, kPostgres };

enum class TxMode {
  kReadWrite,  // SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN (read committed)
  kReadOnly,   // SQLite: BEGIN DEFERRED; PostgreSQL: BEGIN READ ONLY
};

class Database : public Executor {
 public:
  virtual Dialect dialect() const = 0;

  // Runs `fn` in one transaction on one connection. Commits when `fn` returns
  // success, rolls back when it returns an error (which is passed through) or
  // when the commit fails. Nested Transact() calls on the same Database from
  // inside `fn` are not supported (use the executor given).
  virtual Status Transact(const std::function<Status(Executor&)>& fn,
                          TxMode mode = TxMode::kReadWrite) = 0;

  // Runs a script of one or more statements without parameters (DDL in
  // migrations). Not for anything built from input. Runs in a transaction of
  // its own (see Executor::ExecuteScript).
  Status ExecuteScript(std::string_view sql) override = 0;
};

// Runs `fn` in a transaction and returns its value.
template <typename T>
Result<T> TransactValue(Database& db, const std::function<Result<T>(Executor&)>& fn,
                        TxMode mode = TxMode::kReadWrite) {
  std::optional<T> out;
  DT_TRY(db.Transact(
      [&](Executor& ex) -> Status {
        DT_ASSIGN_OR_RETURN(T v, fn(ex));
        out.emplace(std::move(v));
        return {};
      },
      mode));
  return std::move(*out);
}

}  // namespace digitrade::storage
