// What PostgresDatabase promises beyond the shared contract
// (database_contract_test.cc): type mapping of PostgreSQL-only types,
// connection handling and the errors only PostgreSQL can produce. Needs the
// server named by DIGITRADE_TEST_POSTGRES (scripts/with-postgres.sh).
#include "storage/postgres/postgres_database.h"

#include <gtest/gtest.h>

#include "storage/internal/test_util.h"

namespace digitrade::storage {
namespace {

using testing::HasCode;

class PostgresDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::PostgresUrl().empty()) GTEST_SKIP() << testing::kPostgresSkip;
    DT_ASSERT_OK(schema_.Create());
  }

  std::unique_ptr<PostgresDatabase> OpenOrDie(PostgresOptions options = {}) {
    auto db = PostgresDatabase::Open(schema_.url(), options);
    EXPECT_TRUE(db) << db.error().ToString();
    return db ? std::move(*db) : nullptr;
  }

  testing::PostgresTestSchema schema_;
};

TEST_F(PostgresDatabaseTest, TypesValuesByColumnType) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->dialect(), Dialect::kPostgres);
  auto rs = db->Query(
      "SELECT 1::smallint AS i2, 2::integer AS i4, 3::bigint AS i8, 1.5::real AS f4, "
      "2.25::double precision AS f8, 12345678901234::numeric AS n_int, 1.25::numeric AS n_frac, "
      "true AS yes, false AS no, '\\x00ff'::bytea AS raw, 'a'::varchar AS vc, "
      "DATE '2026-01-02' AS day, SUM(x) AS total FROM (VALUES (4::bigint), (5::bigint)) AS v(x)");
  ASSERT_TRUE(rs) << rs.error().ToString();
  const Row& r = rs->rows.at(0);
  EXPECT_EQ(r.at(r.IndexOf("i2").value()), Value(1));
  EXPECT_EQ(r.at(r.IndexOf("i4").value()), Value(2));
  EXPECT_EQ(r.at(r.IndexOf("i8").value()), Value(3));
  EXPECT_EQ(r.at(r.IndexOf("f4").value()), Value(1.5));
  EXPECT_EQ(r.at(r.IndexOf("f8").value()), Value(2.25));
  EXPECT_EQ(r.at(r.IndexOf("n_int").value()), Value(int64_t{12345678901234}));
  EXPECT_EQ(r.at(r.IndexOf("n_frac").value()), Value(1.25));
  EXPECT_EQ(r.at(r.IndexOf("yes").value()), Value(1));
  EXPECT_EQ(r.at(r.IndexOf("no").value()), Value(0));
  EXPECT_EQ(r.at(r.IndexOf("raw").value()), Value(Bytes{0x00, 0xff}));
  EXPECT_EQ(r.at(r.IndexOf("vc").value()), Value("a"));
  EXPECT_EQ(r.at(r.IndexOf("day").value()), Value("2026-01-02"));
  EXPECT_EQ(r.at(r.IndexOf("total").value()), Value(9));  // numeric in PostgreSQL
}

TEST_F(PostgresDatabaseTest, MalformedOrUnreachableServersFailToOpen) {
  EXPECT_TRUE(HasCode(PostgresDatabase::Open("host=/tmp port=notaport' nonsense"),
                      ErrorCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(PostgresDatabase::Open("postgresql://[::1"), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(PostgresDatabase::Open("host=/nonexistent/socket/dir user=postgres"),
                      ErrorCode::kUnavailable));
  EXPECT_TRUE(HasCode(PostgresDatabase::Open(testing::PostgresUrl(), {.pool_size = 0}),
                      ErrorCode::kInvalidArgument));
}

TEST_F(PostgresDatabaseTest, ReplacesAConnectionTheServerClosed) {
  auto db = OpenOrDie({.pool_size = 1});
  ASSERT_NE(db, nullptr);
  auto pid = db->Query("SELECT pg_backend_pid() AS pid");
  ASSERT_TRUE(pid) << pid.error().ToString();
  // Terminate the idle pooled connection's backend and wait until it is gone.
  auto killed = schema_.admin().Query("SELECT pg_terminate_backend($1, 10000) AS ok",
                                      {pid->rows.at(0).Int("pid")});
  ASSERT_TRUE(killed) << killed.error().ToString();
  ASSERT_EQ(killed->rows.at(0).Int("ok"), 1);
  auto again = db->Query("SELECT pg_backend_pid() AS pid");
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_NE(again->rows.at(0).Int("pid"), pid->rows.at(0).Int("pid"));
}

TEST_F(PostgresDatabaseTest, ALostConnectionIsUnavailableAndThenReplaced) {
  auto db = OpenOrDie({.pool_size = 1});
  ASSERT_NE(db, nullptr);
  EXPECT_TRUE(
      HasCode(db->Query("SELECT pg_terminate_backend(pg_backend_pid())"), ErrorCode::kUnavailable));
  DT_ASSERT_OK(db->Query("SELECT 1"));
}

TEST_F(PostgresDatabaseTest, AnIgnoredFailureInATransactionFailsTheCommit) {
  auto db = OpenOrDie({.pool_size = 1});
  ASSERT_NE(db, nullptr);
  DT_ASSERT_OK(db->Execute("CREATE TABLE t (id BIGINT PRIMARY KEY)"));
  const Status s = db->Transact([](Executor& ex) -> Status {
    DT_TRY(ex.Execute("INSERT INTO t (id) VALUES (1)"));
    EXPECT_FALSE(ex.Execute("INSERT INTO t (id) VALUES (1)"));  // ignored on purpose
    EXPECT_TRUE(HasCode(ex.Execute("INSERT INTO t (id) VALUES (2)"),
                        ErrorCode::kFailedPrecondition));  // the transaction is aborted
    return {};
  });
  EXPECT_TRUE(HasCode(s, ErrorCode::kFailedPrecondition));
  // The single pooled connection came back clean.
  auto rs = db->Query("SELECT COUNT(*) AS n FROM t");
  ASSERT_TRUE(rs) << rs.error().ToString();
  EXPECT_EQ(rs->rows.at(0).Int("n"), 0);
}

TEST_F(PostgresDatabaseTest, ReplansAStatementWhoseTableChanged) {
  auto db = OpenOrDie({.pool_size = 1});
  ASSERT_NE(db, nullptr);
  DT_ASSERT_OK(db->ExecuteScript("CREATE TABLE t (id BIGINT); INSERT INTO t (id) VALUES (1);"));
  const std::string_view select_all = "SELECT * FROM t";
  ASSERT_EQ(db->Query(select_all)->columns.size(), 1u);
  DT_ASSERT_OK(db->Execute("ALTER TABLE t ADD COLUMN note TEXT"));
  // Outside a transaction the statement is prepared again transparently.
  auto rs = db->Query(select_all);
  ASSERT_TRUE(rs) << rs.error().ToString();
  EXPECT_EQ(rs->columns.size(), 2u);

  // That connection was retired; cache the statement on its replacement.
  ASSERT_EQ(db->Query(select_all)->columns.size(), 2u);
  DT_ASSERT_OK(db->Execute("ALTER TABLE t ADD COLUMN more TEXT"));
  // Inside one the transaction is lost: the caller is told to retry it.
  const Status s = db->Transact([&](Executor& ex) -> Status {
    DT_TRY(ex.Query(select_all));
    return {};
  });
  EXPECT_TRUE(HasCode(s, ErrorCode::kUnavailable));
  auto retried = TransactValue<ResultSet>(*db, [&](Executor& ex) { return ex.Query(select_all); });
  ASSERT_TRUE(retried) << retried.error().ToString();
  EXPECT_EQ(retried->columns.size(), 3u);
}

TEST_F(PostgresDatabaseTest, LockConflictsAreUnavailable) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  DT_ASSERT_OK(
      db->ExecuteScript("CREATE TABLE t (id BIGINT PRIMARY KEY); INSERT INTO t VALUES (1);"));
  DT_ASSERT_OK(db->Transact([&](Executor& ex) -> Status {
    DT_TRY(ex.Execute("UPDATE t SET id = id WHERE id = 1"));
    // Another connection asks for the row lock without waiting.
    EXPECT_TRUE(HasCode(db->Query("SELECT id FROM t WHERE id = 1 FOR UPDATE NOWAIT"),
                        ErrorCode::kUnavailable));
    return {};
  }));
}

TEST_F(PostgresDatabaseTest, SerializationFailuresAreUnavailable) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  DT_ASSERT_OK(
      db->ExecuteScript("CREATE TABLE t (id BIGINT PRIMARY KEY, n BIGINT); "
                        "INSERT INTO t VALUES (1, 0);"));
  const Status s = db->Transact([&](Executor& ex) -> Status {
    DT_TRY(ex.Execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
    DT_TRY(ex.Query("SELECT n FROM t WHERE id = 1"));        // takes the snapshot
    DT_TRY(db->Execute("UPDATE t SET n = 1 WHERE id = 1"));  // a concurrent commit
    DT_TRY(ex.Execute("UPDATE t SET n = 2 WHERE id = 1"));
    return {};
  });
  EXPECT_TRUE(HasCode(s, ErrorCode::kUnavailable, "40001"));
}

TEST_F(PostgresDatabaseTest, WaitsForAFreeConnectionUpToTheTimeout) {
  auto db = OpenOrDie({.pool_size = 1, .acquire_timeout = std::chrono::milliseconds(20)});
  ASSERT_NE(db, nullptr);
  DT_ASSERT_OK(db->Transact([&](Executor&) -> Status {
    EXPECT_TRUE(HasCode(db->Query("SELECT 1"), ErrorCode::kUnavailable));
    return {};
  }));
  DT_ASSERT_OK(db->Query("SELECT 1"));
}

TEST_F(PostgresDatabaseTest, WorksBeyondTheStatementCache) {
  auto db = OpenOrDie({.pool_size = 1, .statement_cache_size = 1});
  ASSERT_NE(db, nullptr);
  DT_ASSERT_OK(db->Execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)"));
  for (int i = 0; i < 20; ++i) {
    DT_ASSERT_OK(db->Transact([&](Executor& ex) -> Status {
      DT_TRY(ex.Execute("INSERT INTO t (id, v) VALUES ($1, $2)", {i, "x"}));
      DT_ASSIGN_OR_RETURN(ResultSet a, ex.Query("SELECT COUNT(*) FROM t"));
      DT_ASSIGN_OR_RETURN(ResultSet b, ex.Query("SELECT v FROM t WHERE id = $1", {i}));
      EXPECT_EQ(a.rows.at(0).Int(0), i + 1);
      EXPECT_EQ(b.rows.at(0).Text(0), "x");
      return {};
    }));
  }
}

TEST_F(PostgresDatabaseTest, TextWithNulBytesIsRejected) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  DT_ASSERT_OK(db->Execute("CREATE TABLE t (v TEXT)"));
  EXPECT_TRUE(HasCode(db->Execute("INSERT INTO t (v) VALUES ($1)", {std::string("a\0b", 3)}),
                      ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace digitrade::storage
