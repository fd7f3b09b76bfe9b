// Helpers for the storage tests: assertions on Result codes, temporary
// directories and schemas on the PostgreSQL test server. Test-only.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/postgres/postgres_database.h"

// Asserts that a Result/Status expression succeeded, printing its error.
#define DT_ASSERT_OK(expr)                                        \
  do {                                                            \
    const auto& dt_assert_r_ = (expr);                            \
    ASSERT_TRUE(dt_assert_r_) << dt_assert_r_.error().ToString(); \
  } while (false)

namespace digitrade::storage::testing {

// Whether `r` failed with exactly `code`.
template <typename T>
::testing::AssertionResult HasCode(const Result<T>& r, ErrorCode code) {
  if (r) return ::testing::AssertionFailure() << "succeeded; wanted " << ErrorCodeName(code);
  if (r.error().code() != code) {
    return ::testing::AssertionFailure()
           << "failed with " << r.error().ToString() << "; wanted " << ErrorCodeName(code);
  }
  return ::testing::AssertionSuccess();
}

// Whether `r` failed with exactly `code` and a message containing `part`.
template <typename T>
::testing::AssertionResult HasCode(const Result<T>& r, ErrorCode code, std::string_view part) {
  ::testing::AssertionResult same_code = HasCode(r, code);
  if (!same_code) return same_code;
  if (r.error().message().find(part) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "message \"" << r.error().message() << "\" lacks \"" << part << "\"";
  }
  return ::testing::AssertionSuccess();
}

// A directory made for one test and removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "dt-storage-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  bool ok() const { return !path_.empty(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

constexpr char kPostgresEnv[] = "DIGITRADE_TEST_POSTGRES";
constexpr char kPostgresSkip[] =
    "DIGITRADE_TEST_POSTGRES is not set: run the PostgreSQL tests under "
    "scripts/with-postgres.sh, e.g. scripts/with-postgres.sh "
    "build/storage/src/storage/storage_test";

// The URL of the PostgreSQL test server, or "" when there is none.
inline std::string PostgresUrl() {
  const char* url = std::getenv(kPostgresEnv);
  return url == nullptr ? "" : url;
}

// A schema of its own for one test on the PostgreSQL test server, dropped
// with everything in it at the end.
class PostgresTestSchema {
 public:
  PostgresTestSchema() = default;
  ~PostgresTestSchema() {
    // A generated identifier, not input: DDL takes no parameters.
    if (admin_ == nullptr) return;
    const Status dropped = admin_->ExecuteScript("DROP SCHEMA " + name_ + " CASCADE");
    EXPECT_TRUE(dropped) << dropped.error().ToString();
  }
  PostgresTestSchema(const PostgresTestSchema&) = delete;
  PostgresTestSchema& operator=(const PostgresTestSchema&) = delete;

  // Creates the schema on the server at PostgresUrl(), which must be set.
  Status Create() {
    static std::atomic<int> counter{0};
    url_ = PostgresUrl();
    name_ = fmt::format("dt_test_{}_{}", ::getpid(), counter++);
    DT_ASSIGN_OR_RETURN(admin_, PostgresDatabase::Open(url_, {.pool_size = 2}));
    return admin_->ExecuteScript("CREATE SCHEMA " + name_);
  }

  // A connection string whose sessions work in this schema.
  std::string url() const {
    const char separator = url_.find('?') == std::string::npos ? '?' : '&';
    return fmt::format("{}{}options=-csearch_path%3D{}", url_, separator, name_);
  }

  // A handle outside the schema, for administering the server.
  Database& admin() { return *admin_; }

 private:
  std::string url_;
  std::string name_;
  std::unique_ptr<PostgresDatabase> admin_;
};

}  // namespace digitrade::storage::testing
