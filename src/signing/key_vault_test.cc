#include "signing/key_vault.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "crypto/ca.h"
#include "crypto/jws.h"
#include "crypto/signature_validator.h"
#include "storage/sqlite/sqlite_database.h"

namespace digitrade::signing {
namespace {

class KeyVaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("signing_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    std::filesystem::remove(path_);
    db_ = storage::SqliteDatabase::Open(path_.string()).value();
    ASSERT_TRUE(storage::ApplyMigrations(*db_, KeyVault::Migrations()));
    kek_ = random_.Bytes(32).value();
    vault_ = KeyVault::Create(*db_, clock_, random_, kek_).value();
  }
  void TearDown() override {
    vault_.reset();
    db_.reset();
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }

  std::filesystem::path path_;
  FakeClock clock_;  // 2026-01-01
  crypto::OsRandom random_;
  std::unique_ptr<storage::Database> db_;
  std::vector<std::uint8_t> kek_;
  std::unique_ptr<KeyVault> vault_;
};

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST_F(KeyVaultTest, KeysAreSealedAndSignForTheirOrganisation) {
  auto info = vault_->CreateKey("org_1", crypto::KeyType::kSm2);
  ASSERT_TRUE(info) << info.error().ToString();
  EXPECT_TRUE(info->id.starts_with("sk_"));
  EXPECT_FALSE(info->public_jwk.contains("d"));
  // The private key is not stored in the clear.
  auto rs = db_->Query("SELECT sealed_private_key FROM signing_keys").value();
  const auto sealed = rs.rows[0].Text(0);
  EXPECT_EQ(sealed.find("PRIVATE"), std::string::npos);

  auto jws = vault_->Sign(info->id, SignatureFormat::kJws, Bytes("hello"), false);
  ASSERT_TRUE(jws) << jws.error().ToString();
  auto pub = crypto::PublicKey::FromJwk(info->public_jwk).value();
  auto v = crypto::VerifyJws(
      std::string_view(reinterpret_cast<const char*>(jws->data()), jws->size()), pub);
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(v->alg, crypto::SignatureAlgorithm::kSm2Sm3);
  EXPECT_EQ(v->protected_header.at("kid").as_string(), info->thumbprint);

  // CMS needs a certificate.
  auto cms = vault_->Sign(info->id, SignatureFormat::kCms, Bytes("hello"), false);
  ASSERT_FALSE(cms);
  EXPECT_EQ(cms.error().code(), ErrorCode::kFailedPrecondition);
  ASSERT_EQ(vault_->ListKeys("org_1").value().size(), 1u);
  EXPECT_TRUE(vault_->ListKeys("org_2").value().empty());
  EXPECT_EQ(vault_->GetKey("sk_nope").error().code(), ErrorCode::kNotFound);
}

TEST_F(KeyVaultTest, CertificatesGoIntoSignatures) {
  auto info = vault_->CreateKey("org_1", crypto::KeyType::kEcP256).value();
  auto ca = crypto::CertificateAuthority::CreateRoot(
                crypto::PrivateKey::Generate(crypto::KeyType::kEcP256).value(),
                {.country = "CN", .common_name = "Root"}, {0, 4'000'000'000}, random_)
                .value();
  auto pub = crypto::PublicKey::FromJwk(info.public_jwk).value();
  auto cert = ca.Issue(pub, {.common_name = "Org 1"}, {0, 4'000'000'000},
                       crypto::CertificateProfile::kOrganization, random_)
                  .value();
  // Someone else's certificate is refused.
  EXPECT_EQ(vault_->SetCertificate(info.id, ca.certificate().ToPem()).error().code(),
            ErrorCode::kInvalidArgument);
  ASSERT_TRUE(vault_->SetCertificate(info.id, cert.ToPem()));
  crypto::TrustStore store;
  crypto::TrustList list("test", "CN");
  list.Add(ca.certificate());
  store.Add(std::move(list));
  const crypto::SignatureValidator validator(store);
  for (auto format : {SignatureFormat::kJws, SignatureFormat::kCms, SignatureFormat::kXml}) {
    const std::string content = format == SignatureFormat::kXml ? "<doc>1</doc>" : "payload";
    auto sig = vault_->Sign(info.id, format, Bytes(content), format == SignatureFormat::kCms);
    ASSERT_TRUE(sig) << sig.error().ToString();
    auto report = validator.Validate(
        *sig, {.validation_time = 1'767'225'600, .detached_content = Bytes(content)});
    EXPECT_TRUE(report.passed()) << report.messages.front();
  }
}

TEST_F(KeyVaultTest, AnotherKekCannotOpenKeys) {
  auto info = vault_->CreateKey("org_1", crypto::KeyType::kEd25519).value();
  auto other = KeyVault::Create(*db_, clock_, random_, random_.Bytes(32).value()).value();
  auto r = other->Sign(info.id, SignatureFormat::kJws, Bytes("x"), false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kDataLoss);
  EXPECT_FALSE(KeyVault::Create(*db_, clock_, random_, std::vector<std::uint8_t>(16)));
}

}  // namespace
}  // namespace digitrade::signing
