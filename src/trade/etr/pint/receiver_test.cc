#include "trade/etr/pint/receiver.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/json.h"
#include "crypto/base64.h"
#include "crypto/jws.h"
#include "trade/etr/pint/test_util.h"

namespace digitrade::trade::etr::pint {
namespace {

using testing::ChainBuilder;
using testing::Keys;
using testing::MakeParty;
using testing::Node;
using testing::Tx;

std::string B64Body(const std::string& content) {
  return json::Serialize(boost::json::string(crypto::Base64Encode(content)));
}

class ReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    b_.AddPeer(a_);
    b_.AddCarrier("HMM", Keys().carrier);
    b_.AddParty(consignee_);
    chain_.Add("AAAA", Keys().a,
               {Tx(ActionCode::kIssue, carrier_, shipper_),
                Tx(ActionCode::kTransfer, shipper_, consignee_)});
  }

  // The verified payload of a signed response.
  boost::json::object Payload(const Reply& r) {
    EXPECT_TRUE(r.body.is_string());
    auto v = crypto::VerifyJws(r.body.get_string(), Keys().b.public_key());
    EXPECT_TRUE(v) << v.error().message();
    return json::ParseObject(std::string(v->payload.begin(), v->payload.end())).value();
  }

  std::string CodeOf(const Reply& r) {
    return std::string(Payload(r).at("responseCode").get_string());
  }

  Node a_{"AAAA", Keys().a};
  Node b_{"BBBB", Keys().b};
  Party carrier_ = MakeParty("Hyundai", "AAAA", "CARRIER");
  Party shipper_ = MakeParty("DCSA CTK SHIPPER", "AAAA", "SHIPPER");
  Party consignee_ = MakeParty("DCSA CTK Consignee", "BBBB", "CONSIGNEE");
  ChainBuilder chain_{testing::TransportDocument()};
  const std::string doc1_ = std::string("invoice \x00\x01\xff", 12);
  const std::string doc2_ = "packing list";
};

TEST_F(ReceiverTest, WithoutDocumentsTheTransferIsAcceptedAtOnceAndReplaysAreDupe) {
  const auto before = b_.LogSize();
  auto r = b_.receiver->StartTransfer("AAAA", chain_.Envelope(Keys().a));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  auto p = Payload(*r);
  EXPECT_EQ(p.at("responseCode").get_string(), "RECE");
  EXPECT_EQ(p.at("lastEnvelopeTransferChainEntrySignedContentChecksum").get_string(),
            SignedContentChecksum(chain_.chain.back()));
  EXPECT_EQ(b_.LogSize(), before + 1);
  auto held = b_.registry->Export(chain_.td_checksum);
  ASSERT_TRUE(held);
  EXPECT_TRUE(held->held);
  EXPECT_EQ(held->chain, chain_.chain);
  EXPECT_TRUE(held->possessor && SameParty(*held->possessor, consignee_));

  auto again = b_.receiver->StartTransfer("AAAA", chain_.Envelope(Keys().a));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  auto dupe = Payload(*again);
  EXPECT_EQ(dupe.at("responseCode").get_string(), "DUPE");
  EXPECT_EQ(dupe.at("duplicateOfAcceptedEnvelopeTransferChainEntrySignedContent").get_string(),
            chain_.chain.back());
  EXPECT_EQ(b_.LogSize(), before + 1);
}

TEST_F(ReceiverTest, AdditionalDocumentsIncdMdocThenRece) {
  chain_.documents = {testing::Metadata("invoice.bin", doc1_),
                      testing::Metadata("packing.txt", doc2_)};
  const auto c1 = chain_.documents[0].document_checksum;
  const auto c2 = chain_.documents[1].document_checksum;
  auto started = b_.receiver->StartTransfer("AAAA", chain_.Envelope(Keys().a));
  ASSERT_TRUE(started) << started.error().ToString();
  ASSERT_EQ(started->status, 201);
  const auto& body = started->body.get_object();
  const std::string ref(body.at("envelopeReference").get_string());
  EXPECT_EQ(body.at("missingAdditionalDocumentChecksums").get_array().size(), 2u);
  EXPECT_EQ(body.at("transportDocumentChecksum").get_string(), chain_.td_checksum);

  // A retry of the start while the transfer is open: the same reference.
  auto retry = b_.receiver->StartTransfer("AAAA", chain_.Envelope(Keys().a));
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->body.get_object().at("envelopeReference").get_string(), ref);

  // Finishing too early: MDOC, listing both.
  auto early = b_.receiver->FinishTransfer("AAAA", ref);
  ASSERT_TRUE(early);
  EXPECT_EQ(early->status, 409);
  EXPECT_EQ(CodeOf(*early), "MDOC");
  EXPECT_EQ(Payload(*early).at("missingAdditionalDocumentChecksums").get_array().size(), 2u);

  // A corrupted document: INCD, nothing stored.
  auto corrupted = b_.receiver->PutDocument("AAAA", ref, c1, B64Body(doc1_ + "x"));
  ASSERT_TRUE(corrupted);
  EXPECT_EQ(corrupted->status, 409);
  EXPECT_EQ(CodeOf(*corrupted), "INCD");
  EXPECT_FALSE(b_.registry->HasDocument(c1).value());
  // A document the manifest does not declare: INCD.
  auto undeclared = b_.receiver->PutDocument("AAAA", ref, Sha256Hex("other"), B64Body("other"));
  ASSERT_TRUE(undeclared);
  EXPECT_EQ(CodeOf(*undeclared), "INCD");
  // Not base64 / not a JSON string: a plain 400.
  auto garbage = b_.receiver->PutDocument("AAAA", ref, c1, "\"***\"");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(b_.receiver->PutDocument("AAAA", ref, c1, "{}"));
  // Another platform or an unknown reference.
  auto other = b_.receiver->PutDocument("CCCC", ref, c1, B64Body(doc1_));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code(), ErrorCode::kPermissionDenied);
  auto unknown = b_.receiver->FinishTransfer("AAAA", "nope");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);

  auto one = b_.receiver->PutDocument("AAAA", ref, c1, B64Body(doc1_));
  ASSERT_TRUE(one) << one.error().ToString();
  EXPECT_EQ(one->status, 204);
  auto still = b_.receiver->FinishTransfer("AAAA", ref);
  ASSERT_TRUE(still);
  EXPECT_EQ(CodeOf(*still), "MDOC");
  EXPECT_EQ(Payload(*still).at("missingAdditionalDocumentChecksums").get_array().size(), 1u);
  EXPECT_FALSE(b_.registry->Export(chain_.td_checksum));  // nothing accepted yet

  ASSERT_TRUE(b_.receiver->PutDocument("AAAA", ref, c2, B64Body(doc2_)));
  auto done = b_.receiver->FinishTransfer("AAAA", ref);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200);
  auto p = Payload(*done);
  EXPECT_EQ(p.at("responseCode").get_string(), "RECE");
  EXPECT_EQ(p.at("receivedAdditionalDocumentChecksums").get_array().size(), 2u);
  auto held = b_.registry->Export(chain_.td_checksum).value();
  ASSERT_EQ(held.documents.size(), 2u);

  // Finishing again returns the same signed answer; a new start is DUPE.
  auto repeat = b_.receiver->FinishTransfer("AAAA", ref);
  ASSERT_TRUE(repeat);
  EXPECT_EQ(repeat->body, done->body);
  auto dupe = b_.receiver->StartTransfer("AAAA", chain_.Envelope(Keys().a));
  ASSERT_TRUE(dupe);
  EXPECT_EQ(CodeOf(*dupe), "DUPE");
}

TEST_F(ReceiverTest, WrongDeclaredSizeIsIncd) {
  auto meta = testing::Metadata("invoice.bin", doc1_);
  meta.size += 1;
  meta.json["size"] = meta.size;
  chain_.documents = {meta};
  auto started = b_.receiver->StartTransfer("AAAA", chain_.Envelope(Keys().a));
  ASSERT_TRUE(started);
  const std::string ref(started->body.get_object().at("envelopeReference").get_string());
  auto put = b_.receiver->PutDocument("AAAA", ref, meta.document_checksum, B64Body(doc1_));
  ASSERT_TRUE(put);
  EXPECT_EQ(CodeOf(*put), "INCD");
  EXPECT_NE(put->reason.find("the manifest declares"), std::string::npos);
}

TEST_F(ReceiverTest, AForkOfAChainWeHoldIsDiseAndChangesNothing) {
  ASSERT_EQ(CodeOf(b_.receiver->StartTransfer("AAAA", chain_.Envelope(Keys().a)).value()), "RECE");
  ChainBuilder fork(testing::TransportDocument());
  auto late = Tx(ActionCode::kTransfer, shipper_, consignee_);
  late.action_date_time = "2026-01-02T00:00:00.000Z";
  fork.Add("AAAA", Keys().a, {Tx(ActionCode::kIssue, carrier_, shipper_), late});
  const auto before = b_.LogSize();
  auto r = b_.receiver->StartTransfer("AAAA", fork.Envelope(Keys().a));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(CodeOf(*r), "DISE");
  EXPECT_EQ(b_.LogSize(), before + 1);  // the rejection is evidence too
  EXPECT_EQ(b_.registry->Export(chain_.td_checksum).value().chain, chain_.chain);
}

// Two forks of one document raced many times: exactly one is accepted, the
// other gets DISE (found at the comparison, or at the recording if both got
// past the comparison), and the chain held is the winner's.
TEST_F(ReceiverTest, ConcurrentForksExactlyOneWins) {
  for (int round = 0; round < 8; ++round) {
    SCOPED_TRACE(round);
    Node b("BBBB", Keys().b);
    b.AddPeer(a_);
    b.AddCarrier("HMM", Keys().carrier);
    b.AddParty(consignee_);
    const auto td = testing::TransportDocument("RACE" + std::to_string(round));
    std::vector<std::string> envelopes;
    std::vector<std::string> lasts;
    for (int i = 0; i < 2; ++i) {
      ChainBuilder c(td);
      auto tx = Tx(ActionCode::kTransfer, shipper_, consignee_);
      tx.action_date_time = "2026-01-0" + std::to_string(i + 1) + "T00:00:00.000Z";
      c.Add("AAAA", Keys().a, {Tx(ActionCode::kIssue, carrier_, shipper_), tx});
      envelopes.push_back(c.Envelope(Keys().a));
      lasts.push_back(SignedContentChecksum(c.chain.back()));
    }
    std::vector<std::string> codes(2);
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        auto r = b.receiver->StartTransfer("AAAA", envelopes[i]);
        codes[i] = r ? CodeOf(*r) : r.error().ToString();
      });
    }
    for (auto& t : threads) t.join();
    std::sort(codes.begin(), codes.end());
    EXPECT_EQ(codes, (std::vector<std::string>{"DISE", "RECE"}));
    auto held = b.registry->Export(CanonicalChecksum(td).value()).value();
    const std::string winner = SignedContentChecksum(held.chain.back());
    EXPECT_TRUE(winner == lasts[0] || winner == lasts[1]);
    EXPECT_EQ(held.chain.size(), 1u);
  }
}

TEST_F(ReceiverTest, RejectionsAreSignedLoggedAndStoreNothing) {
  const auto before = b_.LogSize();
  auto r = b_.receiver->StartTransfer("AAAA", chain_.Envelope(Keys().stranger));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(CodeOf(*r), "BSIG");
  auto garbage = b_.receiver->StartTransfer("AAAA", "{\"transportDocument\":1}");
  ASSERT_TRUE(garbage);
  EXPECT_EQ(CodeOf(*garbage), "BENV");
  EXPECT_EQ(b_.LogSize(), before + 2);
  auto entry = b_.log->GetEntry(before).value();
  EXPECT_EQ(entry.kind, "etr.pint.rejected");
  EXPECT_NE(entry.data.find("\"responseCode\":\"BSIG\""), std::string::npos);
  EXPECT_FALSE(b_.registry->Export(chain_.td_checksum));
}

TEST_F(ReceiverTest, ANonConformingTransportDocumentIsSignedBenvWithThePath) {
  const auto before = b_.LogSize();
  auto env = json::ParseObject(chain_.Envelope(Keys().a)).value();
  env["transportDocument"].as_object()["transportDocumentTypeCode"] = "AWB";
  auto r = b_.receiver->StartTransfer("AAAA", json::Serialize(env));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  const auto p = Payload(*r);
  EXPECT_EQ(p.at("responseCode").get_string(), "BENV");
  const std::string reason(p.at("reason").get_string());
  EXPECT_NE(reason.find("$.transportDocument.transportDocumentTypeCode: enum"), std::string::npos)
      << reason;
  EXPECT_EQ(b_.LogSize(), before + 1);
  EXPECT_FALSE(b_.registry->Export(chain_.td_checksum));
}

TEST_F(ReceiverTest, ReceiverValidation) {
  EXPECT_EQ(b_.receiver->ValidateReceiver({.code_list_provider = "ZZZ", .party_code = "CONSIGNEE"})
                .value(),
            "DCSA CTK Consignee");
  auto unknown =
      b_.receiver->ValidateReceiver({.code_list_provider = "ZZZ", .party_code = "NOBODY"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
}

TEST_F(ReceiverTest, DocumentsAlreadyHeldAreNotAskedForAgain) {
  chain_.documents = {testing::Metadata("invoice.bin", doc1_)};
  ASSERT_TRUE(b_.registry->StoreDocument(chain_.documents[0].document_checksum,
                                         {doc1_.begin(), doc1_.end()}));
  auto r = b_.receiver->StartTransfer("AAAA", chain_.Envelope(Keys().a));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(CodeOf(*r), "RECE");
}

}  // namespace
}  // namespace digitrade::trade::etr::pint
