#include "identity/directory.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "storage/internal/test_util.h"
#include "storage/sqlite/sqlite_database.h"

namespace digitrade::identity {
namespace {

class DirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.ok());
    db_ = storage::SqliteDatabase::Open((tmp_.path() / "test.db").string()).value();
    ASSERT_TRUE(storage::ApplyMigrations(*db_, Directory::Migrations()));
    dir_ = std::make_unique<Directory>(*db_, clock_, random_);
  }
  void TearDown() override {
    dir_.reset();
    db_.reset();
  }

  storage::testing::TempDir tmp_;  // outlives db_
  FakeClock clock_;
  crypto::OsRandom random_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<Directory> dir_;
};

TEST_F(DirectoryTest, CreatesAndListsOrganisations) {
  auto org = dir_->CreateOrganisation(
      {.name = "Tianjin Port Logistics", .identifier_scheme = "uscc", .identifier = " 91350100m000100y43 "});
  ASSERT_TRUE(org) << org.error().ToString();
  EXPECT_EQ(org->identifier, "91350100M000100Y43");
  EXPECT_EQ(org->country, "CN");
  EXPECT_TRUE(org->id.starts_with("org_"));
  auto lei = dir_->CreateOrganisation({.name = "Apple",
                                       .identifier_scheme = "lei",
                                       .identifier = "HWUPKR0MPOU8FGXBT394",
                                       .country = "US"});
  ASSERT_TRUE(lei) << lei.error().ToString();
  auto list = dir_->ListOrganisations({.limit = 10});
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), 2u);
  auto page = dir_->ListOrganisations({.limit = 1, .after = (*list)[0].id});
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, (*list)[1].id);
  EXPECT_EQ(dir_->GetOrganisation(org->id)->name, "Tianjin Port Logistics");
  EXPECT_EQ(dir_->GetOrganisation("org_nope").error().code(), ErrorCode::kNotFound);
}

TEST_F(DirectoryTest, RejectsBadOrganisationsAndChangesNothing) {
  auto bad_check = dir_->CreateOrganisation(
      {.name = "X", .identifier_scheme = "uscc", .identifier = "91350100M000100Y44"});
  EXPECT_EQ(bad_check.error().code(), ErrorCode::kInvalidArgument);
  auto bad_lei = dir_->CreateOrganisation(
      {.name = "X", .identifier_scheme = "lei", .identifier = "HWUPKR0MPOU8FGXBT395", .country = "US"});
  EXPECT_EQ(bad_lei.error().code(), ErrorCode::kInvalidArgument);
  auto uscc_abroad = dir_->CreateOrganisation(
      {.name = "X", .identifier_scheme = "uscc", .identifier = "91350100M000100Y43", .country = "DE"});
  EXPECT_EQ(uscc_abroad.error().message(), "a USCC identifies a Chinese entity: country must be CN");
  auto no_name = dir_->CreateOrganisation(
      {.name = "", .identifier_scheme = "uscc", .identifier = "91350100M000100Y43"});
  EXPECT_EQ(no_name.error().message(), "name must not be empty");
  EXPECT_EQ(dir_->Count()->organisations, 0);

  ASSERT_TRUE(dir_->CreateOrganisation(
      {.name = "A", .identifier_scheme = "uscc", .identifier = "91350100M000100Y43"}));
  auto dup = dir_->CreateOrganisation(
      {.name = "B", .identifier_scheme = "uscc", .identifier = "91350100M000100Y43"});
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(dir_->Count()->organisations, 1);
}

TEST_F(DirectoryTest, UsersHoldRoles) {
  auto org = dir_->CreateOrganisation(
      {.name = "COSCO", .identifier_scheme = "uscc", .identifier = "91110000802100433B"});
  auto u = dir_->CreateUser(
      {.name = "li.wei", .organisation_id = org->id, .roles = {"carrier", "trader"}});
  ASSERT_TRUE(u) << u.error().ToString();
  auto back = dir_->GetUserByName("li.wei");
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->roles.Has(Role::kCarrier));
  EXPECT_TRUE(back->roles.Has(Role::kTrader));
  EXPECT_FALSE(back->roles.Has(Role::kAdmin));
  EXPECT_EQ(dir_->CreateUser({.name = "li.wei", .roles = {"bank"}}).error().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(dir_->CreateUser({.name = "x", .roles = {"pirate"}}).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(dir_->CreateUser({.name = "y", .organisation_id = "org_missing", .roles = {"bank"}})
                .error()
                .code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(dir_->CreateUser({.name = "z", .roles = {}}).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(dir_->Count()->users, 1);
}

TEST_F(DirectoryTest, TokensAuthenticateUntilRevokedOrExpired) {
  auto u = dir_->CreateUser({.name = "bank.officer", .roles = {"bank"}}).value();
  auto t = dir_->CreateToken(u.id, "laptop", 1);
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_TRUE(t->secret.starts_with("dt_"));
  EXPECT_EQ(t->secret.size(), 46u);

  // Only the hash is stored.
  auto stored = db_->Query("SELECT secret_sha256 FROM api_tokens WHERE id = $1", {t->info.id});
  ASSERT_EQ(stored->rows.size(), 1u);
  EXPECT_EQ(stored->rows[0].Text(0).size(), 64u);
  EXPECT_EQ(stored->rows[0].Text(0).find(t->secret.substr(3)), std::string::npos);

  auto p = dir_->Authenticate(t->secret);
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(p->user_name, "bank.officer");
  EXPECT_TRUE(p->Has(Role::kBank));

  EXPECT_EQ(dir_->Authenticate("dt_short").error().message(),
            "malformed API token: expected dt_ and 43 characters");
  std::string wrong = t->secret;
  wrong[10] = wrong[10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(dir_->Authenticate(wrong).error().message(), "unknown API token");

  clock_.Advance(std::chrono::hours(25));
  EXPECT_EQ(dir_->Authenticate(t->secret).error().message(), "API token has expired");

  auto t2 = dir_->CreateToken(u.id, "phone").value();
  EXPECT_EQ(dir_->Count()->tokens_active, 1);
  ASSERT_TRUE(dir_->RevokeToken(t2.info.id));
  EXPECT_EQ(dir_->Authenticate(t2.secret).error().message(), "API token has been revoked");
  EXPECT_EQ(dir_->RevokeToken(t2.info.id).error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(dir_->RevokeToken("tok_missing").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(dir_->Count()->tokens_active, 0);
}

// Verified tokens are cached: a revocation here takes effect at once, one
// made through another Directory on the same database (another process)
// once the cache entry is older than the TTL.
TEST_F(DirectoryTest, CachedTokensFollowRevocation) {
  auto u = dir_->CreateUser({.name = "carrier.clerk", .roles = {"carrier"}}).value();
  auto here = dir_->CreateToken(u.id, "here").value();
  auto there = dir_->CreateToken(u.id, "there").value();
  ASSERT_TRUE(dir_->Authenticate(here.secret));
  ASSERT_TRUE(dir_->Authenticate(there.secret));

  ASSERT_TRUE(dir_->RevokeToken(here.info.id));
  EXPECT_EQ(dir_->Authenticate(here.secret).error().message(), "API token has been revoked");

  Directory other_process(*db_, clock_, random_);
  ASSERT_TRUE(other_process.RevokeToken(there.info.id));
  auto cached = dir_->Authenticate(there.secret);
  ASSERT_TRUE(cached) << "the cache answered from the database";
  EXPECT_EQ(cached->token_id, there.info.id);
  EXPECT_TRUE(cached->Has(Role::kCarrier));
  clock_.Advance(std::chrono::seconds(5));
  EXPECT_EQ(dir_->Authenticate(there.secret).error().message(), "API token has been revoked");

  // Without the cache every request reads the database.
  auto third = dir_->CreateToken(u.id, "third").value();
  dir_->set_token_cache_ttl(std::chrono::milliseconds(0));
  ASSERT_TRUE(dir_->Authenticate(third.secret));
  ASSERT_TRUE(other_process.RevokeToken(third.info.id));
  EXPECT_EQ(dir_->Authenticate(third.secret).error().message(), "API token has been revoked");
}

// A cached token still expires on time.
TEST_F(DirectoryTest, CachedTokensExpire) {
  auto u = dir_->CreateUser({.name = "short.lived", .roles = {"bank"}}).value();
  auto t = dir_->CreateToken(u.id, "one day", 1).value();
  ASSERT_TRUE(dir_->Authenticate(t.secret));
  dir_->set_token_cache_ttl(std::chrono::hours(48));
  ASSERT_TRUE(dir_->Authenticate(t.secret));
  clock_.Advance(std::chrono::hours(25));
  EXPECT_EQ(dir_->Authenticate(t.secret).error().message(), "API token has expired");
}

TEST_F(DirectoryTest, BootstrapCreatesTheAdminOnce) {
  auto first = dir_->Bootstrap();
  ASSERT_TRUE(first) << first.error().ToString();
  ASSERT_TRUE(first->has_value());
  auto p = dir_->Authenticate((*first)->secret);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->user_name, "admin");
  EXPECT_TRUE(p->Has(Role::kAdmin));
  auto second = dir_->Bootstrap();
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->has_value());
}

}  // namespace
}  // namespace digitrade::identity
