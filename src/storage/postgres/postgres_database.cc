#include "storage/postgres/postgres_database.h"

#include <libpq-fe.h>

#include "storage/internal/connection_pool.h"
#include "storage/internal/transaction.h"
#include "storage/postgres/internal/pg_connection.h"

namespace digitrade::storage {
namespace {

using internal::PgConnection;
using Pool = internal::ConnectionPool<PgConnection>;

// Rejects a malformed connection string before trying to connect with it.
Status ValidateConninfo(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options != nullptr) {
    PQconninfoFree(options);
    return {};
  }
  std::string message = error != nullptr ? error : "out of memory";
  PQfreemem(error);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return InvalidArgument("postgres: bad connection string: " + message);
}

}  // namespace

Result<std::unique_ptr<PostgresDatabase>> PostgresDatabase::Open(const std::string& conninfo_or_url,
                                                                 PostgresOptions options) {
  if (options.pool_size == 0) return InvalidArgument("postgres: pool_size must be at least 1");
  DT_TRY(ValidateConninfo(conninfo_or_url));
  auto pool = std::make_unique<Pool>(
      options.pool_size, options.acquire_timeout,
      [conninfo = conninfo_or_url, cache_size = options.statement_cache_size] {
        return PgConnection::Connect(conninfo, cache_size);
      });
  // Fail now, not on the first request, when the server cannot be reached.
  DT_TRY(pool->Acquire());
  return std::make_unique<PostgresDatabase>(Token{}, std::move(pool));
}

PostgresDatabase::PostgresDatabase(Token, std::unique_ptr<Pool> pool) : pool_(std::move(pool)) {}

PostgresDatabase::~PostgresDatabase() = default;

Result<ResultSet> PostgresDatabase::Run(std::string_view sql, const Params& params,
                                        bool keep_rows) {
  DT_ASSIGN_OR_RETURN(Pool::Lease conn, pool_->Acquire());
  return internal::RunStandalone(*conn, sql, params, keep_rows);
}

Result<ResultSet> PostgresDatabase::Query(std::string_view sql, const Params& params) {
  return Run(sql, params, /*keep_rows=*/true);
}

Result<int64_t> PostgresDatabase::Execute(std::string_view sql, const Params& params) {
  DT_ASSIGN_OR_RETURN(ResultSet rs, Run(sql, params, /*keep_rows=*/false));
  return rs.affected;
}

Status PostgresDatabase::Transact(const std::function<Status(Executor&)>& fn, TxMode mode) {
  DT_ASSIGN_OR_RETURN(Pool::Lease conn, pool_->Acquire());
  return internal::RunTransaction(*conn, mode, fn);
}

Status PostgresDatabase::ExecuteScript(std::string_view sql) {
  return Transact([&](Executor& ex) { return ex.ExecuteScript(sql); });
}

}  // namespace digitrade::storage
