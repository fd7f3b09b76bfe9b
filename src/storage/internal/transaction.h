// The parts of Database that both drivers share: running a statement outside
// a transaction and running a transaction on one connection.
//
// Conn provides:
//   Result<ResultSet> Run(std::string_view sql, const Params&, bool keep_rows);
//   Status Exec(std::string_view script);  // statements without parameters
//   Status Begin(TxMode);
//   Status Commit();     // fails when the transaction cannot be committed
//   void Rollback();     // ends any open transaction, best effort; no-op if none
//   bool InTransaction();
//
// Thread-safety: the caller holds the connection exclusively for the call.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "common/result.h"
#include "storage/database.h"

namespace digitrade::storage::internal {

// The Executor a transaction hands to its callback: runs everything on the
// transaction's connection. Does not own the connection.
template <typename Conn>
class ConnectionExecutor final : public Executor {
 public:
  explicit ConnectionExecutor(Conn& conn) : conn_(conn) {}

  Result<ResultSet> Query(std::string_view sql, const Params& params = {}) override {
    return conn_.Run(sql, params, /*keep_rows=*/true);
  }
  Result<int64_t> Execute(std::string_view sql, const Params& params = {}) override {
    DT_ASSIGN_OR_RETURN(ResultSet rs, conn_.Run(sql, params, /*keep_rows=*/false));
    return rs.affected;
  }
  Status ExecuteScript(std::string_view sql) override { return conn_.Exec(sql); }

 private:
  Conn& conn_;
};

// Ends whatever transaction is still open when it goes out of scope, however
// the scope is left (an exception from a callback included).
template <typename Conn>
class RollbackGuard {
 public:
  explicit RollbackGuard(Conn& conn) : conn_(conn) {}
  ~RollbackGuard() { conn_.Rollback(); }
  RollbackGuard(const RollbackGuard&) = delete;
  RollbackGuard& operator=(const RollbackGuard&) = delete;

 private:
  Conn& conn_;
};

// Runs `fn` between Begin and Commit, rolling back when either fails.
template <typename Conn>
Status RunTransaction(Conn& conn, TxMode mode, const std::function<Status(Executor&)>& fn) {
  DT_TRY(conn.Begin(mode));
  RollbackGuard<Conn> guard(conn);
  ConnectionExecutor<Conn> executor(conn);
  Status status = fn(executor);
  if (status) status = conn.Commit();
  return status;
}

// Runs one statement in its own implicit transaction. A statement that leaves
// a transaction open (BEGIN) is undone and refused, so that a pooled
// connection never carries a transaction into someone else's call.
template <typename Conn>
Result<ResultSet> RunStandalone(Conn& conn, std::string_view sql, const Params& params,
                                bool keep_rows) {
  Result<ResultSet> rs = conn.Run(sql, params, keep_rows);
  if (conn.InTransaction()) {
    conn.Rollback();
    return InvalidArgument("transaction control statements are not allowed outside Transact()");
  }
  return rs;
}

}  // namespace digitrade::storage::internal
