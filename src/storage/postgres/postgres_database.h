// PostgresDatabase: storage::Database on a PostgreSQL server through libpq,
// for deployments where several digitrade servers share one database.
//
// Choices (see docs/storage.md):
// - A pool of up to `pool_size` connections, opened on demand. A connection
//   found broken (server restart, terminated backend) is closed and replaced;
//   one whose transaction failed is rolled back before it is reused.
// - Statements are prepared once per connection (PQprepare), keyed by SQL.
//   A statement whose result columns changed under it (ALTER TABLE by a
//   migration) is re-prepared: outside a transaction transparently, inside one
//   by failing with unavailable so the caller retries the transaction.
// - Parameters go as text, except Bytes, which go binary. Result values are
//   typed by column type: int2/int4/int8/oid and integral numeric -> int64,
//   float4/float8 and other numeric -> double, bool -> int64 0/1,
//   bytea -> Bytes, everything else -> text.
// - kReadWrite transactions are READ COMMITTED (see database.h for
//   read-modify-write); kReadOnly ones are READ ONLY.
//
// Thread-safety: as storage::Database; safe from many threads. The caller
// owns the PostgresDatabase; it must outlive every call into it.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "common/result.h"
#include "storage/database.h"

namespace digitrade::storage {

namespace internal {
class PgConnection;
template <typename Conn>
class ConnectionPool;
}  // namespace internal

struct PostgresOptions {
  // Most connections open at once (>= 1).
  std::size_t pool_size = 8;
  // How long a call waits for a free connection before failing with
  // unavailable.
  std::chrono::milliseconds acquire_timeout{30000};
  // Prepared statements kept per connection.
  std::size_t statement_cache_size = 256;
};

class PostgresDatabase final : public Database {
  struct Token {
    explicit Token() = default;
  };

 public:
  // Connects to `conninfo_or_url` ("host=... dbname=..." or
  // "postgresql://..."; libpq's defaults and PG* environment variables apply)
  // and checks that a first connection works. Errors: invalid_argument
  // (malformed connection string, pool_size == 0), unavailable (the server
  // cannot be reached or refuses the connection).
  static Result<std::unique_ptr<PostgresDatabase>> Open(const std::string& conninfo_or_url,
                                                        PostgresOptions options = {});

  PostgresDatabase(Token, std::unique_ptr<internal::ConnectionPool<internal::PgConnection>> pool);
  ~PostgresDatabase() override;

  Dialect dialect() const override { return Dialect::kPostgres; }
  Result<ResultSet> Query(std::string_view sql, const Params& params = {}) override;
  Result<int64_t> Execute(std::string_view sql, const Params& params = {}) override;
  Status Transact(const std::function<Status(Executor&)>& fn,
                  TxMode mode = TxMode::kReadWrite) override;
  Status ExecuteScript(std::string_view sql) override;

 private:
  Result<ResultSet> Run(std::string_view sql, const Params& params, bool keep_rows);

  std::unique_ptr<internal::ConnectionPool<internal::PgConnection>> pool_;
};

}  // namespace digitrade::storage
