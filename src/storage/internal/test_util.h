// Helpers for the storage tests: assertions on Result codes, temporary
// directories and access to the PostgreSQL test server. Test-only.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/result.h"

// Asserts that a Result/Status expression succeeded, printing its error.
#define DT_ASSERT_OK(expr)                                             \
  do {                                                                 \
    const auto& dt_assert_r_ = (expr);                                 \
    ASSERT_TRUE(dt_assert_r_) << dt_assert_r_.error().ToString();      \
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
    "scripts/with-postgres.sh, e.g. scripts/with-postgres.sh build/storage/src/storage/storage_test";

// The URL of the PostgreSQL test server, or "" when there is none.
inline std::string PostgresUrl() {
  const char* url = std::getenv(kPostgresEnv);
  return url == nullptr ? "" : url;
}

// A schema name no other test (in this or another process) uses.
inline std::string UniqueSchemaName() {
  static std::atomic<int> counter{0};
  return fmt::format("dt_test_{}_{}", ::getpid(), counter++);
}

// `url` with the session's search_path set to `schema`.
inline std::string WithSearchPath(const std::string& url, const std::string& schema) {
  const char separator = url.find('?') == std::string::npos ? '?' : '&';
  return fmt::format("{}{}options=-csearch_path%3D{}", url, separator, schema);
}

}  // namespace digitrade::storage::testing
