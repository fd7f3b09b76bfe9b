#include "trust/registry.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "crypto/base64.h"
#include "crypto/ca.h"
#include "crypto/xmldsig.h"
#include "storage/internal/test_util.h"
#include "storage/sqlite/sqlite_database.h"

namespace digitrade::trust {
namespace {

class TrustRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.ok());
    db_ = storage::SqliteDatabase::Open((tmp_.path() / "test.db").string()).value();
    ASSERT_TRUE(storage::ApplyMigrations(*db_, TrustRegistry::Migrations()));
    auto ca = crypto::CertificateAuthority::CreateRoot(
        crypto::PrivateKey::Generate(crypto::KeyType::kSm2).value(),
        {.country = "CN", .common_name = "Root"}, {0, 4'000'000'000}, random_);
    pem_ = ca.value().certificate().ToPem();
  }
  void TearDown() override {
    db_.reset();
  }

  storage::testing::TempDir tmp_;  // outlives db_
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

TEST_F(TrustRegistryTest, SignedEtsiListsAreCheckedAgainstTheSchemeOperator) {
  const auto root = crypto::Certificate::FromPem(pem_).value();
  const std::string xml =
      R"(<TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#" Id="tsl">)"
      R"(<SchemeInformation><TSLSequenceNumber>7</TSLSequenceNumber>)"
      R"(<SchemeTerritory>SG</SchemeTerritory></SchemeInformation><TrustServiceProviderList>)"
      R"(<TrustServiceProvider><TSPServices><TSPService><ServiceInformation>)"
      R"(<ServiceName><Name xml:lang="en">CA</Name></ServiceName><ServiceDigitalIdentity>)"
      R"(<DigitalId><X509Certificate>)" +
      crypto::Base64Encode(root.ToDer()) +
      R"(</X509Certificate></DigitalId></ServiceDigitalIdentity><ServiceStatus>)"
      R"(http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted</ServiceStatus>)"
      R"(</ServiceInformation></TSPService></TSPServices></TrustServiceProvider>)"
      R"(</TrustServiceProviderList></TrustServiceStatusList>)";
  auto op_key = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256).value();
  auto op = crypto::CertificateAuthority::CreateRoot(op_key, {.common_name = "SG operator"},
                                                     {0, 4'000'000'000}, random_)
                .value();
  const auto signed_xml = crypto::SignXmlEnveloped(xml, op_key, op.certificate()).value();
  TrustRegistry registry(*db_, clock_);
  const crypto::Certificate operators[] = {op.certificate()};
  auto ok = registry.Import(signed_xml, "", "", operators);
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->jurisdiction(), "SG");
  const crypto::Certificate wrong[] = {root};
  auto bad = registry.Import(signed_xml, "", "", wrong);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(registry.Import(xml, "", "", operators).error().code(), ErrorCode::kInvalidArgument);
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
