#include "storage/postgres/internal/pg_connection.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <cstdint>
#include <string>
#include <system_error>
#include <variant>

namespace digitrade::storage::internal {
namespace {

// Type OIDs from PostgreSQL's catalog (pg_type.dat); fixed for all versions.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

constexpr std::size_t kSqlInMessages = 200;

ErrorCode CodeForSqlState(std::string_view s) {
  const std::string_view cls = s.substr(0, 2);
  if (s == "23505") return ErrorCode::kAlreadyExists;
  if (cls == "23") return ErrorCode::kFailedPrecondition;
  if (s == "40001" || s == "40P01" || s == "55P03" || cls == "08" || s.starts_with("57P")) {
    return ErrorCode::kUnavailable;
  }
  if (cls == "42" || cls == "22") return ErrorCode::kInvalidArgument;
  // read_only_sql_transaction, in_failed_sql_transaction: as on SQLite.
  if (s == "25006" || s == "25P02") return ErrorCode::kFailedPrecondition;
  if (cls == "53" || cls == "54") return ErrorCode::kResourceExhausted;
  if (s == "XX001" || s == "XX002") return ErrorCode::kDataLoss;
  return ErrorCode::kInternal;
}

std::string Trimmed(const char* message) {
  std::string s = message == nullptr ? "" : message;
  s.erase(s.find_last_not_of(" \t\r\n") + 1);
  return s;
}

bool StartsWithAny(std::string_view s, std::initializer_list<std::string_view> prefixes) {
  return std::ranges::any_of(prefixes, [&](std::string_view p) { return s.starts_with(p); });
}

// A statement's result columns changed after it was prepared (ALTER TABLE).
// The message is translated, the reporting function is not.
bool IsStalePlan(const PGresult* r) {
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  const char* function = PQresultErrorField(r, PG_DIAG_SOURCE_FUNCTION);
  return state != nullptr && std::string_view(state) == "0A000" && function != nullptr &&
         std::string_view(function) == "RevalidateCachedQuery";
}

// Parameters in libpq's form. Text values point into the Params or into
// `text_`, which is sized once so that the pointers stay valid.
class EncodedParams {
 public:
  static Result<EncodedParams> Encode(const Params& params) {
    EncodedParams e(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) DT_TRY(e.Set(i, params[i]));
    return e;
  }

  int size() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  explicit EncodedParams(std::size_t n)
      : text_(n), values_(n, nullptr), lengths_(n, 0), formats_(n, 0) {}

  Status Set(std::size_t i, const Value& value) {
    const Value::Variant& v = value.variant();
    if (const auto* s = std::get_if<std::string>(&v)) {
      if (s->find('\0') != std::string::npos) {
        return InvalidArgument(fmt::format("text parameter ${} contains a NUL byte", i + 1));
      }
      values_[i] = s->c_str();
    } else if (const auto* b = std::get_if<Bytes>(&v)) {
      if (b->size() > static_cast<std::size_t>(INT_MAX)) {
        return ResourceExhausted(fmt::format("parameter ${} is too large", i + 1));
      }
      // A null pointer would mean NULL; an empty bytea needs a real one.
      values_[i] = b->empty() ? "" : reinterpret_cast<const char*>(b->data());
      lengths_[i] = static_cast<int>(b->size());
      formats_[i] = 1;
    } else if (const auto* n = std::get_if<int64_t>(&v)) {
      text_[i] = std::to_string(*n);
      values_[i] = text_[i].c_str();
    } else if (const auto* d = std::get_if<double>(&v)) {
      std::array<char, 32> buf{};
      const auto end =
          std::to_chars(buf.data(), buf.data() + buf.size(), *d).ptr;  // shortest exact
      text_[i].assign(buf.data(), end);
      values_[i] = text_[i].c_str();
    }
    return {};
  }

  std::vector<std::string> text_;
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

// An int64 or double in PostgreSQL's text output.
template <typename T>
Result<Value> ParseNumber(std::string_view text) {
  T n{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Internal(fmt::format("postgres: unexpected number \"{}\"", text));
  }
  return Value(n);
}

// numeric reads as int64 when integral and in range (SUM of a BIGINT column
// is numeric in PostgreSQL but an integer in SQLite), else as double.
Result<Value> ParseNumeric(std::string_view text) {
  if (text.find_first_of(".eEIN") == std::string_view::npos) {
    if (Result<Value> n = ParseNumber<int64_t>(text)) return n;
  }
  return ParseNumber<double>(text);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// bytea in hex output format ("\x0aff"), which Connect() selects.
Result<Value> ParseBytea(std::string_view text) {
  if (!text.starts_with("\\x") || text.size() % 2 != 0) {
    return Internal("postgres: bytea value not in hex format");
  }
  Bytes out;
  out.reserve((text.size() - 2) / 2);
  for (std::size_t i = 2; i < text.size(); i += 2) {
    const int hi = HexDigit(text[i]);
    const int lo = HexDigit(text[i + 1]);
    if (hi < 0 || lo < 0) return Internal("postgres: bad hex digit in a bytea value");
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return Value(std::move(out));
}

Result<Value> ParseValue(const PGresult* r, int row, int col) {
  if (PQgetisnull(r, row, col)) return Value();
  const std::string_view text(PQgetvalue(r, row, col),
                              static_cast<std::size_t>(PQgetlength(r, row, col)));
  switch (PQftype(r, col)) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid:
      return ParseNumber<int64_t>(text);
    case kFloat4Oid:
    case kFloat8Oid:
      return ParseNumber<double>(text);
    case kNumericOid:
      return ParseNumeric(text);
    case kBoolOid:
      return Value(text == "t");
    case kByteaOid:
      return ParseBytea(text);
    default:
      return Value(std::string(text));
  }
}

int64_t AffectedRows(PGresult* r) {
  const std::string_view status = PQcmdStatus(r);
  if (!StartsWithAny(status, {"INSERT ", "UPDATE ", "DELETE ", "MERGE "})) return 0;
  const std::string_view tuples = PQcmdTuples(r);
  int64_t n = 0;
  std::from_chars(tuples.data(), tuples.data() + tuples.size(), n);
  return n;
}

Result<ResultSet> ToResultSet(PGresult* r, bool keep_rows) {
  const int ncols = PQnfields(r);
  auto columns = std::make_shared<std::vector<std::string>>();
  for (int c = 0; c < ncols; ++c) columns->emplace_back(PQfname(r, c));
  ResultSet rs;
  const int nrows = keep_rows ? PQntuples(r) : 0;
  rs.rows.reserve(static_cast<std::size_t>(nrows));
  for (int row = 0; row < nrows; ++row) {
    std::vector<Value> values;
    values.reserve(static_cast<std::size_t>(ncols));
    for (int c = 0; c < ncols; ++c) {
      DT_ASSIGN_OR_RETURN(Value v, ParseValue(r, row, c));
      values.push_back(std::move(v));
    }
    rs.rows.emplace_back(columns, std::move(values));
  }
  rs.affected = AffectedRows(r);
  rs.columns = *columns;
  return rs;
}

void IgnoreNotice(void*, const char*) {}

}  // namespace

Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const std::string& conninfo,
                                                            std::size_t statement_cache_size) {
  // Entries before dbname are defaults the connection string may override;
  // entries after it are forced.
  const char* const keys[] = {"application_name", "connect_timeout", "dbname", "client_encoding",
                              nullptr};
  const char* const values[] = {"digitrade", "10", conninfo.c_str(), "UTF8", nullptr};
  auto conn = std::make_unique<PgConnection>(PQconnectdbParams(keys, values, /*expand_dbname=*/1),
                                             statement_cache_size);
  if (conn->conn_ == nullptr) return ResourceExhausted("postgres: out of memory connecting");
  if (PQstatus(conn->conn_) != CONNECTION_OK) {
    return Unavailable("postgres: cannot connect: " + Trimmed(PQerrorMessage(conn->conn_)));
  }
  PQsetNoticeProcessor(conn->conn_, IgnoreNotice, nullptr);
  // Hex bytea is what ParseBytea reads; extra_float_digits > 0 makes float
  // output exact, whatever the server's configuration says.
  DT_TRY(conn->Exec("SET bytea_output = 'hex'; SET extra_float_digits = 3"));
  return conn;
}

PgConnection::PgConnection(PGconn* conn, std::size_t statement_cache_size)
    : conn_(conn), cache_(statement_cache_size) {}

PgConnection::~PgConnection() {
  PQfinish(conn_);
}

Result<PgConnection::Statement> PgConnection::Prepare(std::string_view sql) {
  if (const Statement* cached = cache_.Find(sql)) return *cached;
  Statement st;
  if (!cache_.full()) st.name = fmt::format("dt{}", next_statement_++);
  const std::string text(sql);
  const ResultPtr prepared(PQprepare(conn_, st.name.c_str(), text.c_str(), 0, nullptr));
  if (Status s = Check(prepared.get()); !s) {
    return std::unexpected(
        s.error().WithContext(fmt::format("preparing \"{}\"", sql.substr(0, kSqlInMessages))));
  }
  const ResultPtr described(PQdescribePrepared(conn_, st.name.c_str()));
  DT_TRY(Check(described.get()));
  st.params = static_cast<std::size_t>(PQnparams(described.get()));
  if (!st.name.empty()) cache_.Put(sql, st);
  return st;
}

Result<ResultSet> PgConnection::Run(std::string_view sql, const Params& params, bool keep_rows) {
  DT_ASSIGN_OR_RETURN(EncodedParams encoded, EncodedParams::Encode(params));
  ResultPtr r;
  for (int attempt = 0; attempt < 2; ++attempt) {
    DT_ASSIGN_OR_RETURN(Statement st, Prepare(sql));
    if (params.size() != st.params) {
      return InvalidArgument(fmt::format("the statement takes {} parameters but {} were given",
                                         st.params, params.size()));
    }
    r.reset(PQexecPrepared(conn_, st.name.c_str(), encoded.size(), encoded.values(),
                           encoded.lengths(), encoded.formats(), /*resultFormat=*/0));
    if (r == nullptr || !IsStalePlan(r.get())) break;
    cache_.Erase(sql);
    retire_ = true;
    // Inside a transaction the failure has aborted it: only the caller can retry.
    if (InTransaction()) {
      return Unavailable("postgres: a table changed under a prepared statement; retry");
    }
  }
  DT_TRY(Check(r.get()));
  if (PQresultStatus(r.get()) == PGRES_EMPTY_QUERY) {
    return InvalidArgument("postgres: empty SQL statement");
  }
  return ToResultSet(r.get(), keep_rows);
}

Status PgConnection::Exec(std::string_view script) {
  const std::string sql(script);
  const ResultPtr r(PQexec(conn_, sql.c_str()));
  return Check(r.get());
}

Status PgConnection::Begin(TxMode mode) {
  return Exec(mode == TxMode::kReadOnly ? "BEGIN READ ONLY" : "BEGIN");
}

Status PgConnection::Commit() {
  constexpr std::string_view kAborted =
      "postgres: a statement in this transaction failed, so PostgreSQL rolled it back; return "
      "that statement's error from the callback";
  if (PQtransactionStatus(conn_) == PQTRANS_INERROR)
    return FailedPrecondition(std::string(kAborted));
  const ResultPtr r(PQexec(conn_, "COMMIT"));
  DT_TRY(Check(r.get()));
  // COMMIT of an aborted transaction "succeeds" with the tag ROLLBACK.
  if (std::string_view(PQcmdStatus(r.get())) == "ROLLBACK") {
    return FailedPrecondition(std::string(kAborted));
  }
  return {};
}

void PgConnection::Rollback() {
  if (!InTransaction() || PQstatus(conn_) != CONNECTION_OK) return;
  const ResultPtr r(PQexec(conn_, "ROLLBACK"));
}

bool PgConnection::InTransaction() const {
  const PGTransactionStatusType s = PQtransactionStatus(conn_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR;
}

bool PgConnection::Healthy() {
  // A server gone away while the connection sat idle shows only on reading:
  // first whatever it sent last (a termination notice), then end of file.
  for (int i = 0; i < 2; ++i) {
    if (PQstatus(conn_) != CONNECTION_OK || PQconsumeInput(conn_) == 0) return false;
  }
  return PQstatus(conn_) == CONNECTION_OK;
}

bool PgConnection::Recycle() {
  Rollback();
  return !retire_ && PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

Status PgConnection::Check(const PGresult* r) const {
  const ExecStatusType s = r == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(r);
  if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY) return {};
  return std::unexpected(ErrorFrom(r));
}

Error PgConnection::ErrorFrom(const PGresult* r) const {
  const char* state = r == nullptr ? nullptr : PQresultErrorField(r, PG_DIAG_SQLSTATE);
  const char* primary = r == nullptr ? nullptr : PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  std::string message = primary != nullptr ? primary : Trimmed(PQerrorMessage(conn_));
  ErrorCode code = state != nullptr ? CodeForSqlState(state) : ErrorCode::kInternal;
  if (PQstatus(conn_) == CONNECTION_BAD) code = ErrorCode::kUnavailable;
  if (state == nullptr) return Error(code, "postgres: " + message);
  return Error(code, fmt::format("postgres: {} (SQLSTATE {})", message, state));
}

}  // namespace digitrade::storage::internal
