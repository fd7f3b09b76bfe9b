// The DCSA eBL Issuance API's provider side (issuance.h) on the etr engine:
// the carrier's request (the repo's filled DCSA example) issues a record the
// holder sees and that proves control; its verdict reaches the carrier's
// callback, with retries; BREQ and REFU; bad input and a second request for
// the same reference change nothing. And the DCSA ErrorResponse body
// (error_response.h) against the published schemas. SQLite and PostgreSQL.
#include "trade/etr/pint/issuance.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/json.h"
#include "crypto/base64.h"
#include "storage/internal/test_util.h"
#include "trade/etr/internal/test_env.h"
#include "trade/etr/pint/error_response.h"
#include "trade/etr/pint/service.h"
#include "trade/etr/pint/test_util.h"
#include "trade/etr/proof.h"

namespace digitrade::trade::etr::pint {
namespace {

using storage::testing::HasCode;
using trade::etr::testing::Engine;
using trade::etr::testing::EtrEnv;
using K = crypto::KeyType;
using A = crypto::SignatureAlgorithm;

// The carrier's system: records our callbacks, answers 204 or fails.
class CarrierSystem final : public PeerTransport {
 public:
  struct Call {
    std::string method, url, token, body;
  };
  Result<TransportResponse> Send(const std::string& method, const std::string& base_url,
                                 const std::string& path, const std::optional<std::string>& token,
                                 const std::string& body) override {
    calls.push_back({method, base_url + path, token.value_or(""), body});
    if (fail_next > 0) {
      --fail_next;
      return Unavailable("connect to carrier.invalid: connection refused");
    }
    return TransportResponse{.status = 204};
  }
  std::vector<Call> calls;
  int fail_next = 0;
};

boost::json::object IssueTo(const std::string& platform, const std::string& provider,
                            const std::string& code, const std::string& name) {
  return {{"partyName", name},
          {"sendToPlatform", platform},
          {"identifyingCodes", boost::json::array{boost::json::object{
                                   {"codeListProvider", provider}, {"partyCode", code}}}}};
}

class IssuanceTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    std::string why;
    if (!env_.Setup(&why)) GTEST_SKIP() << why;
    auto s = PintService::Create(
        env_.db(), env_.clock(), random_, env_.log(), carrier_system_,
        {.platform_code = "DGTR", .private_key_pem = testing::Keys().a.ToPem()}, &env_.registry());
    ASSERT_TRUE(s) << s.error().ToString();
    pint_ = std::move(*s);
    issuance_ = pint_->issuance();
    ASSERT_NE(issuance_, nullptr);
    env_.AddParty("org_carrier", "Maersk Line", K::kEcP256, A::kEcdsaP256Sha256, true);
    env_.AddParty("org_other", "Other Line", K::kEcP256, A::kEcdsaP256Sha256, true);
    env_.AddParty("org_shipper", "Tianjin Export Trading", K::kEd25519, A::kEd25519);
    ASSERT_TRUE(pint_->peers().PutCarrier(
        {.code = "MMCU",
         .public_key_pem = env_.party("org_carrier").key.public_key().ToPem(),
         .organisation_id = "org_carrier",
         .callback_url = "http://carrier.invalid",
         .callback_token = "callback-secret"}));
  }

  // The repo's filled DCSA example request for `reference`, to the shipper.
  boost::json::object Body(const std::string& reference) {
    auto body = trade::etr::testing::Fixture("issuance-request.json").as_object();
    body["document"].as_object()["transportDocumentReference"] = reference;
    body["issueTo"] = IssueTo("DGTR", "DGTR", "org_shipper", "Tianjin Export Trading");
    return body;
  }
  // Signs the manifest over the body's document and issueTo (and
  // visualisation) with `key`.
  std::string Signed(boost::json::object body, const crypto::PrivateKey& key) {
    boost::json::object m{{"documentChecksum", CanonicalChecksum(body["document"]).value()},
                          {"issueToChecksum", CanonicalChecksum(body["issueTo"]).value()}};
    if (const auto* v = body.if_contains("eBLVisualisationByCarrier")) {
      auto bytes = crypto::Base64Decode(v->at("content").as_string()).value();
      m["eBLVisualisationByCarrierChecksum"] =
          Sha256Hex({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
    }
    body["issuanceManifestSignedContent"] = SignJson(key, A::kEcdsaP256Sha256, m).value();
    return json::Serialize(body);
  }
  std::string Signed(boost::json::object body) {
    return Signed(std::move(body), env_.party("org_carrier").key);
  }

  // Nothing kept for `reference`: no request, no record.
  void ExpectNothingFor(const std::string& reference) {
    EXPECT_TRUE(HasCode(issuance_->Get(reference), ErrorCode::kNotFound));
    EXPECT_FALSE(env_.registry().FindRecord(reference).value());
  }

  EtrEnv env_{GetParam(), {.platform_code = "DGTR"}, PintMigrations()};
  crypto::OsRandom random_;
  CarrierSystem carrier_system_;
  std::unique_ptr<PintService> pint_;
  DcsaIssuance* issuance_ = nullptr;
};

TEST_P(IssuanceTest, IssuesToALocalPartyAndCallsTheCarrierBack) {
  auto body = Body("DCSAISS0001");
  body["eBLVisualisationByCarrier"] = {
      {"name", "bl.pdf"}, {"content", crypto::Base64Encode(std::string("%PDF-1.7 bl"))}};
  auto status = issuance_->Submit(Signed(body), "org_carrier");
  ASSERT_TRUE(status) << status.error().ToString();
  EXPECT_EQ(status->response_code, "ISSU");
  EXPECT_EQ(status->delivery, "pending");
  EXPECT_TRUE(carrier_system_.calls.empty());  // the request never waits for the callback

  // The holder sees the record; the carrier's organisation issued it.
  auto held = env_.registry().ListRecords("org_shipper", 10, "").value();
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].id, status->record_id);
  EXPECT_EQ(held[0].reference, "DCSAISS0001");
  EXPECT_EQ(held[0].state.holder_id, "org_shipper");
  EXPECT_EQ(held[0].state.issuer_id, "org_carrier");
  // Its PINT chain: one entry, the ISSUE, signed with our platform key, with
  // the carrier's manifest; the visualisation travels with it.
  auto exported = pint_->registry().Export("DCSAISS0001").value();
  ASSERT_EQ(exported.chain.size(), 1u);
  EXPECT_TRUE(crypto::VerifyJws(exported.chain[0], testing::Keys().a.public_key(), {}));
  ASSERT_EQ(exported.documents.size(), 1u);
  EXPECT_EQ(exported.documents[0].role, DocumentRole::kVisualisation);
  // Its proof of control verifies with public material only.
  auto proof = env_.registry().ProveControl(status->record_id);
  ASSERT_TRUE(proof) << proof.error().ToString();
  const ledger::NoteVerifier log_key = env_.log().verifier();
  const ProofVerifier verifier = LocalVerifier(env_.registry(), env_.log(), log_key);
  auto report = VerifyControlProof(*proof, verifier);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->holder_id, "org_shipper");

  // The callback: the IssuanceResponse, with our token, conforming.
  ASSERT_EQ(issuance_->DeliverDue().value(), 1);
  ASSERT_EQ(carrier_system_.calls.size(), 1u);
  const auto& call = carrier_system_.calls[0];
  EXPECT_EQ(call.method, "POST");
  EXPECT_EQ(call.url, "http://carrier.invalid/v3/ebl-issuance-responses");
  EXPECT_EQ(call.token, "callback-secret");
  const auto response = json::ParseObject(call.body).value();
  EXPECT_EQ(response.at("issuanceResponseCode"), "ISSU");
  EXPECT_EQ(response.at("transportDocumentReference"), "DCSAISS0001");
  EXPECT_FALSE(response.contains("reason"));
  EXPECT_TRUE(issuance_->schemas().Validate("IssuanceResponse", response).value().empty());
  auto after = issuance_->Get("DCSAISS0001").value();
  EXPECT_EQ(after.delivery, "delivered");
  EXPECT_EQ(after.attempts, 1);
  EXPECT_EQ(issuance_->DeliverDue().value(), 0);  // once
}

TEST_P(IssuanceTest, UnknownIssueToIsBreqAndNothingIsIssued) {
  auto body = Body("DCSAISS0002");
  body["issueTo"] = IssueTo("DGTR", "W3C", "91120116MA05JJ1K3X", "Nobody Here Ltd");
  auto status = issuance_->Submit(Signed(body), "org_carrier");
  ASSERT_TRUE(status) << status.error().ToString();
  EXPECT_EQ(status->response_code, "BREQ");
  EXPECT_NE(status->reason.find("\"Nobody Here Ltd\" is not a party on this platform"),
            std::string::npos);
  EXPECT_FALSE(env_.registry().FindRecord("DCSAISS0002").value());
  ASSERT_EQ(issuance_->DeliverDue().value(), 1);
  const auto response = json::ParseObject(carrier_system_.calls.at(0).body).value();
  EXPECT_EQ(response.at("issuanceResponseCode"), "BREQ");
  EXPECT_EQ(response.at("errors").at(0).at("errorCode"), "UNKNOWN-ISSUE-TO");
  EXPECT_TRUE(issuance_->schemas().Validate("IssuanceResponse", response).value().empty());
}

TEST_P(IssuanceTest, IssueToOnAnotherPlatformIsRefused) {
  auto body = Body("DCSAISS0003");
  body["issueTo"] = IssueTo("BOLE", "W3C", "91120116MA05JJ1K3X", "HHL Invest");
  auto status = issuance_->Submit(Signed(body), "org_carrier");
  ASSERT_TRUE(status) << status.error().ToString();
  EXPECT_EQ(status->response_code, "REFU");
  EXPECT_NE(status->reason.find("eBL platform BOLE"), std::string::npos);
  EXPECT_FALSE(env_.registry().FindRecord("DCSAISS0003").value());
}

TEST_P(IssuanceTest, TheSameReferenceTwiceIsAConflict) {
  ASSERT_TRUE(issuance_->Submit(Signed(Body("DCSAISS0004")), "org_carrier"));
  auto again = issuance_->Submit(Signed(Body("DCSAISS0004")), "org_carrier");
  EXPECT_TRUE(HasCode(again, ErrorCode::kConflict,
                      "$.document.transportDocumentReference: \"DCSAISS0004\" is already issued"));
  // A refused one is taken too: the carrier's next try is a new reference.
  auto body = Body("DCSAISS0005");
  body["issueTo"] = IssueTo("DGTR", "W3C", "X", "Nobody Here Ltd");
  ASSERT_TRUE(issuance_->Submit(Signed(body), "org_carrier"));
  EXPECT_TRUE(HasCode(issuance_->Submit(Signed(Body("DCSAISS0005")), "org_carrier"),
                      ErrorCode::kConflict, "was already submitted for issuance"));
  EXPECT_EQ(env_.registry().ListRecords("org_shipper", 10, "").value().size(), 1u);
}

// DCSA: "at most one of these requests sees a successful response".
TEST_P(IssuanceTest, RacingRequestsForOneReferenceIssueOnce) {
  const std::string body = Signed(Body("DCSAISS0015"));
  std::atomic<int> issued{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      auto r = issuance_->Submit(body, "org_carrier");
      if (r) ++issued;
      if (!r && r.error().code() == ErrorCode::kConflict) ++conflicts;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(issued.load(), 1);
  EXPECT_EQ(conflicts.load(), 5);
  EXPECT_EQ(env_.registry().ListRecords("org_shipper", 10, "").value().size(), 1u);
}

TEST_P(IssuanceTest, BadInputIsRefusedPreciselyAndChangesNothing) {
  // Not JSON.
  EXPECT_TRUE(HasCode(issuance_->Submit("{\"document\":", "org_carrier"),
                      ErrorCode::kInvalidArgument, "$"));
  // A schema violation, with its JSON path.
  auto body = Body("DCSAISS0006");
  body["document"].as_object()["transportDocumentTypeCode"] = "XYZ";
  auto bad = issuance_->Submit(Signed(body), "org_carrier");
  ASSERT_TRUE(HasCode(bad, ErrorCode::kInvalidArgument, "$.document.transportDocumentTypeCode"));
  EXPECT_EQ(JsonPathIn(bad.error().message()), "$.document.transportDocumentTypeCode");
  ExpectNothingFor("DCSAISS0006");
  // The manifest signed over a document one byte away from the one sent.
  body = Body("DCSAISS0007");
  auto signed_body = json::ParseObject(Signed(body)).value();
  signed_body["document"].as_object()["transportDocumentReference"] = "DCSAISS0008";
  EXPECT_TRUE(HasCode(issuance_->Submit(json::Serialize(signed_body), "org_carrier"),
                      ErrorCode::kInvalidArgument,
                      "$.issuanceManifestSignedContent: issuance manifest: documentChecksum does "
                      "not match the document"));
  ExpectNothingFor("DCSAISS0008");
  // Signed by a key that is not the carrier's.
  EXPECT_TRUE(HasCode(
      issuance_->Submit(Signed(Body("DCSAISS0009"), testing::Keys().stranger), "org_carrier"),
      ErrorCode::kInvalidArgument, "$.issuanceManifestSignedContent"));
  ExpectNothingFor("DCSAISS0009");
  // Another carrier's organisation; a carrier code not registered here.
  EXPECT_TRUE(HasCode(issuance_->Submit(Signed(Body("DCSAISS0010")), "org_other"),
                      ErrorCode::kPermissionDenied,
                      "your organisation does not issue for carrier \"MMCU\""));
  ExpectNothingFor("DCSAISS0010");
  body = Body("DCSAISS0011");
  body["document"].as_object()["carrierCode"] = "XXXX";
  EXPECT_TRUE(HasCode(issuance_->Submit(Signed(body), "org_carrier"), ErrorCode::kPermissionDenied,
                      "carrier \"XXXX\" is not registered"));
  ExpectNothingFor("DCSAISS0011");
  ASSERT_TRUE(pint_->peers().PutCarrier(
      {.code = "ZZZZ", .public_key_pem = env_.party("org_carrier").key.public_key().ToPem()}));
  body["document"].as_object()["carrierCode"] = "ZZZZ";
  EXPECT_TRUE(HasCode(issuance_->Submit(Signed(body), "org_carrier"), ErrorCode::kPermissionDenied,
                      "no organisation may request issuance"));
  ExpectNothingFor("DCSAISS0011");
  // A visualisation the manifest does not cover.
  body = Body("DCSAISS0012");
  auto with_vis = json::ParseObject(Signed(body)).value();
  with_vis["eBLVisualisationByCarrier"] = {{"name", "bl.pdf"}, {"content", "JVBERi0="}};
  EXPECT_TRUE(HasCode(issuance_->Submit(json::Serialize(with_vis), "org_carrier"),
                      ErrorCode::kInvalidArgument, "no eBLVisualisationByCarrierChecksum"));
  ExpectNothingFor("DCSAISS0012");
  EXPECT_TRUE(carrier_system_.calls.empty());
  EXPECT_EQ(issuance_->DeliverDue().value(), 0);
}

TEST_P(IssuanceTest, DeliveryIsRetriedWithBackoffAndItsErrorKept) {
  ASSERT_TRUE(issuance_->Submit(Signed(Body("DCSAISS0013")), "org_carrier"));
  carrier_system_.fail_next = 2;
  ASSERT_EQ(issuance_->DeliverDue().value(), 1);
  auto s = issuance_->Get("DCSAISS0013").value();
  EXPECT_EQ(s.delivery, "pending");
  EXPECT_EQ(s.attempts, 1);
  EXPECT_NE(s.last_error.find("connection refused"), std::string::npos);
  EXPECT_EQ(issuance_->DeliverDue().value(), 0);  // not due yet
  env_.clock().Advance(std::chrono::seconds(5));
  ASSERT_EQ(issuance_->DeliverDue().value(), 1);
  EXPECT_EQ(issuance_->Get("DCSAISS0013")->attempts, 2);
  env_.clock().Advance(std::chrono::seconds(5));
  EXPECT_EQ(issuance_->DeliverDue().value(), 0);  // the second wait is 10 s
  env_.clock().Advance(std::chrono::seconds(5));
  ASSERT_EQ(issuance_->DeliverDue().value(), 1);
  s = issuance_->Get("DCSAISS0013").value();
  EXPECT_EQ(s.delivery, "delivered");
  EXPECT_EQ(s.attempts, 3);
  EXPECT_TRUE(s.last_error.empty());
  ASSERT_EQ(carrier_system_.calls.size(), 3u);
  EXPECT_EQ(carrier_system_.calls[0].body, carrier_system_.calls[2].body);
}

TEST_P(IssuanceTest, WithoutACallbackTheVerdictIsKept) {
  ASSERT_TRUE(pint_->peers().PutCarrier(
      {.code = "MMCU",
       .public_key_pem = env_.party("org_carrier").key.public_key().ToPem(),
       .organisation_id = "org_carrier"}));
  auto s = issuance_->Submit(Signed(Body("DCSAISS0014")), "org_carrier");
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(s->delivery, "no_callback");
  EXPECT_EQ(issuance_->DeliverDue().value(), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, IssuanceTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         ledger::testing::EngineName);

// ---- ErrorResponse ----

TEST(ErrorResponseTest, ConformsToBothPublishedSchemasAndKeepsOurPaths) {
  const auto iss = SchemaSet::Dcsa(kDcsaIssuance).value();
  const ErrorContext ctx{.http_method = "PUT",
                         .request_uri = "/v3/ebl-issuance-requests",
                         .status = 400,
                         .correlation = "00000000000000a1",
                         .date_time = "2026-11-28T09:32:20.123Z"};
  const std::string long_text(6000, 'x');
  const Error errors[] = {
      Error(ErrorCode::kInvalidArgument,
            "the IssuanceRequest does not conform: $.document.carrierCode: maxLength: at most 4; "
            "$.issueTo.identifyingCodes[0]: required: partyCode is missing"),
      Error(ErrorCode::kConflict,
            "$.document.transportDocumentReference: \"X\" was already "
            "submitted for issuance"),
      Error(ErrorCode::kNotFound, "no envelope transfer \"abc\""),
      Error(ErrorCode::kInvalidArgument, "é" + long_text),
  };
  for (const auto& error : errors) {
    const auto body = ErrorResponseJson(error, ctx);
    for (const SchemaSet* set : {&iss, &testing::Schemas()}) {
      auto v = set->Validate("ErrorResponse", body).value();
      EXPECT_TRUE(v.empty()) << ViolationsError("ErrorResponse", v).message();
    }
  }
  auto list = ErrorResponseJson(errors[0], ctx);
  ASSERT_EQ(list.at("errors").as_array().size(), 2u);
  EXPECT_EQ(list.at("errors").at(0).at("jsonPath"), "$.document.carrierCode");
  EXPECT_EQ(list.at("errors").at(0).at("property"), "carrierCode");
  EXPECT_EQ(list.at("errors").at(1).at("jsonPath"), "$.issueTo.identifyingCodes[0]");
  EXPECT_EQ(list.at("errors").at(1).at("property"), "identifyingCodes");
  EXPECT_EQ(list.at("errors").at(0).at("errorCodeText"), "invalid_argument");
  EXPECT_EQ(list.at("statusCodeText"), "Bad Request");
  auto plain = ErrorResponseJson(errors[2], ctx);
  ASSERT_EQ(plain.at("errors").as_array().size(), 1u);
  EXPECT_FALSE(plain.at("errors").at(0).as_object().contains("jsonPath"));
  EXPECT_EQ(plain.at("errors").at(0).at("errorCodeMessage"), "no envelope transfer \"abc\"");
}

TEST(ErrorResponseTest, PathsInOurMessages) {
  EXPECT_EQ(JsonPathIn("$.a.b[2].c: pattern: x"), "$.a.b[2].c");
  EXPECT_EQ(JsonPathIn("the X does not conform: $.document: required: y"), "$.document");
  EXPECT_EQ(JsonPathIn("/partyCode: required member is missing"), "$.partyCode");
  EXPECT_EQ(JsonPathIn("/documents/0/name: expected a string"), "$.documents[0].name");
  EXPECT_EQ(JsonPathIn("costs $5: too much"), std::nullopt);
  EXPECT_EQ(JsonPathIn("/ not a pointer: x"), std::nullopt);
  EXPECT_EQ(JsonPathIn("no path here"), std::nullopt);
}

TEST(ErrorResponseTest, PeerErrorsAreReadFromEitherFormat) {
  const ErrorContext ctx{.http_method = "POST",
                         .request_uri = "/v3/envelopes",
                         .status = 400,
                         .date_time = "2026-11-28T09:32:20Z"};
  auto dcsa = ErrorResponseJson(
      Error(ErrorCode::kInvalidArgument, "$.transportDocument: type: expected an object"), ctx);
  EXPECT_EQ(PeerErrorText(json::Serialize(dcsa)),
            "Bad Request: $.transportDocument: type: expected an object (at $.transportDocument)");
  EXPECT_EQ(PeerErrorText(R"({"type":"urn:digitrade:problem:unauthenticated","title":"x",)"
                          R"("status":401,"detail":"unknown API token"})"),
            "unknown API token");
  EXPECT_FALSE(PeerErrorText("<html>502</html>"));
}

}  // namespace
}  // namespace digitrade::trade::etr::pint
