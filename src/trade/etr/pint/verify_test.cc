#include "trade/etr/pint/verify.h"

#include <gtest/gtest.h>

#include <fstream>

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

// Platform AAAA (carrier and shipper) and BBBB (consignee); the envelopes
// are verified by BBBB.
class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    b_.AddPeer(a_);
    b_.AddCarrier("HMM", Keys().carrier);
    b_.AddParty(consignee_);
  }

  ReceiverContext Us(std::optional<std::string> caller = "AAAA") {
    return {.platform_code = "BBBB",
            .keys = b_.peers.get(),
            .parties = b_.peers.get(),
            .schemas = &testing::Schemas(),
            .caller_platform = caller};
  }

  // e0 (AAAA): ISSUE carrier -> shipper, TRANSFER shipper -> consignee@BBBB
  // e1 (BBBB): TRANSFER consignee -> shipper2@AAAA
  // e2 (AAAA): TRANSFER shipper2 -> consignee@BBBB
  ChainBuilder ThreeEntries(const boost::json::object& td) {
    ChainBuilder c(td);
    c.Add("AAAA", Keys().a,
          {Tx(ActionCode::kIssue, carrier_, shipper_),
           Tx(ActionCode::kTransfer, shipper_, consignee_)});
    c.Add("BBBB", Keys().b, {Tx(ActionCode::kTransfer, consignee_, shipper2_)});
    c.Add("AAAA", Keys().a, {Tx(ActionCode::kTransfer, shipper2_, consignee_)});
    return c;
  }

  static void ExpectRejected(const Verdict<VerifiedEnvelope>& v, ResponseCode code,
                             std::string_view part) {
    ASSERT_FALSE(v.has_value()) << "accepted";
    EXPECT_EQ(ResponseCodeName(v.error().code), ResponseCodeName(code)) << v.error().reason;
    EXPECT_NE(v.error().reason.find(part), std::string::npos) << v.error().reason;
  }

  Node a_{"AAAA", Keys().a};
  Node b_{"BBBB", Keys().b};
  Party carrier_ = MakeParty("Hyundai", "AAAA", "CARRIER");
  Party shipper_ = MakeParty("DCSA CTK SHIPPER", "AAAA", "SHIPPER");
  Party shipper2_ = MakeParty("Second Holder", "AAAA", "HOLDER2");
  Party consignee_ = MakeParty("DCSA CTK Consignee", "BBBB", "CONSIGNEE");
  boost::json::object td_ = testing::TransportDocument();
};

TEST_F(VerifyTest, AcceptsAOneEntryChainFromTheIssuingPlatform) {
  ChainBuilder c(td_);
  c.Add("AAAA", Keys().a,
        {Tx(ActionCode::kIssue, carrier_, shipper_),
         Tx(ActionCode::kTransfer, shipper_, consignee_)});
  auto v = VerifyEnvelope(c.Envelope(Keys().a), Us());
  ASSERT_TRUE(v) << v.error().reason;
  EXPECT_EQ(v->transport_document_checksum, c.td_checksum);
  EXPECT_EQ(v->entry_checksums.back(), SignedContentChecksum(c.chain.back()));
  EXPECT_EQ(v->sender_platform, "AAAA");
  ASSERT_TRUE(v->possessor);
  EXPECT_TRUE(SameParty(*v->possessor, consignee_));
}

TEST_F(VerifyTest, AcceptsAChainThatWentBackAndForth) {
  auto c = ThreeEntries(td_);
  auto v = VerifyEnvelope(c.Envelope(Keys().a), Us());
  ASSERT_TRUE(v) << v.error().reason;
  EXPECT_EQ(v->entries.size(), 3u);
}

TEST_F(VerifyTest, AcceptsEveryPintAlgorithm) {
  EXPECT_EQ(PintAlgorithms().size(), 9u);  // RS, PS and ES with 256, 384 and 512
  for (auto alg : PintAlgorithms()) {
    SCOPED_TRACE(std::string(crypto::JwsAlgorithmName(alg)));
    static const auto p521 = crypto::PrivateKey::Generate(crypto::KeyType::kEcP521).value();
    const auto type = crypto::KeyTypeFor(alg);
    const auto& key = type == crypto::KeyType::kRsa      ? Keys().a
                      : type == crypto::KeyType::kEcP384 ? Keys().b
                      : type == crypto::KeyType::kEcP521 ? p521
                                                         : Keys().stranger;
    Node b("BBBB", Keys().b);
    Node sender("AAAA", key);
    b.AddPeer(sender);
    b.AddCarrier("HMM", Keys().carrier);
    b.AddParty(consignee_);
    ChainBuilder c(td_);
    ChainEntry e{.ebl_platform = "AAAA",
                 .transport_document_checksum = c.td_checksum,
                 .issuance_manifest_signed_content =
                     testing::IssuanceManifestJws(Keys().carrier, td_, shipper_),
                 .transactions = {Tx(ActionCode::kIssue, carrier_, shipper_),
                                  Tx(ActionCode::kTransfer, shipper_, consignee_)}};
    c.chain.push_back(SignJson(key, alg, ToJson(e)).value());
    EnvelopeManifest m{.transport_document_checksum = c.td_checksum,
                       .last_entry_checksum = SignedContentChecksum(c.chain.back())};
    boost::json::object env{
        {"transportDocument", td_},
        {"envelopeManifestSignedContent", SignJson(key, alg, ToJson(m)).value()},
        {"envelopeTransferChain", boost::json::array{boost::json::string(c.chain.back())}}};
    ReceiverContext us{.platform_code = "BBBB",
                       .keys = b.peers.get(),
                       .parties = b.peers.get(),
                       .schemas = &testing::Schemas()};
    auto v = VerifyEnvelope(json::Serialize(env), us);
    EXPECT_TRUE(v) << v.error().reason;
  }
}

TEST_F(VerifyTest, DeletedEntryIsBenv) {
  auto c = ThreeEntries(td_);
  ExpectRejected(
      VerifyEnvelope(c.Envelope(Keys().a, std::vector<std::string>{c.chain[0], c.chain[2]}), Us()),
      ResponseCode::kBenv,
      "previousEnvelopeTransferChainEntrySignedContentChecksum does not match entry 0");
}

TEST_F(VerifyTest, ReorderedEntriesAreBenv) {
  auto c = ThreeEntries(td_);
  ExpectRejected(
      VerifyEnvelope(
          c.Envelope(Keys().a, std::vector<std::string>{c.chain[1], c.chain[0], c.chain[2]}), Us()),
      ResponseCode::kBenv, "the first entry must not name a previous entry");
}

TEST_F(VerifyTest, ReSignedEntryIsBsig) {
  auto c = ThreeEntries(td_);
  // The same payload, validly signed, but by a key that is not BBBB's.
  auto payload = crypto::ParseJws(c.chain[1]).value().payload;
  auto bytes = crypto::Base64UrlDecode(payload).value();
  auto entry = ParseChainEntry(std::string(bytes.begin(), bytes.end()), testing::Schemas()).value();
  auto resigned =
      SignJson(Keys().stranger, crypto::SignatureAlgorithm::kEcdsaP256Sha256, ToJson(entry))
          .value();
  ExpectRejected(
      VerifyEnvelope(
          c.Envelope(Keys().a, std::vector<std::string>{c.chain[0], resigned, c.chain[2]}), Us()),
      ResponseCode::kBsig, "envelopeTransferChain/1 (platform BBBB)");
}

TEST_F(VerifyTest, ForeignEntryIsBenv) {
  auto c = ThreeEntries(td_);
  auto other = ThreeEntries(testing::TransportDocument("OTHERDOC0002"));
  ExpectRejected(
      VerifyEnvelope(
          c.Envelope(Keys().a, std::vector<std::string>{c.chain[0], other.chain[1], c.chain[2]}),
          Us()),
      ResponseCode::kBenv, "transportDocumentChecksum is that of another document");
}

TEST_F(VerifyTest, TransactionsAfterAcceptedSurrenderAreBenv) {
  ChainBuilder c(td_);
  c.Add("AAAA", Keys().a,
        {Tx(ActionCode::kIssue, carrier_, shipper_),
         Tx(ActionCode::kSurrenderForDelivery, shipper_, carrier_),
         Tx(ActionCode::kSurrenderAccepted, carrier_, shipper_),
         Tx(ActionCode::kTransfer, shipper_, consignee_)});
  ExpectRejected(VerifyEnvelope(c.Envelope(Keys().a), Us()), ResponseCode::kBenv,
                 "after an accepted surrender");
}

TEST_F(VerifyTest, SurrenderRejectedReturnsPossession) {
  ChainBuilder c(td_);
  c.Add("AAAA", Keys().a,
        {Tx(ActionCode::kIssue, carrier_, shipper_),
         Tx(ActionCode::kSurrenderForAmendment, shipper_, carrier_),
         Tx(ActionCode::kSurrenderRejected, carrier_, shipper_),
         Tx(ActionCode::kTransfer, shipper_, consignee_)});
  auto v = VerifyEnvelope(c.Envelope(Keys().a), Us());
  EXPECT_TRUE(v) << v.error().reason;
}

TEST_F(VerifyTest, SurrenderToSomeoneElseIsBenv) {
  ChainBuilder c(td_);
  c.Add("AAAA", Keys().a,
        {Tx(ActionCode::kIssue, carrier_, shipper_),
         Tx(ActionCode::kSurrenderForDelivery, shipper_, shipper2_)});
  ExpectRejected(VerifyEnvelope(c.Envelope(Keys().a), Us()), ResponseCode::kBenv,
                 "not addressed to the issuing carrier");
}

TEST_F(VerifyTest, TransferByANonPossessorIsBenv) {
  ChainBuilder c(td_);
  c.Add("AAAA", Keys().a,
        {Tx(ActionCode::kIssue, carrier_, shipper_),
         Tx(ActionCode::kTransfer, shipper2_, consignee_)});
  ExpectRejected(VerifyEnvelope(c.Envelope(Keys().a), Us()), ResponseCode::kBenv,
                 "not in possession");
}

TEST_F(VerifyTest, FirstTransactionMustBeIssue) {
  ChainBuilder c(td_);
  auto issuance = testing::IssuanceManifestJws(Keys().carrier, td_, shipper_);
  c.Add("AAAA", Keys().a, {Tx(ActionCode::kTransfer, shipper_, consignee_)}, issuance);
  ExpectRejected(VerifyEnvelope(c.Envelope(Keys().a), Us()), ResponseCode::kBenv, "must be ISSUE");
}

TEST_F(VerifyTest, SecondIssueIsBenv) {
  ChainBuilder c(td_);
  c.Add("AAAA", Keys().a,
        {Tx(ActionCode::kIssue, carrier_, shipper_), Tx(ActionCode::kIssue, carrier_, consignee_)});
  ExpectRejected(VerifyEnvelope(c.Envelope(Keys().a), Us()), ResponseCode::kBenv,
                 "ISSUE may only be the first");
}

TEST_F(VerifyTest, WrongPlatformAddressingIsBenv) {
  ChainBuilder c(td_);
  c.Add("AAAA", Keys().a,
        {Tx(ActionCode::kIssue, carrier_, shipper_),
         Tx(ActionCode::kTransfer, shipper_, MakeParty("Elsewhere", "CCCC", "CONSIGNEE"))});
  ExpectRejected(VerifyEnvelope(c.Envelope(Keys().a), Us()), ResponseCode::kBenv,
                 "addressed to platform CCCC");
}

TEST_F(VerifyTest, UnknownRecipientPartyIsBenv) {
  ChainBuilder c(td_);
  c.Add("AAAA", Keys().a,
        {Tx(ActionCode::kIssue, carrier_, shipper_),
         Tx(ActionCode::kTransfer, shipper_, MakeParty("Nobody", "BBBB", "NOBODY"))});
  ExpectRejected(VerifyEnvelope(c.Envelope(Keys().a), Us()), ResponseCode::kBenv,
                 "not a party on this platform");
}

TEST_F(VerifyTest, ManifestSignedByAnotherKeyIsBsig) {
  auto c = ThreeEntries(td_);
  ExpectRejected(VerifyEnvelope(c.Envelope(Keys().stranger), Us()), ResponseCode::kBsig,
                 "envelopeManifestSignedContent (platform AAAA)");
}

TEST_F(VerifyTest, TamperedTransportDocumentIsBsig) {
  auto c = ThreeEntries(td_);
  auto env = json::ParseObject(c.Envelope(Keys().a)).value();
  env["transportDocument"].as_object()["carrierBookingReference"] = "X";
  ExpectRejected(VerifyEnvelope(json::Serialize(env), Us()), ResponseCode::kBsig,
                 "transportDocumentChecksum does not match the transport document");
}

TEST_F(VerifyTest, ManifestNamingAnotherLastEntryIsBsig) {
  auto c = ThreeEntries(td_);
  auto env =
      json::ParseObject(c.Envelope(Keys().a, std::vector<std::string>{c.chain[0], c.chain[1]}))
          .value();
  env["envelopeTransferChain"].as_array().emplace_back(c.chain[2]);
  ExpectRejected(VerifyEnvelope(json::Serialize(env), Us()), ResponseCode::kBsig,
                 "lastEnvelopeTransferChainEntrySignedContentChecksum does not match");
}

TEST_F(VerifyTest, IssuanceManifestByANonCarrierKeyIsBsig) {
  ChainBuilder c(td_);
  auto forged = testing::IssuanceManifestJws(Keys().stranger, td_, shipper_);
  c.Add(
      "AAAA", Keys().a,
      {Tx(ActionCode::kIssue, carrier_, shipper_), Tx(ActionCode::kTransfer, shipper_, consignee_)},
      forged);
  ExpectRejected(VerifyEnvelope(c.Envelope(Keys().a), Us()), ResponseCode::kBsig,
                 "issuanceManifestSignedContent");
}

TEST_F(VerifyTest, IssuanceManifestOffByOneByteIsBenv) {
  auto other = td_;
  other["transportDocumentReference"] = "PINTTEST0002";  // one byte differs
  ChainBuilder c(td_);
  c.Add(
      "AAAA", Keys().a,
      {Tx(ActionCode::kIssue, carrier_, shipper_), Tx(ActionCode::kTransfer, shipper_, consignee_)},
      testing::IssuanceManifestJws(Keys().carrier, other, shipper_));
  ExpectRejected(VerifyEnvelope(c.Envelope(Keys().a), Us()), ResponseCode::kBenv,
                 "documentChecksum");
}

TEST_F(VerifyTest, IssuanceManifestForAnotherIssueToIsBenv) {
  ChainBuilder c(td_);
  c.Add(
      "AAAA", Keys().a,
      {Tx(ActionCode::kIssue, carrier_, shipper_), Tx(ActionCode::kTransfer, shipper_, consignee_)},
      testing::IssuanceManifestJws(Keys().carrier, td_, shipper2_));
  ExpectRejected(VerifyEnvelope(c.Envelope(Keys().a), Us()), ResponseCode::kBenv,
                 "issueToChecksum");
}

TEST_F(VerifyTest, MissingIssuanceManifestIsBenv) {
  ChainBuilder c(td_);
  ChainEntry e{.ebl_platform = "AAAA",
               .transport_document_checksum = c.td_checksum,
               .transactions = {Tx(ActionCode::kIssue, carrier_, shipper_),
                                Tx(ActionCode::kTransfer, shipper_, consignee_)}};
  c.chain.push_back(
      SignJson(Keys().a, crypto::SignatureAlgorithm::kRsaPssSha256, ToJson(e)).value());
  ExpectRejected(VerifyEnvelope(c.Envelope(Keys().a), Us()), ResponseCode::kBenv,
                 "issuanceManifestSignedContent is required");
}

TEST_F(VerifyTest, UnknownCarrierIsBsig) {
  auto td = td_;
  td["carrierCode"] = "ZIM";
  ChainBuilder c(td);
  c.Add("AAAA", Keys().a,
        {Tx(ActionCode::kIssue, carrier_, shipper_),
         Tx(ActionCode::kTransfer, shipper_, consignee_)});
  ExpectRejected(VerifyEnvelope(c.Envelope(Keys().a), Us()), ResponseCode::kBsig,
                 "carrier \"ZIM\"");
}

TEST_F(VerifyTest, EntryFromAnUnknownPlatformIsBsig) {
  ChainBuilder c(td_);
  auto elsewhere = MakeParty("Elsewhere Holder", "ZZZZ", "HOLDERZ");
  c.Add(
      "AAAA", Keys().a,
      {Tx(ActionCode::kIssue, carrier_, shipper_), Tx(ActionCode::kTransfer, shipper_, elsewhere)});
  c.Add("ZZZZ", Keys().stranger, {Tx(ActionCode::kTransfer, elsewhere, shipper2_)});
  c.Add("AAAA", Keys().a, {Tx(ActionCode::kTransfer, shipper2_, consignee_)});
  ExpectRejected(VerifyEnvelope(c.Envelope(Keys().a), Us()), ResponseCode::kBsig,
                 "platform \"ZZZZ\"");
}

TEST_F(VerifyTest, ActorOnAnotherPlatformThanTheEntryIsBenv) {
  ChainBuilder c(td_);
  c.Add("AAAA", Keys().a,
        {Tx(ActionCode::kIssue, carrier_, shipper_),
         Tx(ActionCode::kTransfer, shipper_, consignee_)});
  c.Add("AAAA", Keys().a, {Tx(ActionCode::kTransfer, consignee_, consignee_)});
  ExpectRejected(VerifyEnvelope(c.Envelope(Keys().a), Us()), ResponseCode::kBenv,
                 "the actor is on platform BBBB");
}

TEST_F(VerifyTest, SenderMustBeTheLastEntrysPlatform) {
  auto c = ThreeEntries(td_);
  ExpectRejected(VerifyEnvelope(c.Envelope(Keys().a), Us("CCCC")), ResponseCode::kBenv,
                 "sent by platform CCCC");
}

TEST_F(VerifyTest, StructuralErrorsAreBenvWithThePath) {
  ExpectRejected(VerifyEnvelope("not json", Us()), ResponseCode::kBenv, "EblEnvelope");
  ExpectRejected(VerifyEnvelope("[]", Us()), ResponseCode::kBenv, "expected a JSON object");
  ExpectRejected(VerifyEnvelope("{}", Us()), ResponseCode::kBenv, "$.transportDocument: required");
  auto c = ThreeEntries(td_);
  auto env = json::ParseObject(c.Envelope(Keys().a)).value();
  env["envelopeTransferChain"] = boost::json::array{};
  ExpectRejected(VerifyEnvelope(json::Serialize(env), Us()), ResponseCode::kBenv,
                 "$.envelopeTransferChain: minItems: 0 items, at least 1 required");
  env["envelopeTransferChain"] = boost::json::array{"a.b"};
  ExpectRejected(VerifyEnvelope(json::Serialize(env), Us()), ResponseCode::kBenv,
                 "$.envelopeTransferChain[0]: pattern:");
  env = json::ParseObject(c.Envelope(Keys().a)).value();
  env["transportDocument"].as_object().erase("carrierCode");
  ExpectRejected(VerifyEnvelope(json::Serialize(env), Us()), ResponseCode::kBenv,
                 "$.transportDocument.carrierCode: required");
}

// Chain entry 1 (BBBB's) replaced by a validly signed one whose first
// transaction is changed by `mutate`.
std::string EntryWithBadTransaction(const std::string& jws,
                                    void (*mutate)(boost::json::object& tx)) {
  auto bytes = crypto::Base64UrlDecode(crypto::ParseJws(jws).value().payload).value();
  auto entry = json::ParseObject(std::string(bytes.begin(), bytes.end())).value();
  mutate(entry["transactions"].as_array()[0].as_object());
  return SignJson(Keys().b, testing::AlgFor(Keys().b), entry).value();
}

TEST_F(VerifyTest, SchemaViolationsAreBenvNamingThePath) {
  auto c = ThreeEntries(td_);
  ASSERT_TRUE(VerifyEnvelope(c.Envelope(Keys().a), Us()));
  // The transport document: a required member, a type, a pattern.
  auto env = json::ParseObject(c.Envelope(Keys().a)).value();
  env["transportDocument"].as_object().erase("isElectronic");
  ExpectRejected(VerifyEnvelope(json::Serialize(env), Us()), ResponseCode::kBenv,
                 "EblEnvelope (DCSA PINT 3.0) does not conform: "
                 "$.transportDocument.isElectronic: required");
  env = json::ParseObject(c.Envelope(Keys().a)).value();
  env["transportDocument"].as_object()["isToOrder"] = "false";
  ExpectRejected(VerifyEnvelope(json::Serialize(env), Us()), ResponseCode::kBenv,
                 "$.transportDocument.isToOrder: type");
  env = json::ParseObject(c.Envelope(Keys().a)).value();
  env["transportDocument"].as_object()["transportDocumentReference"] = " PADDED";
  ExpectRejected(VerifyEnvelope(json::Serialize(env), Us()), ResponseCode::kBenv,
                 "$.transportDocument.transportDocumentReference: pattern");
  // A signed chain entry with a bad transaction.
  const auto no_actor = EntryWithBadTransaction(c.chain[1], [](auto& tx) { tx.erase("actor"); });
  ExpectRejected(
      VerifyEnvelope(
          c.Envelope(Keys().a, std::vector<std::string>{c.chain[0], no_actor, c.chain[2]}), Us()),
      ResponseCode::kBenv,
      "envelopeTransferChain/1: EnvelopeTransferChainEntry (DCSA PINT 3.0) does not conform: "
      "$.transactions[0].actor: required");
  const auto unknown =
      EntryWithBadTransaction(c.chain[1], [](auto& tx) { tx["actionCode"] = "TRNS"; });
  ExpectRejected(
      VerifyEnvelope(
          c.Envelope(Keys().a, std::vector<std::string>{c.chain[0], unknown, c.chain[2]}), Us()),
      ResponseCode::kBenv,
      "envelopeTransferChain/1: EnvelopeTransferChainEntry (DCSA PINT 3.0) does not conform: "
      "$.transactions[0].actionCode: enum");
  // The last entry is checked before the manifest (step 2).
  const auto bad_recipient = EntryWithBadTransaction(
      c.chain[1], [](auto& tx) { tx["recipient"].as_object()["identifyingCodes"] = 7; });
  ExpectRejected(
      VerifyEnvelope(c.Envelope(Keys().b, std::vector<std::string>{c.chain[0], bad_recipient}),
                     Us("BBBB")),
      ResponseCode::kBenv,
      "last envelopeTransferChain entry: EnvelopeTransferChainEntry (DCSA PINT 3.0) does not "
      "conform: $.transactions[0].recipient.identifyingCodes: type");
}

// The example of the DCSA PINT 3.0.0 specification: random JWS strings.
TEST_F(VerifyTest, TheSpecificationsRandomExampleFails) {
  const std::string sig =
      "c4SJ9-61fE6RmeIuZ3EI-TSM0M6qXuOudtr3YhpDjqVMaYk_RYpaWYvw75ssTbjgGFKTBKCy5lpmOfb8Fq--"
      "Qu2k0MWbH6qdX5jTYwl0DX946RQ"
      "g-hnmVTg9np3bmqVeKqKURyV-UUdG-KK_XCGzPZ-"
      "lZkeUlpMcIthQFs0pCODR9GPytv7ZXLPZFOmHM9fn3FD2yRqVhQzcs7HdcxMjCx6hkBW8Z-"
      "jW4qteVy2_E9uqjkKwlu_cQLoY83Z0mcjn0PZNQvKF10x7q1_Jjf_Su19UigTUu3pFMrzo4iPS_"
      "jcrFoIb3TSZNSzbgAwtujSBFOufPDyEmxlx1"
      "sH0ZowMvA";
  const std::string header =
      "eyJhbGciOiJSUzI1NiIsImtpZCI6IlVhRVdLNmt2ZkRITzNZT2NwUGl2M1RCT2JQTzk2SFZhR2U0czFhUUxBZU0ifQ";
  const std::string manifest =
      header +
      ".eyJ0cmFuc3BvcnREb2N1bWVudENoZWNrc3VtIjogIjU4M2MyOWFiM2U0N2YyZDgwODk5OTkzMjAwZDNmYmFkYjlmOGE"
      "zNjdmM2EzOWY3MTU5Mz"
      "VjNDZkN2EyODMwMDYiLCJsYXN0RW52ZWxvcGVUcmFuc2ZlckNoYWluRW50cnlTaWduZWRDb250ZW50Q2hlY2tzdW0iOi"
      "AiMjBhMDI1N2IzMTNhZT"
      "A4NDE3ZTA3ZjY1NTVjNGVjODI5YTUxMmMwODNmM2VhZDE2YjQxMTU4MDE4YTIyYWJlOSJ9." +
      sig;
  const std::string entry =
      header +
      ".eyJlYmxQbGF0Zm9ybSI6IkJPTEUiLCJ0cmFuc3BvcnREb2N1bWVudENoZWNrc3VtIjoiNTgzYzI5YWIzZTQ3ZjJkODA"
      "4OTk5OTMyMDBkM2ZiYWRi"
      "OWY4YTM2N2YzYTM5ZjcxNTkzNWM0NmQ3YTI4MzAwNiIsInRyYW5zYWN0aW9ucyI6W3siYWN0aW9uIjoiVFJOUyIsImFj"
      "dG9yIjp7InBhcnR5TmFt"
      "ZSI6IklLRUEgRGVubWFyayIsImVibFBsYXRmb3JtIjoiQk9MRSIsImlkZW50aWZ5aW5nQ29kZXMiOlt7ImNvZGVMaXN0"
      "UHJvdmlkZXIiOiJHTEVJ"
      "RiIsInBhcnR5Q29kZSI6IjIxMzgwMEhYNklaTTFRTkJBSjMzIiwiY29kZUxpc3ROYW1lIjoiTEVJIn1dfSwicmVjaXBp"
      "ZW50Ijp7InBhcnR5TmFt"
      "ZSI6IkhlbnJpayBMYXJzZW4iLCJlYmxQbGF0Zm9ybSI6IldBVkUiLCJ0YXhMZWdhbFJlZmVyZW5jZXMiOlt7InR5cGUi"
      "OiJDVlIiLCJjb3VudHJ5"
      "Q29kZSI6IkRLIiwidmFsdWUiOiIzMzk5MTI4MiJ9XX0sInRpbWVzdGFtcCI6MTcxMzM0MjY3OTUzMX1dfQ." +
      sig;
  boost::json::object env{
      {"transportDocument", td_},
      {"envelopeManifestSignedContent", manifest},
      {"envelopeTransferChain", boost::json::array{boost::json::string(entry)}}};
  auto v = VerifyEnvelope(json::Serialize(env), Us(std::nullopt));
  ASSERT_FALSE(v);
  // Even with BOLE registered under our key, the random signature fails.
  ASSERT_TRUE(b_.peers->PutPeer({.code = "BOLE",
                                 .base_url = "http://bole.invalid",
                                 .public_key_pem = Keys().a.public_key().ToPem()}));
  v = VerifyEnvelope(json::Serialize(env), Us(std::nullopt));
  ASSERT_FALSE(v);
  EXPECT_TRUE(v.error().code == ResponseCode::kBsig || v.error().code == ResponseCode::kBenv)
      << v.error().reason;
}

TEST(CompareWithKnown, DupeDiseAndExtension) {
  VerifiedEnvelope v;
  v.entry_checksums = {"e0", "e1", "e2"};
  EXPECT_FALSE(CompareWithKnown(v, {}));
  EXPECT_FALSE(CompareWithKnown(v, {.entry_checksums = {"e0", "e1"}}));
  auto dupe = CompareWithKnown(
      v, {.entry_checksums = {"e0", "e1", "e2"}, .accepted_last_checksums = {"e2"}});
  ASSERT_TRUE(dupe);
  EXPECT_EQ(dupe->code, ResponseCode::kDupe);
  auto fork = CompareWithKnown(v, {.entry_checksums = {"e0", "x1"}});
  ASSERT_TRUE(fork);
  EXPECT_EQ(fork->code, ResponseCode::kDise);
  EXPECT_NE(fork->reason.find("agree on 1 entry"), std::string::npos) << fork->reason;
  auto same_not_accepted = CompareWithKnown(v, {.entry_checksums = {"e0", "e1", "e2"}});
  ASSERT_TRUE(same_not_accepted);
  EXPECT_EQ(same_not_accepted->code, ResponseCode::kDise);
  auto longer = CompareWithKnown(v, {.entry_checksums = {"e0", "e1", "e2", "e3"}});
  ASSERT_TRUE(longer);
  EXPECT_EQ(longer->code, ResponseCode::kDise);
}

}  // namespace
}  // namespace digitrade::trade::etr::pint

namespace digitrade::trade::etr::pint {
namespace {

// The fixed key of fuzz/pint_envelope.cc (the same PEM is there).
constexpr std::string_view kFuzzKeyPem = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgEhWo7yAC5czD6lgN
8bGtR5Syuv3u9XNzH5Vxwjd8J26hRANCAARISBYwV2WRF4/gIqELFzwqzTo1/3bk
bWmjVvpuRjRH99DLkCxIeb/2dWxwjs4G6taoxELIFPkkt9nS8dJ7Wpho
-----END PRIVATE KEY-----
)";

// Writes the seeds of fuzz/pint_envelope.cc into $PINT_SEED_DIR: run with
// --gtest_also_run_disabled_tests when the model changes.
TEST(FuzzSeeds, DISABLED_WriteFuzzSeeds) {
  const char* dir = std::getenv("PINT_SEED_DIR");
  ASSERT_NE(dir, nullptr);
  auto key = crypto::PrivateKey::FromPem(kFuzzKeyPem).value();
  auto carrier = MakeParty("Carrier", "AAAA", "CARRIER");
  auto shipper = MakeParty("Shipper", "AAAA", "SHIPPER");
  auto consignee = MakeParty("Consignee", "BBBB", "CONSIGNEE");
  auto td = testing::TransportDocument("SEED0001");
  ChainBuilder c(td);
  ChainEntry e{.ebl_platform = "AAAA",
               .transport_document_checksum = c.td_checksum,
               .issuance_manifest_signed_content = testing::IssuanceManifestJws(key, td, shipper),
               .transactions = {Tx(ActionCode::kIssue, carrier, shipper),
                                Tx(ActionCode::kTransfer, shipper, consignee)}};
  c.chain.push_back(SignJson(key, crypto::SignatureAlgorithm::kEcdsaP256Sha256, ToJson(e)).value());
  std::ofstream(std::string(dir) + "/valid_one_entry.json") << c.Envelope(key);
  c.documents = {testing::Metadata("invoice.pdf", "%PDF")};
  std::ofstream(std::string(dir) + "/valid_with_document.json") << c.Envelope(key);
}

// The checked-in seeds verify with the fuzz key, so the fuzzer starts from
// accepted envelopes.
TEST(FuzzSeeds, ValidSeedsVerify) {
  const char* src = std::getenv("DIGITRADE_SOURCE_DIR");
  const std::string dir = std::string(src != nullptr ? src : DIGITRADE_SOURCE_DIR_DEFAULT) +
                          "/fuzz/corpus/pint_envelope/";
  const auto key = crypto::PrivateKey::FromPem(kFuzzKeyPem).value();
  Node b("BBBB", Keys().b);
  ASSERT_TRUE(b.peers->PutPeer({.code = "AAAA",
                                .base_url = "http://a.invalid",
                                .public_key_pem = key.public_key().ToPem()}));
  b.AddCarrier("HMM", key);
  ASSERT_TRUE(b.peers->PutParty(
      {.code = {.code_list_provider = "ZZZ", .party_code = "CONSIGNEE"}, .party_name = "C"}));
  for (const char* name : {"valid_one_entry.json", "valid_with_document.json"}) {
    std::ifstream in(dir + name);
    ASSERT_TRUE(in) << dir << name;
    const std::string body((std::istreambuf_iterator<char>(in)), {});
    auto v = VerifyEnvelope(body, {.platform_code = "BBBB",
                                   .keys = b.peers.get(),
                                   .parties = b.peers.get(),
                                   .schemas = &testing::Schemas(),
                                   .caller_platform = "AAAA"});
    EXPECT_TRUE(v) << name << ": " << v.error().reason;
  }
}

}  // namespace
}  // namespace digitrade::trade::etr::pint
