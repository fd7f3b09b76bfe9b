// The contract of storage::Database and storage::ApplyMigrations, run against
// every driver: SQLite on a temporary file, PostgreSQL in a schema of its own
// on the server named by DIGITRADE_TEST_POSTGRES (skipped when unset; see
// scripts/with-postgres.sh). Every test starts from an empty database.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "storage/database.h"
#include "storage/internal/test_util.h"
#include "storage/migrations.h"
#include "storage/postgres/postgres_database.h"
#include "storage/sqlite/sqlite_database.h"

namespace digitrade::storage {
namespace {

using testing::HasCode;

enum class Engine { kSqlite, kPostgres };

void PrintTo(Engine engine, std::ostream* os) {
  *os << (engine == Engine::kSqlite ? "Sqlite" : "Postgres");
}

std::string EngineName(const ::testing::TestParamInfo<Engine>& info) {
  return ::testing::PrintToString(info.param);
}

class DatabaseContractTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    if (GetParam() == Engine::kPostgres) {
      if (testing::PostgresUrl().empty()) GTEST_SKIP() << testing::kPostgresSkip;
      DT_ASSERT_OK(schema_.Create());
    } else {
      ASSERT_TRUE(dir_.ok());
    }
    auto db = Open();
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
  }

  // Another handle on this test's database with `connections` connections.
  Result<std::unique_ptr<Database>> Open(std::size_t connections = 8) {
    if (GetParam() == Engine::kSqlite) {
      return SqliteDatabase::Open((dir_.path() / "test.db").string(), {.readers = connections});
    }
    return PostgresDatabase::Open(schema_.url(), {.pool_size = connections});
  }

  bool postgres() const { return GetParam() == Engine::kPostgres; }

  void CreateKv() { DT_ASSERT_OK(db_->Execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)")); }

  // The value of `k` in kv, or "<none>".
  std::string Get(Database& db, std::string_view k) {
    auto rs = db.Query("SELECT v FROM kv WHERE k = $1", {k});
    if (!rs) return "<error: " + rs.error().ToString() + ">";
    return rs->empty() ? "<none>" : rs->rows[0].Text(0);
  }

  int64_t Count(std::string_view table_query) {
    auto rs = db_->Query(table_query);
    return rs ? rs->rows.at(0).Int(0) : -1;
  }

  testing::TempDir dir_;                // for SQLite
  testing::PostgresTestSchema schema_;  // for PostgreSQL
  std::unique_ptr<Database> db_;        // closed before the schema is dropped
};

INSTANTIATE_TEST_SUITE_P(Drivers, DatabaseContractTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres), EngineName);

// --- Values and parameters ---------------------------------------------------

TEST_P(DatabaseContractTest, RoundTripsEveryValueType) {
  DT_ASSERT_OK(db_->Execute(
      "CREATE TABLE vals (id BIGINT PRIMARY KEY, i BIGINT, d DOUBLE PRECISION, t TEXT, b BYTEA)"));
  Bytes all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes.push_back(static_cast<std::uint8_t>(i));
  const Bytes large(1 << 20, 0);
  using L64 = std::numeric_limits<int64_t>;
  using LD = std::numeric_limits<double>;
  const std::vector<Params> rows = {
      {1, L64::min(), LD::lowest(), "", Bytes{}},
      {2, L64::max(), LD::max(), "数字贸易 — ünïcödé 🚢", Bytes{0, 0, 1, 0, 255, 0}},
      {3, 0, 0.1, "plain", all_bytes},
      {4, nullptr, nullptr, nullptr, nullptr},
      {5, -1, LD::denorm_min(), "it's \"quoted\" \\ ; -- not SQL", large},
      {6, 1, -2.5e-300, "\t\r\n", Bytes{0}},
      {7, 9007199254740993, 1e300, "$1 ? :x", Bytes{'\\', 'x', '0', '0'}},
  };
  for (const Params& row : rows) {
    DT_ASSERT_OK(
        db_->Execute("INSERT INTO vals (id, i, d, t, b) VALUES ($1, $2, $3, $4, $5)", row));
  }
  auto rs = db_->Query("SELECT id, i, d, t, b FROM vals ORDER BY id");
  ASSERT_TRUE(rs) << rs.error().ToString();
  ASSERT_EQ(rs->rows.size(), rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      EXPECT_TRUE(rs->rows[r].at(c) == rows[r][c]) << "row " << r + 1 << " column " << c;
    }
  }
  EXPECT_EQ(rs->rows[0].Blob("b"), Bytes{});
  EXPECT_FALSE(rs->rows[0].IsNull("b"));  // an empty blob is not NULL
  EXPECT_FALSE(rs->rows[0].IsNull("t"));  // nor is empty text
}

TEST_P(DatabaseContractTest, BindsPlaceholdersByNumberNotPosition) {
  CreateKv();
  DT_ASSERT_OK(db_->Execute("INSERT INTO kv (v, k) VALUES ($2, $1)", {"key", "value"}));
  EXPECT_EQ(Get(*db_, "key"), "value");
  auto rs = db_->Query("SELECT k FROM kv WHERE v = $2 AND k = $1 AND k <> $2", {"key", "value"});
  ASSERT_TRUE(rs) << rs.error().ToString();
  ASSERT_EQ(rs->rows.size(), 1u);
  EXPECT_EQ(rs->rows[0].Text(0), "key");
}

TEST_P(DatabaseContractTest, RejectsTheWrongNumberOfParameters) {
  CreateKv();
  const std::string_view insert = "INSERT INTO kv (k, v) VALUES ($1, $2)";
  EXPECT_TRUE(HasCode(db_->Execute(insert, {"a"}), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(db_->Execute(insert, {"a", "b", "c"}), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(db_->Execute(insert), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(db_->Query("SELECT k FROM kv", {"a"}), ErrorCode::kInvalidArgument));
  // The check comes before the engine runs anything: the transaction goes on.
  DT_ASSERT_OK(db_->Transact([&](Executor& ex) -> Status {
    EXPECT_TRUE(HasCode(ex.Execute(insert, {"a"}), ErrorCode::kInvalidArgument));
    DT_TRY(ex.Execute(insert, {"a", "b"}));
    return {};
  }));
  EXPECT_EQ(Get(*db_, "a"), "b");
}

TEST_P(DatabaseContractTest, RejectsPlaceholdersOtherThanDollarNumbers) {
  CreateKv();
  EXPECT_TRUE(
      HasCode(db_->Query("SELECT v FROM kv WHERE k = ?", {"a"}), ErrorCode::kInvalidArgument));
  // $2 unused while $3 is: PostgreSQL cannot type it, so neither driver takes it.
  EXPECT_TRUE(HasCode(db_->Query("SELECT v FROM kv WHERE k = $1 OR k = $3", {"a", "b", "c"}),
                      ErrorCode::kInvalidArgument));
}

TEST_P(DatabaseContractTest, QueryTakesOneStatement) {
  CreateKv();
  EXPECT_TRUE(
      HasCode(db_->Execute("INSERT INTO kv (k) VALUES ('a'); INSERT INTO kv (k) VALUES ('b')"),
              ErrorCode::kInvalidArgument));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM kv"), 0);
  DT_ASSERT_OK(db_->Execute("INSERT INTO kv (k) VALUES ('a');  "));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM kv"), 1);
}

TEST_P(DatabaseContractTest, ReadsColumnsByName) {
  CreateKv();
  DT_ASSERT_OK(db_->Execute("INSERT INTO kv (k, v) VALUES ('a', NULL)"));
  auto rs = db_->Query("SELECT k, v, 42 AS answer, 2.5 AS half FROM kv");
  ASSERT_TRUE(rs) << rs.error().ToString();
  EXPECT_EQ(rs->columns, (std::vector<std::string>{"k", "v", "answer", "half"}));
  ASSERT_EQ(rs->rows.size(), 1u);
  const Row& row = rs->rows[0];
  EXPECT_EQ(row.Text("k"), "a");
  EXPECT_EQ(row.Text("K"), "a");
  EXPECT_TRUE(row.IsNull("v"));
  EXPECT_EQ(row.OptionalText("v"), std::nullopt);
  EXPECT_EQ(row.Int("answer"), 42);
  EXPECT_EQ(row.OptionalInt("answer"), 42);
  EXPECT_DOUBLE_EQ(row.Double("half"), 2.5);
  EXPECT_DOUBLE_EQ(row.Double("answer"), 42.0);
  EXPECT_TRUE(row.IsNull("no_such_column"));
}

TEST_P(DatabaseContractTest, ReportsRowsAffected) {
  CreateKv();
  EXPECT_EQ(db_->Execute("INSERT INTO kv (k, v) VALUES ('a', 'x'), ('b', 'x'), ('c', 'y')"), 3);
  EXPECT_EQ(db_->Execute("UPDATE kv SET v = 'z' WHERE v = $1", {"x"}), 2);
  EXPECT_EQ(db_->Execute("UPDATE kv SET v = 'z' WHERE k = 'none'"), 0);
  EXPECT_EQ(db_->Execute("CREATE TABLE other (id BIGINT)"), 0);  // not the last DML's count
  auto rs = db_->Query("SELECT k FROM kv");
  ASSERT_TRUE(rs);
  EXPECT_EQ(rs->affected, 0);
  EXPECT_EQ(rs->rows.size(), 3u);
  EXPECT_EQ(db_->Execute("DELETE FROM kv"), 3);
  auto empty = db_->Query("SELECT k, v FROM kv");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  EXPECT_EQ(empty->columns.size(), 2u);
}

// --- Transactions --------------------------------------------------------------

TEST_P(DatabaseContractTest, CommitsWhenTheCallbackSucceeds) {
  CreateKv();
  DT_ASSERT_OK(db_->Transact([](Executor& ex) -> Status {
    DT_TRY(ex.Execute("INSERT INTO kv (k, v) VALUES ($1, $2)", {"a", "1"}));
    DT_TRY(ex.Execute("INSERT INTO kv (k, v) VALUES ($1, $2)", {"b", "2"}));
    DT_ASSIGN_OR_RETURN(ResultSet rs, ex.Query("SELECT COUNT(*) AS n FROM kv"));
    EXPECT_EQ(rs.rows.at(0).Int("n"), 2);  // the transaction sees its own writes
    return {};
  }));
  EXPECT_EQ(Get(*db_, "a"), "1");
  EXPECT_EQ(Get(*db_, "b"), "2");
}

TEST_P(DatabaseContractTest, RollsBackWhenTheCallbackReturnsAnError) {
  CreateKv();
  const Status s = db_->Transact([](Executor& ex) -> Status {
    DT_TRY(ex.Execute("INSERT INTO kv (k, v) VALUES ('a', '1')"));
    return Conflict("changed my mind");
  });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), Error(ErrorCode::kConflict, "changed my mind"));  // passed through as is
  EXPECT_EQ(Get(*db_, "a"), "<none>");
}

TEST_P(DatabaseContractTest, RollsBackWhenAStatementFails) {
  CreateKv();
  DT_ASSERT_OK(db_->Execute("INSERT INTO kv (k, v) VALUES ('taken', '0')"));
  const Status s = db_->Transact([](Executor& ex) -> Status {
    DT_TRY(ex.Execute("INSERT INTO kv (k, v) VALUES ('a', '1')"));
    DT_TRY(ex.Execute("INSERT INTO kv (k, v) VALUES ('taken', '1')"));
    return {};
  });
  EXPECT_TRUE(HasCode(s, ErrorCode::kAlreadyExists));
  EXPECT_EQ(Get(*db_, "a"), "<none>");
  EXPECT_EQ(Get(*db_, "taken"), "0");
}

TEST_P(DatabaseContractTest, StaysUsableAfterManyFailedTransactions) {
  CreateKv();
  auto small = Open(2);
  ASSERT_TRUE(small) << small.error().ToString();
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(HasCode((*small)->Transact([](Executor& ex) -> Status {
      DT_TRY(ex.Execute("INSERT INTO kv (k, v) VALUES ('a', '1')"));
      DT_TRY(ex.Execute("SELECT nonsense FROM nowhere"));
      return {};
    }),
                        ErrorCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(
        (*small)->Transact([](Executor&) -> Status { return Internal("x"); }, TxMode::kReadOnly),
        ErrorCode::kInternal));
  }
  EXPECT_EQ(Get(**small, "a"), "<none>");
  DT_ASSERT_OK((*small)->Execute("INSERT INTO kv (k, v) VALUES ('a', '2')"));
  EXPECT_EQ(Get(**small, "a"), "2");
}

TEST_P(DatabaseContractTest, TransactValueReturnsTheValue) {
  CreateKv();
  DT_ASSERT_OK(db_->Execute("INSERT INTO kv (k, v) VALUES ('a', 'apple')"));
  Result<std::string> v = TransactValue<std::string>(
      *db_,
      [](Executor& ex) -> Result<std::string> {
        DT_ASSIGN_OR_RETURN(ResultSet rs, ex.Query("SELECT v FROM kv WHERE k = $1", {"a"}));
        return rs.rows.at(0).Text(0);
      },
      TxMode::kReadOnly);
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(*v, "apple");

  Result<int> failed = TransactValue<int>(*db_, [](Executor& ex) -> Result<int> {
    DT_TRY(ex.Execute("INSERT INTO kv (k, v) VALUES ('b', 'banana')"));
    return NotFound("no");
  });
  EXPECT_TRUE(HasCode(failed, ErrorCode::kNotFound));
  EXPECT_EQ(Get(*db_, "b"), "<none>");
}

TEST_P(DatabaseContractTest, ReadOnlyTransactionsRefuseWrites) {
  CreateKv();
  DT_ASSERT_OK(db_->Execute("INSERT INTO kv (k, v) VALUES ('a', '1')"));
  const Status s = db_->Transact(
      [&](Executor& ex) -> Status {
        DT_ASSIGN_OR_RETURN(ResultSet rs, ex.Query("SELECT v FROM kv WHERE k = 'a'"));
        EXPECT_EQ(rs.rows.at(0).Text(0), "1");
        DT_TRY(ex.Execute("UPDATE kv SET v = '2' WHERE k = 'a'"));
        return {};
      },
      TxMode::kReadOnly);
  EXPECT_TRUE(HasCode(s, ErrorCode::kFailedPrecondition));
  EXPECT_EQ(Get(*db_, "a"), "1");
}

TEST_P(DatabaseContractTest, StatementsOutsideTransactRefuseTransactionControl) {
  CreateKv();
  EXPECT_TRUE(HasCode(db_->Execute("BEGIN"), ErrorCode::kInvalidArgument));
  // The connection was not left inside a transaction.
  DT_ASSERT_OK(db_->Execute("INSERT INTO kv (k, v) VALUES ('a', '1')"));
  auto other = Open();
  ASSERT_TRUE(other);
  EXPECT_EQ(Get(**other, "a"), "1");
}

// --- Error codes -----------------------------------------------------------------

TEST_P(DatabaseContractTest, UniqueAndPrimaryKeyViolationsAreAlreadyExists) {
  DT_ASSERT_OK(
      db_->ExecuteScript("CREATE TABLE orgs (id BIGINT PRIMARY KEY, uscc TEXT NOT NULL UNIQUE)"));
  DT_ASSERT_OK(db_->Execute("INSERT INTO orgs (id, uscc) VALUES (1, 'A')"));
  EXPECT_TRUE(HasCode(db_->Execute("INSERT INTO orgs (id, uscc) VALUES (1, 'B')"),
                      ErrorCode::kAlreadyExists));
  EXPECT_TRUE(HasCode(db_->Execute("INSERT INTO orgs (id, uscc) VALUES (2, 'A')"),
                      ErrorCode::kAlreadyExists));
}

TEST_P(DatabaseContractTest, OtherConstraintViolationsAreFailedPrecondition) {
  DT_ASSERT_OK(db_->ExecuteScript(R"sql(
    CREATE TABLE parent (id BIGINT PRIMARY KEY);
    CREATE TABLE child (
      id BIGINT PRIMARY KEY,
      parent_id BIGINT REFERENCES parent(id),
      name TEXT NOT NULL,
      qty BIGINT CHECK (qty >= 0)
    );
    INSERT INTO parent (id) VALUES (1);
  )sql"));
  const std::string_view insert =
      "INSERT INTO child (id, parent_id, name, qty) VALUES ($1, $2, $3, $4)";
  DT_ASSERT_OK(db_->Execute(insert, {1, 1, "ok", 1}));
  auto not_null = db_->Execute(insert, {2, 1, nullptr, 1});
  EXPECT_TRUE(HasCode(not_null, ErrorCode::kFailedPrecondition));
  EXPECT_TRUE(HasCode(db_->Execute(insert, {3, 1, "neg", -1}), ErrorCode::kFailedPrecondition));
  EXPECT_TRUE(HasCode(db_->Execute(insert, {4, 99, "orphan", 1}), ErrorCode::kFailedPrecondition));
  EXPECT_TRUE(
      HasCode(db_->Execute("DELETE FROM parent WHERE id = 1"), ErrorCode::kFailedPrecondition));
}

TEST_P(DatabaseContractTest, SqlTheEngineRejectsIsInvalidArgument) {
  CreateKv();
  EXPECT_TRUE(HasCode(db_->Query("SELEC k FROM kv"), ErrorCode::kInvalidArgument, "SELEC"));
  EXPECT_TRUE(HasCode(db_->Query("SELECT k FROM no_such_table"), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(db_->Query("SELECT no_such_column FROM kv"), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(db_->Query(""), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(
      HasCode(db_->ExecuteScript("CREATE TABLE t (x BIGINT); SELEC"), ErrorCode::kInvalidArgument));
}

// --- Concurrency -------------------------------------------------------------------

TEST_P(DatabaseContractTest, ConcurrentReadModifyWriteLosesNoUpdate) {
  DT_ASSERT_OK(
      db_->ExecuteScript("CREATE TABLE counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);"
                         "INSERT INTO counter (id, n) VALUES (1, 0);"));
  constexpr int kThreads = 8;
  constexpr int kIncrements = 50;
  std::atomic<int> failures{0};
  std::atomic<int> retries{0};
  auto increment = [&](Executor& ex) -> Status {
    // Lock the row before reading it (see database.h on read-modify-write).
    DT_TRY(ex.Execute("UPDATE counter SET n = n WHERE id = 1"));
    DT_ASSIGN_OR_RETURN(ResultSet rs, ex.Query("SELECT n FROM counter WHERE id = 1"));
    DT_TRY(ex.Execute("UPDATE counter SET n = $1 WHERE id = 1", {rs.rows.at(0).Int(0) + 1}));
    return {};
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        Status s = db_->Transact(increment);
        for (int attempt = 0; !s && s.error().code() == ErrorCode::kUnavailable && attempt < 100;
             ++attempt) {
          ++retries;
          s = db_->Transact(increment);
        }
        if (!s) {
          ADD_FAILURE() << s.error().ToString();
          ++failures;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(Count("SELECT n FROM counter WHERE id = 1"), kThreads * kIncrements);
}

TEST_P(DatabaseContractTest, ReadersNeitherWaitForNorSeeAnOpenWrite) {
  CreateKv();
  DT_ASSERT_OK(db_->Execute("INSERT INTO kv (k, v) VALUES ('a', 'old')"));
  constexpr int kReaders = 4;
  std::atomic<int> saw_old{0};
  DT_ASSERT_OK(db_->Transact([&](Executor& ex) -> Status {
    DT_TRY(ex.Execute("UPDATE kv SET v = 'new' WHERE k = 'a'"));
    // Readers on other threads run to completion while this write is open.
    std::vector<std::thread> readers;
    for (int i = 0; i < kReaders; ++i) {
      readers.emplace_back([&, i] {
        if (i % 2 == 0) {
          if (Get(*db_, "a") == "old") ++saw_old;
          return;
        }
        const Status s = db_->Transact(
            [&](Executor& rx) -> Status {
              DT_ASSIGN_OR_RETURN(ResultSet rs, rx.Query("SELECT v FROM kv WHERE k = 'a'"));
              if (rs.rows.at(0).Text(0) == "old") ++saw_old;
              return {};
            },
            TxMode::kReadOnly);
        EXPECT_TRUE(s) << s.error().ToString();
      });
    }
    for (std::thread& t : readers) t.join();
    return {};
  }));
  EXPECT_EQ(saw_old, kReaders);
  EXPECT_EQ(Get(*db_, "a"), "new");
}

// --- Scripts ---------------------------------------------------------------------

TEST_P(DatabaseContractTest, ExecuteScriptRunsEveryStatement) {
  DT_ASSERT_OK(db_->ExecuteScript(R"sql(
    -- a comment
    CREATE TABLE a (id BIGINT PRIMARY KEY, note TEXT);
    CREATE INDEX a_note ON a (note);
    INSERT INTO a (id, note) VALUES (1, 'semi;colon');
    INSERT INTO a (id, note) VALUES (2, 'two');
  )sql"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM a"), 2);
  auto rs = db_->Query("SELECT note FROM a WHERE id = 1");
  ASSERT_TRUE(rs);
  EXPECT_EQ(rs->rows.at(0).Text(0), "semi;colon");
}

TEST_P(DatabaseContractTest, ExecuteScriptIsAllOrNothing) {
  const Status s = db_->ExecuteScript(
      "CREATE TABLE a (id BIGINT PRIMARY KEY);"
      "INSERT INTO a (id) VALUES (1);"
      "INSERT INTO a (id) VALUES (1);");
  EXPECT_TRUE(HasCode(s, ErrorCode::kAlreadyExists));
  EXPECT_TRUE(HasCode(db_->Query("SELECT id FROM a"), ErrorCode::kInvalidArgument));  // no table
}

TEST_P(DatabaseContractTest, ExecuteScriptInATransactionJoinsIt) {
  const Status s = db_->Transact([](Executor& ex) -> Status {
    DT_TRY(ex.ExecuteScript("CREATE TABLE a (id BIGINT); INSERT INTO a (id) VALUES (1);"));
    return Conflict("undo");
  });
  EXPECT_TRUE(HasCode(s, ErrorCode::kConflict));
  EXPECT_TRUE(HasCode(db_->Query("SELECT id FROM a"), ErrorCode::kInvalidArgument));
}

// --- Migrations --------------------------------------------------------------------

std::vector<Migration> Shop(int versions) {
  const std::vector<Migration> all = {
      {.module = "shop",
       .version = 1,
       .sql = "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT)"},
      {.module = "shop", .version = 2, .sql = "INSERT INTO items (id, name) VALUES (1, 'tea')"},
      {.module = "shop",
       .version = 3,
       .sql = "ALTER TABLE items ADD COLUMN price BIGINT; UPDATE items SET price = 5;"},
  };
  return {all.begin(), all.begin() + versions};
}

TEST_P(DatabaseContractTest, MigrationsApplyOnceAndRecordTheirVersion) {
  EXPECT_EQ(CurrentVersion(*db_, "shop"), 0);  // before the table exists
  FakeClock clock;
  EXPECT_EQ(ApplyMigrations(*db_, Shop(2), clock), 2);
  EXPECT_EQ(CurrentVersion(*db_, "shop"), 2);
  EXPECT_EQ(CurrentVersion(*db_, "other"), 0);
  EXPECT_EQ(ApplyMigrations(*db_, Shop(2), clock), 0);  // a no-op
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items"), 1);    // the INSERT ran once
  auto rs =
      db_->Query("SELECT module, version, applied_at FROM schema_migrations ORDER BY version");
  ASSERT_TRUE(rs) << rs.error().ToString();
  ASSERT_EQ(rs->rows.size(), 2u);
  EXPECT_EQ(rs->rows[1].Text("module"), "shop");
  EXPECT_EQ(rs->rows[1].Int("version"), 2);
  EXPECT_EQ(rs->rows[1].Text("applied_at"), FormatRfc3339(clock.Now()));
}

TEST_P(DatabaseContractTest, MigrationsApplyOnlyWhatIsNew) {
  ASSERT_EQ(ApplyMigrations(*db_, Shop(2)), 2);
  EXPECT_EQ(ApplyMigrations(*db_, Shop(3)), 1);
  EXPECT_EQ(CurrentVersion(*db_, "shop"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items"), 1);
  EXPECT_EQ(Count("SELECT price FROM items WHERE id = 1"), 5);
}

TEST_P(DatabaseContractTest, MigrationsOfSeveralModulesInterleave) {
  std::vector<Migration> ms = {
      {.module = "a", .version = 1, .sql = "CREATE TABLE a1 (id BIGINT)"},
      {.module = "b", .version = 1, .sql = "CREATE TABLE b1 (id BIGINT)"},
      {.module = "a", .version = 2, .sql = "CREATE TABLE a2 (id BIGINT)"},
  };
  EXPECT_EQ(ApplyMigrations(*db_, ms), 3);
  EXPECT_EQ(CurrentVersion(*db_, "a"), 2);
  EXPECT_EQ(CurrentVersion(*db_, "b"), 1);
}

TEST_P(DatabaseContractTest, MigrationsRefuseADowngrade) {
  ASSERT_EQ(ApplyMigrations(*db_, Shop(3)), 3);
  std::vector<Migration> older = Shop(2);
  older.push_back({.module = "other", .version = 1, .sql = "CREATE TABLE other (id BIGINT)"});
  EXPECT_TRUE(HasCode(ApplyMigrations(*db_, older), ErrorCode::kInvalidArgument, "downgrade"));
  EXPECT_EQ(CurrentVersion(*db_, "other"), 0);  // nothing was applied
  EXPECT_EQ(CurrentVersion(*db_, "shop"), 3);
}

TEST_P(DatabaseContractTest, MigrationsRejectABadVersionSequence) {
  const std::vector<std::vector<Migration>> bad = {
      {{.module = "m", .version = 2, .sql = "CREATE TABLE t2 (id BIGINT)"}},
      {{.module = "m", .version = 0, .sql = "CREATE TABLE t0 (id BIGINT)"}},
      {{.module = "m", .version = 1, .sql = "CREATE TABLE t1 (id BIGINT)"},
       {.module = "m", .version = 3, .sql = "CREATE TABLE t3 (id BIGINT)"}},
      {{.module = "m", .version = 1, .sql = "CREATE TABLE t1 (id BIGINT)"},
       {.module = "m", .version = 1, .sql = "CREATE TABLE t1b (id BIGINT)"}},
      {{.module = "m", .version = 2, .sql = "CREATE TABLE t2 (id BIGINT)"},
       {.module = "m", .version = 1, .sql = "CREATE TABLE t1 (id BIGINT)"}},
      {{.module = "", .version = 1, .sql = "CREATE TABLE t1 (id BIGINT)"}},
  };
  for (const auto& ms : bad) {
    EXPECT_TRUE(HasCode(ApplyMigrations(*db_, ms), ErrorCode::kInvalidArgument)) << ms[0].sql;
  }
  EXPECT_EQ(CurrentVersion(*db_, "m"), 0);
  EXPECT_TRUE(HasCode(db_->Query("SELECT id FROM t1"), ErrorCode::kInvalidArgument));
}

TEST_P(DatabaseContractTest, AFailedMigrationLeavesNoTrace) {
  std::vector<Migration> ms = Shop(1);
  ms.push_back({.module = "shop",
                .version = 2,
                .sql = "CREATE TABLE half (id BIGINT); INSERT INTO nowhere VALUES (1);"});
  EXPECT_TRUE(
      HasCode(ApplyMigrations(*db_, ms), ErrorCode::kInvalidArgument, "migration shop version 2"));
  EXPECT_EQ(CurrentVersion(*db_, "shop"), 1);
  EXPECT_TRUE(HasCode(db_->Query("SELECT id FROM half"), ErrorCode::kInvalidArgument));
}

TEST_P(DatabaseContractTest, MigrationsUsePostgresSqlOnPostgres) {
  const std::vector<Migration> ms = {
      {.module = "m",
       .version = 1,
       .sql = "CREATE TABLE engine (name TEXT); INSERT INTO engine (name) VALUES ('portable');",
       .postgres_sql =
           "CREATE TABLE engine (name TEXT); INSERT INTO engine (name) VALUES ('postgres');"},
      {.module = "m",
       .version = 2,
       .sql = "INSERT INTO engine (name) VALUES ('v2')"},  // no variant: the same everywhere
  };
  ASSERT_EQ(ApplyMigrations(*db_, ms), 2);
  auto rs = db_->Query("SELECT name FROM engine ORDER BY name");
  ASSERT_TRUE(rs) << rs.error().ToString();
  ASSERT_EQ(rs->rows.size(), 2u);
  EXPECT_EQ(rs->rows[0].Text(0), postgres() ? "postgres" : "portable");
  EXPECT_EQ(rs->rows[1].Text(0), "v2");
}

TEST_P(DatabaseContractTest, ConcurrentServersApplyEachMigrationOnce) {
  // Each migration appends a row, so a migration applied twice shows.
  const std::vector<Migration> ms = {
      {.module = "m", .version = 1, .sql = "CREATE TABLE runs (version BIGINT)"},
      {.module = "m", .version = 2, .sql = "INSERT INTO runs (version) VALUES (2)"},
      {.module = "m", .version = 3, .sql = "INSERT INTO runs (version) VALUES (3)"},
      {.module = "m", .version = 4, .sql = "INSERT INTO runs (version) VALUES (4)"},
      {.module = "m", .version = 5, .sql = "INSERT INTO runs (version) VALUES (5)"},
  };
  constexpr int kServers = 4;
  std::vector<std::unique_ptr<Database>> servers;
  for (int i = 0; i < kServers; ++i) {
    auto db = Open(2);
    ASSERT_TRUE(db) << db.error().ToString();
    servers.push_back(std::move(*db));
  }
  std::atomic<int> applied{0};
  std::vector<std::thread> threads;
  for (auto& server : servers) {
    threads.emplace_back([&] {
      auto n = ApplyMigrations(*server, ms);
      ASSERT_TRUE(n) << n.error().ToString();
      applied += *n;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(applied, 5);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM runs"), 4);
  EXPECT_EQ(CurrentVersion(*db_, "m"), 5);
}

}  // namespace
}  // namespace digitrade::storage
