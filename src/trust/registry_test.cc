#include "trust/registry.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "crypto/ca.h"
#include "storage/sqlite/sqlite_database.h"

namespace digitrade::trust {
namespace {

class TrustRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("trust_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    std::filesystem::remove(path_);
    db_ = storage::SqliteDatabase::Open(path_.string()).value();
    ASSERT_TRUE(storage::ApplyMigrations(*db_, TrustRegistry::Migrations()));
    auto ca = crypto::CertificateAuthority::CreateRoot(
        crypto::PrivateKey::Generate(crypto::KeyType::kSm2).value(),
        {.country = "CN", .common_name = "Root"}, {0, 4'000'000'000}, random_);
    pem_ = ca.value().certificate().ToPem();
  }
  void TearDown() override {
    db_.reset();
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }

  std::filesystem::path path_;
  FakeClock clock_;
  crypto::OsRandom random_;
  std::unique_ptr<storage::Database> db_;
  std::string pem_;
};

TEST_F(TrustRegistryTest, ImportsPersistsAndReloads) {
  TrustRegistry registry(*db_, clock_);
  ASSERT_TRUE(registry.Load());
  EXPECT_TRUE(registry.Snapshot()->empty());
  auto before = registry.Snapshot();
  auto list = registry.Import(pem_, "digitrade-cn", "CN");
  ASSERT_TRUE(list) << list.error().ToString();
  EXPECT_TRUE(before->empty());  // snapshots never change
  ASSERT_EQ(registry.Snapshot()->lists().size(), 1u);
  // Replacing by name, not duplicating.
  ASSERT_TRUE(registry.Import(pem_ + pem_, "digitrade-cn", "CN"));
  ASSERT_EQ(registry.Snapshot()->lists().size(), 1u);
  EXPECT_EQ(registry.Snapshot()->lists()[0].anchors().size(), 2u);

  TrustRegistry reloaded(*db_, clock_);
  ASSERT_TRUE(reloaded.Load());
  ASSERT_EQ(reloaded.Snapshot()->lists().size(), 1u);
  EXPECT_EQ(reloaded.Snapshot()->lists()[0].jurisdiction(), "CN");
  reloaded.AddTransient(crypto::TrustList("demo", "CN"));
  EXPECT_EQ(reloaded.Snapshot()->lists().size(), 2u);
}

TEST_F(TrustRegistryTest, RejectsBadLists) {
  TrustRegistry registry(*db_, clock_);
  EXPECT_EQ(registry.Import("garbage", "x", "CN").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(registry.Import(pem_, "", "").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(registry.Import("<!DOCTYPE x []><x/>", "", "").error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_TRUE(registry.Snapshot()->empty());
}

}  // namespace
}  // namespace digitrade::trust
