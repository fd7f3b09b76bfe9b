// Transferable records through the API, end to end on the real dispatcher:
// a carrier issues an eBL with its server-held key, the shipper transfers it
// with its own, a bank signs in its own client with a registered JWK; the
// losing one of two actions naming the same state gets 409 with the
// current state; the chain of custody reports every signature and log
// inclusion; strangers see nothing.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "app/test_env.h"
#include "crypto/jws.h"
#include "trade/etr/internal/test_env.h"
#include "trade/etr/proof.h"

namespace digitrade::app {
namespace {

namespace bj = boost::json;

class EtrApi : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& dir = *env_.platform().directory;
    auto org = [&](const char* name, const char* scheme, const char* identifier) {
      auto o = dir.CreateOrganisation(
          {.name = name, .identifier_scheme = scheme, .identifier = identifier, .country = "CN"});
      EXPECT_TRUE(o) << o.error().ToString();
      return o ? o->id : std::string();
    };
    carrier_ = org("Bohai Ocean Lines", "uscc", "91110000802100433B");
    shipper_ = org("Tianjin Export Trading", "uscc", "91350100M000100Y43");
    bank_ = org("Bank of Binhai", "lei", "529900T8BM49AURSDO55");
    carrier_token_ = Token("carrier.clerk", carrier_, "carrier");
    shipper_token_ = Token("shipper.clerk", shipper_, "trader");
    bank_token_ = Token("bank.clerk", bank_, "bank");
    stranger_token_ = Token("stranger", std::nullopt, "trader");
  }

  std::string Token(const std::string& name, std::optional<std::string> org,
                    const std::string& role) {
    auto& dir = *env_.platform().directory;
    auto user = dir.CreateUser({.name = name, .organisation_id = std::move(org), .roles = {role}});
    EXPECT_TRUE(user) << user.error().ToString();
    return user ? dir.CreateToken(user->id, "test", std::nullopt)->secret : std::string();
  }

  http::Response Call(const std::string& method, const std::string& target,
                      const std::string& token, const bj::object& body = {}) {
    http::Request req;
    req.method = method;
    req.target = target;
    req.headers = {{"authorization", "Bearer " + token}};
    if (method != "GET") {
      req.headers.emplace_back("content-type", "application/json");
      req.body = bj::serialize(body);
    }
    return env_.dispatcher().Handle(req);
  }
  static bj::object Json(const http::Response& r) { return bj::parse(r.body).as_object(); }

  std::string VaultKey(const std::string& org, const std::string& token, const std::string& type) {
    auto r = Call("POST", "/v1/organisations/" + org + "/signing-keys", token, {{"type", type}});
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(Json(r).at("id").as_string());
  }

  std::string IssueBill(const std::string& reference = "BOHL9001") {
    EXPECT_EQ(Call("POST", "/v1/etr/parties", env_.admin_token(),
                   {{"organisation_id", carrier_}, {"carrier", true}})
                  .status,
              200);
    const std::string key = VaultKey(carrier_, carrier_token_, "ec-p256");
    auto issued = Call("POST", "/v1/etr/records", carrier_token_,
                       {{"type", "ebl"},
                        {"document", trade::etr::testing::TransportDocument(reference, false)},
                        {"issue_to", shipper_},
                        {"signing_key_id", key}});
    EXPECT_EQ(issued.status, 201) << issued.body;
    return issued.status == 201 ? std::string(Json(issued).at("id").as_string()) : "";
  }

  // A verifier outside the server: the proof as served, the parties' public
  // keys, the log's verifier key, and the log's public tiles, nothing else.
  void VerifyOutside(const std::string& proof_json, const std::string& token) {
    auto proof = trade::etr::ParseControlProofJson(proof_json);
    ASSERT_TRUE(proof) << proof.error().ToString();
    const auto served = Json(http::Response{200, "", proof_json, {}});
    auto log_key = ledger::NoteVerifier::FromVerifierKey(served.at("log_verifier_key").as_string());
    ASSERT_TRUE(log_key);
    struct TileFetcher final : ledger::LogFetcher {
      EtrApi* t;
      explicit TileFetcher(EtrApi* test) : t(test) {}
      Result<std::string> Fetch(std::string_view path) override {
        http::Request req;
        req.method = "GET";
        req.target = "/log/evidence/" + std::string(path);
        auto r = t->env_.dispatcher().Handle(req);
        if (r.status != 200) return NotFound(r.body);
        return r.body;
      }
    } fetcher(this);
    const auto schemas = trade::etr::SchemaSet::Dcsa(trade::etr::kDcsaPint).value();
    trade::etr::ProofVerifier v;
    v.log_key = &*log_key;
    v.origin = std::string(served.at("log_origin").as_string());
    v.pint = &schemas;
    v.keys = [&](const std::string& party) -> Result<std::vector<crypto::PublicKey>> {
      const auto keys = Json(Call("GET", "/v1/etr/parties/" + party + "/keys", token));
      std::vector<crypto::PublicKey> out;
      for (const auto& k : keys.at("items").as_array()) {
        out.push_back(crypto::PublicKey::FromJwk(k.at("public_jwk").as_object()).value());
      }
      return out;
    };
    v.entry = trade::etr::EntriesFromTiles(fetcher, proof->checkpoint_size);
    auto report = trade::etr::VerifyControlProof(*proof, v);
    ASSERT_TRUE(report) << report.error().ToString();
    EXPECT_EQ(report->holder_id, proof->record.state.holder_id);
    EXPECT_GE(report->entries_scanned, 1u);
  }

  testing::PlatformEnv env_;
  std::string carrier_, shipper_, bank_;
  std::string carrier_token_, shipper_token_, bank_token_, stranger_token_;
};

TEST_F(EtrApi, IssueTransferRaceAndCustody) {
  const std::string id = IssueBill();
  ASSERT_FALSE(id.empty());
  // The shipper sees it; a stranger and an uninvolved bank do not.
  auto mine = Call("GET", "/v1/etr/records", shipper_token_);
  ASSERT_EQ(mine.status, 200);
  ASSERT_EQ(Json(mine).at("items").as_array().size(), 1u);
  EXPECT_EQ(Call("GET", "/v1/etr/records/" + id, bank_token_).status, 404);
  EXPECT_EQ(Call("GET", "/v1/etr/records/" + id, stranger_token_).status, 404);

  // The shipper transfers to the bank with its server-held key.
  const std::string shipper_key = VaultKey(shipper_, shipper_token_, "ed25519");
  auto t =
      Call("POST", "/v1/etr/records/" + id + "/actions", shipper_token_,
           {{"action_code", "TRANSFER"}, {"recipient", bank_}, {"signing_key_id", shipper_key}});
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(Json(t).at("holder").as_string(), bank_);
  // No longer the holder.
  auto again =
      Call("POST", "/v1/etr/records/" + id + "/actions", shipper_token_,
           {{"action_code", "TRANSFER"}, {"recipient", bank_}, {"signing_key_id", shipper_key}});
  EXPECT_EQ(again.status, 403) << again.body;

  // The bank signs in its own client with a key it registered.
  auto bank_key = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256).value();
  ASSERT_EQ(Call("POST", "/v1/etr/parties/" + bank_ + "/keys", bank_token_,
                 {{"public_jwk", bank_key.public_key().ToJwk()}})
                .status,
            201);
  std::vector<std::string> signed_actions;
  for (const std::string& to : {shipper_, carrier_}) {
    auto p = Call("POST", "/v1/etr/records/" + id + "/prepare", bank_token_,
                  {{"action_code", "TRANSFER"}, {"recipient", to}});
    ASSERT_EQ(p.status, 200) << p.body;
    signed_actions.push_back(trade::etr::testing::EtrEnv::SignWith(
        bank_key, crypto::SignatureAlgorithm::kEcdsaP256Sha256,
        std::string(Json(p).at("payload").as_string())));
  }
  auto first = Call("POST", "/v1/etr/records/" + id + "/actions", bank_token_,
                    {{"signed_action", signed_actions[0]}});
  ASSERT_EQ(first.status, 200) << first.body;
  auto lost = Call("POST", "/v1/etr/records/" + id + "/actions", bank_token_,
                   {{"signed_action", signed_actions[1]}});
  ASSERT_EQ(lost.status, 409) << lost.body;
  EXPECT_EQ(lost.content_type, "application/problem+json");
  const auto current = Json(lost).at("current").as_object();
  EXPECT_EQ(current.at("sequence").as_int64(), 2);
  EXPECT_EQ(current.at("holder").as_string(), shipper_);

  // The chain of custody: three steps, each signature valid and logged.
  auto h = Call("GET", "/v1/etr/records/" + id + "/history", shipper_token_);
  ASSERT_EQ(h.status, 200) << h.body;
  const auto items = Json(h).at("items").as_array();
  ASSERT_EQ(items.size(), 3u);
  for (const auto& step : items) {
    EXPECT_EQ(step.at("signature_status").as_string(), "valid") << bj::serialize(step);
    EXPECT_TRUE(step.at("log_status").as_string().starts_with("included")) << bj::serialize(step);
  }
  // Another record's entry after the last link: the outside verifier reads it
  // from the log's tiles and finds nothing later for this record.
  ASSERT_FALSE(IssueBill("BOHL9003").empty());
  auto proof = Call("GET", "/v1/etr/records/" + id + "/proof", bank_token_);
  ASSERT_EQ(proof.status, 200) << proof.body;
  EXPECT_EQ(Json(proof).at("server_verdict").as_string(), "verified");
  EXPECT_EQ(Json(proof).at("chain").as_array().size(), 3u);
  VerifyOutside(proof.body, bank_token_);
}

TEST_F(EtrApi, DoubleIssuanceAndBadSignatures) {
  const std::string id = IssueBill();
  ASSERT_FALSE(id.empty());
  const std::string key = VaultKey(carrier_, carrier_token_, "ec-p256");
  auto twice = Call("POST", "/v1/etr/records", carrier_token_,
                    {{"type", "ebl"},
                     {"document", trade::etr::testing::TransportDocument("BOHL9001", true)},
                     {"issue_to", bank_},
                     {"signing_key_id", key}});
  EXPECT_EQ(twice.status, 409) << twice.body;
  // Signatures made by the client with a key nobody registered.
  auto prepared = Call("POST", "/v1/etr/issuance/prepare", carrier_token_,
                       {{"type", "ebl"},
                        {"document", trade::etr::testing::TransportDocument("BOHL9002", false)},
                        {"issue_to", shipper_}});
  ASSERT_EQ(prepared.status, 200) << prepared.body;
  auto rogue = crypto::PrivateKey::Generate(crypto::KeyType::kEd25519).value();
  auto sign = [&](std::string_view member) {
    return trade::etr::testing::EtrEnv::SignWith(
        rogue, crypto::SignatureAlgorithm::kEd25519,
        std::string(Json(prepared).at(member).as_string()));
  };
  auto forged = Call("POST", "/v1/etr/records", carrier_token_,
                     {{"type", "ebl"},
                      {"document", trade::etr::testing::TransportDocument("BOHL9002", false)},
                      {"issue_to", shipper_},
                      {"issuance_manifest_signed_content", sign("manifest_payload")},
                      {"issue_action_signed_content", sign("action_payload")}});
  EXPECT_EQ(forged.status, 403) << forged.body;
  EXPECT_EQ(
      Call("GET", "/v1/etr/records/" + std::string(Json(prepared).at("record_id").as_string()),
           env_.admin_token())
          .status,
      404);
}

}  // namespace
}  // namespace digitrade::app
