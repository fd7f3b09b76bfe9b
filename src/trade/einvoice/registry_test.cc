// The e-invoice registry on both storage engines: a clean invoice is stored,
// signed and logged (and everything the log acknowledgement promises checks
// out from the outside); fatal invoices, duplicates and keys that cannot sign
// XML are refused with the specific outcome or error.
#include "trade/einvoice/registry.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/base64.h"
#include "crypto/ca.h"
#include "crypto/hash.h"
#include "crypto/jcs.h"
#include "crypto/signature_validator.h"
#include "ledger/checkpoint.h"
#include "ledger/internal/test_env.h"

namespace digitrade::trade::einvoice {
namespace {

using ledger::testing::Engine;
using storage::testing::HasCode;

std::string SourceDir() {
  const char* s = std::getenv("DIGITRADE_SOURCE_DIR");
  return s != nullptr ? s : DIGITRADE_SOURCE_DIR_DEFAULT;
}

std::string ReadData(const std::string& name) {
  std::ifstream in(SourceDir() + "/tests/einvoice/data/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class RegistryTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    std::string why;
    if (!env_.Setup(&why)) GTEST_SKIP() << why;
    auto db = env_.Open();
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(storage::ApplyMigrations(*db_, signing::KeyVault::Migrations()));
    ASSERT_TRUE(storage::ApplyMigrations(*db_, Registry::Migrations()));
    vault_ = signing::KeyVault::Create(*db_, clock_, random_, random_.Bytes(32).value()).value();
    log_ = ledger::Log::Open(*db_, clock_, ledger::testing::TestSigner()).value();
    registry_ = std::make_unique<Registry>(*db_, clock_, random_, service_, vault_.get(), log_.get());
    ca_.emplace(crypto::CertificateAuthority::CreateRoot(
                    crypto::PrivateKey::Generate(crypto::KeyType::kEcP256).value(),
                    {.country = "CN", .common_name = "Pilot Zone CA"}, {0, 4'000'000'000}, random_)
                    .value());
  }

  // A key of `org` with a certificate from the test CA.
  std::string CertifiedKey(const std::string& org, crypto::KeyType type) {
    auto info = vault_->CreateKey(org, type).value();
    auto pub = crypto::PublicKey::FromJwk(info.public_jwk).value();
    auto cert = ca_->Issue(pub, {.country = "CN", .common_name = org}, {0, 4'000'000'000},
                           crypto::CertificateProfile::kOrganization, random_);
    EXPECT_TRUE(cert) << cert.error().ToString();
    EXPECT_TRUE(vault_->SetCertificate(info.id, cert->ToPem()));
    return info.id;
  }

  Result<RegisterOutcome> Register(const std::string& xml, const std::string& org = "org_1",
                                   const std::string& key = "") {
    return registry_->Register({.organisation_id = org, .xml = xml, .key_id = key});
  }

  std::int64_t Count() {
    return db_->Query("SELECT COUNT(*) AS n FROM einvoices").value().rows[0].Int("n");
  }

  ledger::testing::TestDatabase env_{GetParam()};
  std::unique_ptr<storage::Database> db_;
  FakeClock clock_;
  crypto::OsRandom random_;
  ValidationService service_;
  std::unique_ptr<signing::KeyVault> vault_;
  std::unique_ptr<ledger::Log> log_;
  std::unique_ptr<Registry> registry_;
  std::optional<crypto::CertificateAuthority> ca_;
};

TEST_P(RegistryTest, RegistersSignsAndLogsACleanInvoice) {
  const std::string key = CertifiedKey("org_1", crypto::KeyType::kEcP256);
  const std::string xml = ReadData("clean-invoice.xml");
  auto out = Register(xml);
  ASSERT_TRUE(out) << out.error().ToString();
  ASSERT_EQ(out->status, RegisterStatus::kRegistered);
  const Registration& r = *out->registration;
  EXPECT_TRUE(r.id.starts_with("einv_"));
  EXPECT_EQ(r.key_id, key);
  EXPECT_EQ(r.facts.invoice_number, "DT-2026-0001");
  EXPECT_EQ(r.facts.issue_date, "2026-11-28");
  EXPECT_EQ(r.facts.seller, "vat:DE123456789");
  EXPECT_EQ(r.facts.buyer, "name:Rotterdam Imports BV");
  EXPECT_EQ(r.facts.total, "119.00");
  EXPECT_EQ(r.facts.currency, "EUR");
  EXPECT_EQ(r.original_sha256, crypto::ToHex(crypto::Sha256(xml)));

  // The stored signed document is the one the record names, and its
  // signature verifies against the CA.
  const std::string signed_xml = registry_->SignedXml(r.id).value();
  EXPECT_NE(signed_xml.find("ds:Signature"), std::string::npos);
  EXPECT_EQ(crypto::ToHex(crypto::Sha256(signed_xml)), r.signed_sha256);
  crypto::TrustStore store;
  store.Add(crypto::TrustList::FromPem("test", "CN", ca_->certificate().ToPem()).value());
  const auto report =
      crypto::SignatureValidator(store).ValidateXml(signed_xml, {.validation_time = 1'800'000'000});
  EXPECT_TRUE(report.passed()) << report.ToJson().at("subIndication");

  // The record is canonical JSON holding what the issue asks for.
  const auto record = boost::json::parse(r.record).as_object();
  EXPECT_EQ(record.at("signed_sha256").as_string(), r.signed_sha256);
  EXPECT_EQ(record.at("invoice_number").as_string(), "DT-2026-0001");
  EXPECT_EQ(record.at("verdict").as_string(), "clean");
  EXPECT_EQ(record.at("rule_sets").as_array().at(0).as_string(), "CEN-UBL-1.3.16");
  EXPECT_EQ(crypto::CanonicalizeJson(r.record).value(), r.record);

  // The log acknowledgement checks out from the outside.
  ASSERT_TRUE(r.log);
  auto entry = log_->GetEntry(r.log->index).value();
  EXPECT_EQ(entry.kind, kRegisteredKind);
  EXPECT_EQ(entry.data, r.record);
  const auto leaf = ledger::EncodeLeaf(entry.kind, entry.data).value();
  const auto leaf_hash = log_->hasher().HashLeaf(ledger::AsBytes(leaf));
  EXPECT_EQ(crypto::Base64Encode(leaf_hash), r.log->leaf_hash);
  const auto verifier = log_->verifier();
  auto cp = ledger::OpenCheckpoint(r.log->checkpoint, log_->origin(), std::span(&verifier, 1));
  ASSERT_TRUE(cp) << cp.error().ToString();
  auto proof = log_->InclusionProof(r.log->index, cp->size).value();
  EXPECT_TRUE(
      ledger::VerifyInclusion(log_->hasher(), r.log->index, cp->size, leaf_hash, proof, cp->root));

  // Read back.
  auto got = registry_->Get(r.id);
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(got->record, r.record);
  EXPECT_EQ(got->log->index, r.log->index);
  EXPECT_EQ(registry_->FindBySignedSha256(r.signed_sha256)->id, r.id);
  EXPECT_NE(registry_->ReportJsonText(r.id)->find("\"verdict\":\"clean\""), std::string::npos);
  EXPECT_TRUE(HasCode(registry_->Get("einv_nope"), ErrorCode::kNotFound));
  EXPECT_TRUE(HasCode(registry_->FindBySignedSha256(r.original_sha256), ErrorCode::kNotFound));
}

TEST_P(RegistryTest, ReadsCiiInvoices) {
  CertifiedKey("org_1", crypto::KeyType::kEcP384);
  auto out = Register(ReadData("clean-invoice-cii.xml"));
  ASSERT_TRUE(out) << out.error().ToString();
  ASSERT_EQ(out->status, RegisterStatus::kRegistered) << VerdictName(out->report.verdict());
  const auto& f = out->registration->facts;
  EXPECT_EQ(f.invoice_number, "DT-2026-0003");
  EXPECT_EQ(f.issue_date, "2026-11-28");
  EXPECT_EQ(f.seller, "vat:DE123456789");
  EXPECT_EQ(f.total, "129.71");
  EXPECT_EQ(f.currency, "EUR");
}

TEST_P(RegistryTest, RefusesFatalInvoicesAndStoresNothing) {
  CertifiedKey("org_1", crypto::KeyType::kEcP256);
  auto out = Register(ReadData("fatal-payable-mismatch.xml"));
  ASSERT_TRUE(out) << out.error().ToString();
  EXPECT_EQ(out->status, RegisterStatus::kRejected);
  EXPECT_EQ(out->report.verdict(), Verdict::kFatal);
  EXPECT_FALSE(out->registration);
  EXPECT_EQ(Count(), 0);
  EXPECT_EQ(log_->Size().value(), 0u);
  // The reference crashes on this one: not registrable either.
  auto crash = Register(ReadData("crash-decimal-comma.xml"));
  ASSERT_TRUE(crash) << crash.error().ToString();
  EXPECT_EQ(crash->status, RegisterStatus::kRejected);
  // Unreadable documents are errors of their own.
  EXPECT_TRUE(HasCode(Register("not xml"), ErrorCode::kInvalidArgument));
}

TEST_P(RegistryTest, RefusesDuplicatesNamingTheExistingOne) {
  CertifiedKey("org_1", crypto::KeyType::kEcP256);
  const std::string xml = ReadData("clean-invoice.xml");
  auto first = Register(xml).value();
  ASSERT_EQ(first.status, RegisterStatus::kRegistered);
  auto same_bytes = Register(xml).value();
  EXPECT_EQ(same_bytes.status, RegisterStatus::kDuplicate);
  EXPECT_EQ(same_bytes.registration->id, first.registration->id);
  EXPECT_NE(same_bytes.duplicate_reason.find("same document"), std::string::npos);
  // Other bytes, same seller and invoice number: still a duplicate.
  auto reformatted = Register(xml + "\n<!-- copy -->\n").value();
  EXPECT_EQ(reformatted.status, RegisterStatus::kDuplicate);
  EXPECT_NE(reformatted.duplicate_reason.find("invoice number"), std::string::npos);
  EXPECT_EQ(Count(), 1);
  EXPECT_EQ(log_->Size().value(), 1u);
}

TEST_P(RegistryTest, NeedsAKeyThatCanSignXml) {
  const std::string xml = ReadData("clean-invoice.xml");
  EXPECT_TRUE(HasCode(Register(xml), ErrorCode::kFailedPrecondition, "no signing key"));
  const std::string sm2 = CertifiedKey("org_1", crypto::KeyType::kSm2);
  EXPECT_TRUE(HasCode(Register(xml), ErrorCode::kFailedPrecondition, "ECDSA"));
  EXPECT_TRUE(HasCode(Register(xml, "org_1", sm2), ErrorCode::kFailedPrecondition, "sm2"));
  const auto bare = vault_->CreateKey("org_1", crypto::KeyType::kEcP256).value();
  EXPECT_TRUE(HasCode(Register(xml, "org_1", bare.id), ErrorCode::kFailedPrecondition,
                      "no certificate"));
  const std::string other = CertifiedKey("org_2", crypto::KeyType::kEcP256);
  EXPECT_TRUE(HasCode(Register(xml, "org_1", other), ErrorCode::kPermissionDenied));
  EXPECT_TRUE(HasCode(Register(xml, "org_1", "sk_00000000000000000000"), ErrorCode::kNotFound));
  EXPECT_TRUE(HasCode(Register(xml, ""), ErrorCode::kFailedPrecondition));
  EXPECT_EQ(Count(), 0);
  // RSA keys work.
  const std::string rsa = CertifiedKey("org_1", crypto::KeyType::kRsa);
  auto out = Register(xml, "org_1", rsa);
  ASSERT_TRUE(out) << out.error().ToString();
  EXPECT_EQ(out->status, RegisterStatus::kRegistered);
}

TEST_P(RegistryTest, ListsOwnInvoicesNewestFirstInPages) {
  CertifiedKey("org_1", crypto::KeyType::kEcP256);
  CertifiedKey("org_2", crypto::KeyType::kEcP256);
  const std::string xml = ReadData("clean-invoice.xml");
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    std::string copy = xml;
    copy.replace(copy.find("DT-2026-0001"), 12, "DT-2026-010" + std::to_string(i));
    auto out = Register(copy).value();
    ASSERT_EQ(out.status, RegisterStatus::kRegistered);
    ids.push_back(out.registration->id);
    clock_.Advance(std::chrono::seconds(i % 2));  // some share a second
  }
  std::string other = xml;
  other.replace(other.find("DT-2026-0001"), 12, "DT-2026-0999");
  ASSERT_EQ(Register(other, "org_2").value().status, RegisterStatus::kRegistered);

  std::vector<std::string> seen;
  std::string cursor;
  do {
    auto page = registry_->List("org_1", 2, cursor);
    ASSERT_TRUE(page) << page.error().ToString();
    EXPECT_LE(page->items.size(), 2u);
    for (const auto& r : page->items) seen.push_back(r.id);
    cursor = page->next_cursor;
  } while (!cursor.empty());
  ASSERT_EQ(seen.size(), 5u);
  std::vector<std::string> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::string> seen_sorted = seen;
  std::sort(seen_sorted.begin(), seen_sorted.end());
  EXPECT_EQ(seen_sorted, sorted);
  std::int64_t previous = INT64_MAX;
  for (const auto& id : seen) {
    const std::int64_t at = registry_->Get(id)->created_at;
    EXPECT_LE(at, previous) << "not newest first";
    previous = at;
  }
  EXPECT_EQ(registry_->Get(seen.back())->created_at, UnixSeconds(FakeClock().Now()));
  EXPECT_TRUE(HasCode(registry_->List("org_1", 2, "garbage"), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(registry_->List("org_3", 10, "").value().items.empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, RegistryTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         ledger::testing::EngineName);

}  // namespace
}  // namespace digitrade::trade::einvoice
