// E-invoice registration through the API, end to end: a trader registers a
// clean invoice (signed by its organisation's server-held key, logged), fatal
// invoices and duplicates are refused with the report or the existing
// registration, and a bank with no account checks the signed invoice: the
// registration, the signature and the log proof all verify from the answer
// alone, and a single changed byte is detected.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fstream>
#include <sstream>

#include "app/test_env.h"
#include "crypto/base64.h"
#include "crypto/ca.h"
#include "crypto/hash.h"
#include "ledger/checkpoint.h"
#include "ledger/proof_json.h"

namespace digitrade::app {
namespace {

std::string ReadData(const std::string& name) {
  std::ifstream in(testing::SourceDir() / "tests/einvoice/data" / name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class EinvoiceApi : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& dir = *env_.platform().directory;
    org_ = dir.CreateOrganisation({.name = "Tianjin Port Trading",
                                   .identifier_scheme = "uscc",
                                   .identifier = "91350100M000100Y43"})
               ->id;
    auto trader =
        dir.CreateUser({.name = "billing.clerk", .organisation_id = org_, .roles = {"trader"}});
    trader_ = dir.CreateToken(trader->id, "test", std::nullopt)->secret;
    auto outsider = dir.CreateUser({.name = "bank.clerk", .roles = {"bank"}});
    outsider_ = dir.CreateToken(outsider->id, "test", std::nullopt)->secret;
    CertifyKey();
  }

  // An ec-p256 key of the organisation, certified by a CA the platform trusts.
  void CertifyKey() {
    auto created = Call("POST", "/v1/organisations/" + org_ + "/signing-keys", trader_,
                        R"({"type":"ec-p256"})", "application/json");
    ASSERT_EQ(created.status, 201) << created.body;
    const auto key = Json(created);
    crypto::OsRandom random;
    auto ca = crypto::CertificateAuthority::CreateRoot(
                  crypto::PrivateKey::Generate(crypto::KeyType::kEcP256).value(),
                  {.country = "CN", .common_name = "Pilot Zone CA"}, {0, 4'000'000'000}, random)
                  .value();
    auto pub = crypto::PublicKey::FromJwk(key.at("public_jwk").as_object()).value();
    auto cert = ca.Issue(pub, {.country = "CN", .common_name = "Tianjin Port Trading"},
                         {0, 4'000'000'000}, crypto::CertificateProfile::kOrganization, random)
                    .value();
    const boost::json::object list{
        {"content", ca.certificate().ToPem()}, {"name", "cn"}, {"jurisdiction", "CN"}};
    ASSERT_EQ(Call("POST", "/v1/trust-lists", env_.admin_token(), boost::json::serialize(list),
                   "application/json")
                  .status,
              201);
    const boost::json::object put{{"certificate_pem", cert.ToPem()}};
    ASSERT_EQ(Call("PUT", "/v1/signing-keys/" + std::string(key.at("id").as_string()) +
                              "/certificate",
                   trader_, boost::json::serialize(put), "application/json")
                  .status,
              200);
  }

  http::Response Call(const std::string& method, const std::string& target,
                      const std::string& token, const std::string& body = "",
                      const std::string& type = "application/xml") {
    http::Request req;
    req.method = method;
    req.target = target;
    if (!token.empty()) req.headers = {{"authorization", "Bearer " + token}};
    if (method != "GET") {
      req.headers.emplace_back("content-type", type);
      req.body = body;
    }
    return env_.dispatcher().Handle(req);
  }

  static boost::json::object Json(const http::Response& r) {
    return boost::json::parse(r.body).as_object();
  }

  testing::PlatformEnv env_;
  std::string org_, trader_, outsider_;
};

TEST_F(EinvoiceApi, RegistersReadsAndRefuses) {
  auto registered = Call("POST", "/v1/einvoices", trader_, ReadData("clean-invoice.xml"));
  ASSERT_EQ(registered.status, 201) << registered.body;
  const auto reg = Json(registered);
  const std::string id(reg.at("id").as_string());
  EXPECT_EQ(reg.at("report").at("verdict").as_string(), "clean");
  EXPECT_EQ(reg.at("invoice_number").as_string(), "DT-2026-0001");
  EXPECT_EQ(reg.at("seller").as_string(), "vat:DE123456789");
  EXPECT_TRUE(reg.at("log").at("index").is_number());

  auto fatal = Call("POST", "/v1/einvoices", trader_, ReadData("fatal-payable-mismatch.xml"));
  ASSERT_EQ(fatal.status, 422) << fatal.body;
  EXPECT_EQ(fatal.content_type, "application/problem+json");
  EXPECT_EQ(Json(fatal).at("report").at("verdict").as_string(), "fatal");

  auto again = Call("POST", "/v1/einvoices", trader_, ReadData("clean-invoice.xml"));
  ASSERT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(Json(again).at("existing").at("id").as_string(), id);
  EXPECT_NE(Json(again).at("detail").as_string().find(id), std::string::npos);

  auto got = Call("GET", "/v1/einvoices/" + id, trader_);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(Json(got).at("report").at("verdict").as_string(), "clean");
  EXPECT_EQ(Json(got).at("record").as_string(), reg.at("record").as_string());
  auto xml = Call("GET", "/v1/einvoices/" + id + "/xml", trader_);
  ASSERT_EQ(xml.status, 200);
  EXPECT_EQ(xml.content_type, "application/xml");
  EXPECT_EQ(crypto::ToHex(crypto::Sha256(xml.body)), reg.at("signed_sha256").as_string());
  auto list = Call("GET", "/v1/einvoices", trader_);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(Json(list).at("items").as_array().size(), 1u);
  EXPECT_EQ(Call("GET", "/v1/einvoices/" + id, outsider_).status, 403);
  EXPECT_EQ(Call("GET", "/v1/einvoices/" + id + "/xml", outsider_).status, 403);
  EXPECT_EQ(Call("GET", "/v1/einvoices/" + id, env_.admin_token()).status, 200);
}

TEST_F(EinvoiceApi, ABankChecksTheSignedInvoiceAndEveryProof) {
  auto registered = Call("POST", "/v1/einvoices", trader_, ReadData("clean-invoice-cii.xml"));
  ASSERT_EQ(registered.status, 201) << registered.body;
  const std::string id(Json(registered).at("id").as_string());
  const std::string signed_xml = Call("GET", "/v1/einvoices/" + id + "/xml", trader_).body;

  // A bank outside the seller's organisation checks it.
  auto checked = Call("POST", "/v1/einvoices/verify", outsider_, signed_xml);
  ASSERT_EQ(checked.status, 200) << checked.body;
  const auto v = Json(checked);
  EXPECT_TRUE(v.at("registered").as_bool());
  EXPECT_EQ(v.at("signature").at("indication").as_string(), "TOTAL_PASSED") << checked.body;
  EXPECT_EQ(v.at("einvoice").at("id").as_string(), id);
  EXPECT_FALSE(v.at("einvoice").as_object().contains("organisation_id"));

  // Everything re-checked from the answer and the log's verifier key.
  const auto& log = v.at("log").as_object();
  const std::string record(log.at("record").as_string());
  EXPECT_EQ(boost::json::parse(record).at("signed_sha256").as_string(),
            crypto::ToHex(crypto::Sha256(signed_xml)));
  auto verifier = ledger::NoteVerifier::FromVerifierKey(log.at("verifier_key").as_string());
  ASSERT_TRUE(verifier) << verifier.error().ToString();
  EXPECT_EQ(verifier->VerifierKey(), env_.platform().evidence_log->verifier().VerifierKey());
  auto cp = ledger::OpenCheckpoint(log.at("checkpoint").as_string(), log.at("origin").as_string(),
                                   std::span(&*verifier, 1));
  ASSERT_TRUE(cp) << cp.error().ToString();
  auto proof = ledger::InclusionProofDoc::Parse(
      boost::json::serialize(log.at("inclusion_proof")));
  ASSERT_TRUE(proof) << proof.error().ToString();
  const auto leaf = ledger::EncodeLeaf(log.at("kind").as_string(), record).value();
  const ledger::TreeHasher hasher = ledger::TreeHasher::Sha256();
  EXPECT_EQ(proof->leaf_hash, hasher.HashLeaf(ledger::AsBytes(leaf)));
  EXPECT_EQ(proof->tree_size, cp->size);
  EXPECT_TRUE(ledger::VerifyInclusion(hasher, proof->index, proof->tree_size, proof->leaf_hash,
                                      proof->proof, cp->root));

  // By hash only: registered, no signature check.
  auto by_hash = Call("POST", "/v1/einvoices/verify?sha256=" + crypto::ToHex(crypto::Sha256(signed_xml)), outsider_);
  ASSERT_EQ(by_hash.status, 200) << by_hash.body;
  EXPECT_TRUE(Json(by_hash).at("registered").as_bool());
  EXPECT_TRUE(Json(by_hash).at("signature").is_null());

  // One byte changed in the amount: not registered, and the signature fails.
  std::string tampered = signed_xml;
  const auto at = tampered.find("129.71");
  ASSERT_NE(at, std::string::npos);
  tampered[at + 5] = '2';
  auto bad = Call("POST", "/v1/einvoices/verify", outsider_, tampered);
  ASSERT_EQ(bad.status, 200) << bad.body;
  EXPECT_FALSE(Json(bad).at("registered").as_bool());
  EXPECT_TRUE(Json(bad).at("log").is_null());
  EXPECT_EQ(Json(bad).at("signature").at("indication").as_string(), "TOTAL_FAILED") << bad.body;
}

}  // namespace
}  // namespace digitrade::app
