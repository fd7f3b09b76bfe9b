// One libpq connection with its prepared-statement cache: the engine-facing
// half of PostgresDatabase. Encodes parameters, types result values by
// column OID and maps SQLSTATEs to ErrorCode.
//
// Thread-safety: none. A connection is used by one thread at a time while it
// is leased from the pool. It owns its PGconn.
#pragma once

#include <libpq-fe.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/database.h"
#include "storage/internal/statement_cache.h"

namespace digitrade::storage::internal {

class PgConnection {
 public:
  // Connects and sets the session up (UTF-8, hex bytea output, exact floats).
  // Errors: unavailable when the connection cannot be made.
  static Result<std::unique_ptr<PgConnection>> Connect(const std::string& conninfo,
                                                       std::size_t statement_cache_size);

  PgConnection(PGconn* conn, std::size_t statement_cache_size);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Result<ResultSet> Run(std::string_view sql, const Params& params, bool keep_rows);
  Status Exec(std::string_view script);
  Status Begin(TxMode mode);
  Status Commit();
  void Rollback();
  bool InTransaction() const;

  bool Healthy();
  bool Recycle();

 private:
  struct Statement {
    std::string name;  // "" for the unnamed statement (cache full)
    std::size_t params = 0;
  };
  struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

  // The statement for `sql`, prepared now unless cached. Beyond the cache's
  // capacity statements go unnamed and are prepared on every use.
  Result<Statement> Prepare(std::string_view sql);
  // Checks that `r` succeeded; otherwise the error it carries.
  Status Check(const PGresult* r) const;
  Error ErrorFrom(const PGresult* r) const;

  PGconn* conn_;
  StatementCache<Statement> cache_;
  std::size_t next_statement_ = 0;
  // Set when a cached statement went stale: the connection is closed instead
  // of recycled, which also drops its server-side statements.
  bool retire_ = false;
};

}  // namespace digitrade::storage::internal
