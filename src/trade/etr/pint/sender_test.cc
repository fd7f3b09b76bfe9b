#include "trade/etr/pint/sender.h"

#include <gtest/gtest.h>

#include <map>

#include "common/json.h"
#include "storage/internal/test_util.h"
#include "trade/etr/pint/error_response.h"
#include "trade/etr/pint/test_util.h"

namespace digitrade::trade::etr::pint {
namespace {

using testing::Keys;
using testing::MakeParty;
using testing::Node;

class SenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (Node* n : {&a_, &b_}) {
      n->AddCarrier("HMM", Keys().carrier);
    }
    a_.AddPeer(b_);
    b_.AddPeer(a_);
    a_.AddParty(shipper_);
    a_.AddParty(shipper2_);
    b_.AddParty(consignee_);
  }

  // `td` to the shipper, with an issuance manifest `carrier_key` signed over
  // `signed_td`.
  IssuedEbl Issuance(const boost::json::object& td, const crypto::PrivateKey& carrier_key,
                     const boost::json::object& signed_td) {
    return {.transport_document = td,
            .issuance_manifest_signed_content =
                testing::IssuanceManifestJws(carrier_key, signed_td, shipper_),
            .carrier = carrier_,
            .issue_to = shipper_};
  }

  Result<HeldEbl> Issue() {
    IssuedEbl issued = Issuance(td_, Keys().carrier, td_);
    for (const auto& [name, content] : {std::pair{"invoice.pdf", std::string("%PDF-1.7 invoice")},
                                        std::pair{"packing.txt", std::string("packing list")}}) {
      issued.documents.push_back({.role = DocumentRole::kSupporting,
                                  .metadata = testing::Metadata(name, content),
                                  .content = {content.begin(), content.end()}});
    }
    return a_sender_.RecordIssued(issued);
  }

  Node a_{"AAAA", Keys().a};
  Node b_{"BBBB", Keys().b};
  testing::LoopbackTransport a_transport_{"AAAA",
                                          {{"http://peer.invalid/BBBB", b_.receiver.get()}}};
  testing::LoopbackTransport b_transport_{"BBBB",
                                          {{"http://peer.invalid/AAAA", a_.receiver.get()}}};
  Sender a_sender_{a_.Context(), a_transport_};
  Sender b_sender_{b_.Context(), b_transport_};
  Party carrier_ = MakeParty("Hyundai", "AAAA", "CARRIER");
  Party shipper_ = MakeParty("DCSA CTK SHIPPER", "AAAA", "SHIPPER");
  Party shipper2_ = MakeParty("Second Holder", "AAAA", "HOLDER2");
  Party consignee_ = MakeParty("DCSA CTK Consignee", "BBBB", "CONSIGNEE");
  boost::json::object td_ = testing::TransportDocument();
};

TEST_F(SenderTest, MovesAnEblToBAndBackWithDocuments) {
  auto issued = Issue();
  ASSERT_TRUE(issued) << issued.error().ToString();
  EXPECT_TRUE(issued->held);
  const std::string td = issued->transport_document_checksum;

  auto sent = a_sender_.Send({.document = td, .peer = "BBBB", .recipient = consignee_});
  ASSERT_TRUE(sent) << sent.error().ToString();
  EXPECT_EQ(ResponseCodeName(sent->code), "RECE") << sent->reason;
  EXPECT_TRUE(sent->accepted);
  EXPECT_EQ(sent->documents_uploaded.size(), 2u);
  EXPECT_FALSE(a_.registry->Export(td).value().held);
  auto at_b = b_.registry->Export(td).value();
  EXPECT_TRUE(at_b.held);
  EXPECT_EQ(at_b.chain.size(), 2u);
  EXPECT_EQ(at_b.documents.size(), 2u);

  // A no longer holds it.
  auto again = a_sender_.Send({.document = td, .peer = "BBBB", .recipient = consignee_});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);

  // Back to A: A already has the documents, so none are uploaded.
  auto back = b_sender_.Send(
      {.document = issued->transport_document_reference, .peer = "AAAA", .recipient = shipper2_});
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(ResponseCodeName(back->code), "RECE") << back->reason;
  EXPECT_TRUE(back->documents_uploaded.empty());
  auto at_a = a_.registry->Export(td).value();
  EXPECT_TRUE(at_a.held);
  EXPECT_EQ(at_a.chain.size(), 3u);
  EXPECT_TRUE(at_a.possessor && SameParty(*at_a.possessor, shipper2_));
  EXPECT_FALSE(b_.registry->Export(td).value().held);

  // And to B again: B's chain is extended, not forked.
  auto third = a_sender_.Send({.document = td, .peer = "BBBB", .recipient = consignee_});
  ASSERT_TRUE(third) << third.error().ToString();
  EXPECT_EQ(ResponseCodeName(third->code), "RECE") << third->reason;
  EXPECT_EQ(b_.registry->Export(td).value().chain.size(), 4u);
}

TEST_F(SenderTest, ARetryAfterALostAnswerReusesTheEnvelopeAndGetsDupe) {
  auto issued = Issue();
  ASSERT_TRUE(issued);
  const std::string td = issued->transport_document_checksum;
  a_transport_.lose_answers = 1;
  auto lost = a_sender_.Send({.document = td, .peer = "BBBB", .recipient = consignee_});
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(b_.registry->Export(td).value().held);  // B did accept
  EXPECT_TRUE(a_.registry->Export(td).value().held);  // A does not know yet
  a_.clock.Advance(std::chrono::seconds(5));          // a new entry would differ
  auto retry = a_sender_.Send({.document = td, .peer = "BBBB", .recipient = consignee_});
  ASSERT_TRUE(retry) << retry.error().ToString();
  EXPECT_EQ(ResponseCodeName(retry->code), "DUPE") << retry->reason;
  EXPECT_TRUE(retry->accepted);
  EXPECT_FALSE(a_.registry->Export(td).value().held);
  EXPECT_EQ(a_.registry->Export(td).value().chain, b_.registry->Export(td).value().chain);
}

TEST_F(SenderTest, RefusedTransfersKeepTheEbl) {
  auto issued = Issue();
  ASSERT_TRUE(issued);
  // B does not know the recipient: BENV, and A still holds the eBL.
  auto r = a_sender_.Send({.document = issued->transport_document_checksum,
                           .peer = "BBBB",
                           .recipient = MakeParty("Nobody", "BBBB", "NOBODY")});
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(ResponseCodeName(r->code), "BENV");
  EXPECT_FALSE(r->accepted);
  EXPECT_TRUE(a_.registry->Export(issued->transport_document_checksum).value().held);
  EXPECT_EQ(a_.registry->Export(issued->transport_document_checksum).value().chain.size(), 1u);
}

TEST_F(SenderTest, RecipientMustBeOnThePeer) {
  auto issued = Issue();
  ASSERT_TRUE(issued);
  auto r = a_sender_.Send(
      {.document = issued->transport_document_checksum, .peer = "BBBB", .recipient = shipper2_});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(SenderTest, IssuanceIsCheckedAndRecordedOnce) {
  ASSERT_TRUE(Issue());
  auto twice = Issue();
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code(), ErrorCode::kAlreadyExists);
  auto r = a_sender_.RecordIssued(
      Issuance(testing::TransportDocument("FORGED0001"), Keys().stranger, td_));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(SenderTest, ATransportDocumentThatDoesNotConformIsNotRecorded) {
  auto td = testing::TransportDocument("BADSHAPE0001");
  td.erase("termsAndConditions");
  auto r = a_sender_.RecordIssued(Issuance(td, Keys().carrier, td));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("$.termsAndConditions: required"), std::string::npos)
      << r.error().message();
  EXPECT_FALSE(a_.registry->Export(CanonicalChecksum(td).value()));
}

TEST_F(SenderTest, ASignedAnswerThatDoesNotVerifyIsDataLoss) {
  auto issued = Issue();
  ASSERT_TRUE(issued);
  // A registered B under the wrong key.
  ASSERT_TRUE(a_.peers->PutPeer({.code = "BBBB",
                                 .base_url = "http://peer.invalid/BBBB",
                                 .public_key_pem = Keys().stranger.public_key().ToPem()}));
  auto r = a_sender_.Send(
      {.document = issued->transport_document_checksum, .peer = "BBBB", .recipient = consignee_});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kDataLoss);
}


// A peer that answers every call with one status and body.
class FixedAnswer final : public PeerTransport {
 public:
  FixedAnswer(int status, std::string body) : status_(status), body_(std::move(body)) {}
  Result<TransportResponse> Send(const std::string&, const std::string&, const std::string&,
                                 const std::optional<std::string>&, const std::string&) override {
    return TransportResponse{.status = status_, .body = body_};
  }

 private:
  int status_;
  std::string body_;
};

TEST_F(SenderTest, APeersErrorBodyIsReadIntoTheError) {
  auto issued = Issue();
  ASSERT_TRUE(issued) << issued.error().ToString();
  const auto dcsa = ErrorResponseJson(
      Error(ErrorCode::kInvalidArgument, "$.transportDocument.carrierCode: maxLength: at most 4"),
      {.http_method = "POST", .request_uri = "/v3/envelopes", .status = 400,
       .date_time = "2026-11-28T09:32:20Z"});
  const std::pair<std::string, std::string> answers[] = {
      {json::Serialize(dcsa),
       "Bad Request: $.transportDocument.carrierCode: maxLength: at most 4 (at "
       "$.transportDocument.carrierCode)"},
      {R"({"type":"urn:digitrade:problem:unauthenticated","title":"Authentication required",)"
       R"("status":401,"detail":"unknown API token","instance":"/v3/envelopes"})",
       "unknown API token"}};
  for (const auto& [body, text] : answers) {
    FixedAnswer peer(400, body);
    Sender sender(a_.Context(), peer);
    EXPECT_TRUE(storage::testing::HasCode(
        sender.Send({.document = issued->transport_document_checksum,
                     .peer = "BBBB",
                     .recipient = consignee_}),
        ErrorCode::kUnavailable, text));
  }
}

}  // namespace
}  // namespace digitrade::trade::etr::pint
