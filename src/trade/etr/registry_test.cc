// etr::Registry on both storage engines: issuance, the DCSA action rules,
// the adversarial cases of issue #5 (each must fail precisely and change
// nothing), races for exclusive control, and proofs of control checked
// from public material only.
#include "trade/etr/registry.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <boost/json/parse.hpp>
#include <mutex>
#include <thread>

#include "crypto/base64.h"
#include "crypto/hash.h"
#include "crypto/jcs.h"
#include "storage/internal/test_util.h"
#include "trade/etr/action.h"
#include "trade/etr/internal/test_env.h"
#include "trade/etr/proof.h"

namespace digitrade::trade::etr {
namespace {

using storage::testing::HasCode;
using testing::Engine;
using testing::EtrEnv;
using K = crypto::KeyType;
using A = crypto::SignatureAlgorithm;

class RegistryTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    std::string why;
    if (!env_.Setup(&why)) GTEST_SKIP() << why;
    env_.AddParty("org_carrier", "Bohai Ocean Lines", K::kEcP256, A::kEcdsaP256Sha256,
                  /*carrier=*/true);
    env_.AddParty("org_shipper", "Tianjin Export Trading", K::kEd25519, A::kEd25519);
    env_.AddParty("org_bank", "Bank of Binhai", K::kRsa, A::kRsaPssSha256);
    env_.AddParty("org_buyer", "Rotterdam Import", K::kSm2, A::kSm2Sm3);
    env_.AddParty("org_warehouse", "Tianjin Bonded Warehouse", K::kEcP384, A::kEcdsaP384Sha384,
                  false, true);
  }

  Registry& reg() { return env_.registry(); }

  std::string IssueBill(std::string_view reference, bool to_order) {
    auto out = env_.Issue(RecordType::kEbl, testing::TransportDocument(reference, to_order),
                          "org_carrier", "org_shipper");
    EXPECT_TRUE(out) << out.error().ToString();
    return out ? out->record.id : "";
  }

  // The record and its chain must be exactly as before a rejected action.
  void ExpectUnchanged(const Record& before) {
    auto now = reg().GetRecord(before.id);
    ASSERT_TRUE(now);
    EXPECT_EQ(now->sequence, before.sequence);
    EXPECT_EQ(now->head, before.head);
    EXPECT_EQ(now->state.holder_id, before.state.holder_id);
    EXPECT_EQ(now->state.endorsee_id, before.state.endorsee_id);
    EXPECT_EQ(now->state.status, before.state.status);
    EXPECT_EQ(reg().History(before.id)->size(), static_cast<std::size_t>(before.sequence + 1));
  }

  Record Get(const std::string& id) { return reg().GetRecord(id).value(); }

  // `racers` TRANSFERs of `id` signed by `holder` from the same state, each
  // to another of `parties` (not the holder), a millisecond apart (distinct
  // actionDateTime: distinct actions).
  std::vector<std::string> RacingTransfers(const std::string& id, const std::string& holder,
                                           const std::vector<std::string>& parties, int racers,
                                           int round) {
    std::vector<std::string> jws;
    for (int i = 0; i < racers; ++i) {
      std::string to = parties[(round + i) % parties.size()];
      if (to == holder) to = parties[(round + i + 1) % parties.size()];
      auto signed_action = env_.Signed(id, ActionCode::kTransfer, holder, to);
      EXPECT_TRUE(signed_action) << signed_action.error().ToString();
      if (!signed_action) return jws;
      jws.push_back(*signed_action);
      env_.clock().Advance(std::chrono::milliseconds(1));
    }
    return jws;
  }

  EtrEnv env_{GetParam()};
};

TEST_P(RegistryTest, IssueAndTransferAStraightBill) {
  const std::string id = IssueBill("BOHL0001", false);
  Record r = Get(id);
  EXPECT_EQ(r.state.holder_id, "org_shipper");
  EXPECT_EQ(r.state.endorsee_id, "");
  EXPECT_FALSE(r.state.to_order);
  EXPECT_EQ(r.sequence, 0);
  EXPECT_EQ(r.document_checksum, crypto::ToHex(crypto::Sha256(r.document)));
  auto t = env_.Do(id, ActionCode::kTransfer, "org_shipper", "org_buyer");
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_EQ(t->record.state.holder_id, "org_buyer");
  EXPECT_EQ(t->record.sequence, 1);
  ASSERT_TRUE(t->action.log_index);
  auto entry = env_.log().GetEntry(*t->action.log_index);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->kind, "etr.action");
  EXPECT_EQ(entry->data, t->action.log_data);
  auto history = reg().History(id);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].code, ActionCode::kIssue);
  EXPECT_EQ((*history)[1].previous_hash, (*history)[0].action_hash);
  auto mine = reg().ListRecords("org_buyer", 10, "");
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ(mine->front().id, id);
  EXPECT_TRUE(reg().ListRecords("org_bank", 10, "")->empty());
}

TEST_P(RegistryTest, DoubleIssuanceOfTheSameReference) {
  const std::string id = IssueBill("BOHL0002", false);
  const Record before = Get(id);
  auto again = env_.Issue(RecordType::kEbl, testing::TransportDocument("BOHL0002", true),
                          "org_carrier", "org_buyer");
  EXPECT_TRUE(HasCode(again, ErrorCode::kAlreadyExists, "already issued"));
  ExpectUnchanged(before);
  // A signed issuance prepared before the first one landed: the insert refuses it.
  IssueInput in{RecordType::kEbl,
                testing::TransportDocument("BOHL0003", false),
                "org_carrier",
                "org_shipper",
                {},
                {}};
  auto draft = reg().PrepareIssue(in);
  ASSERT_TRUE(draft);
  const SignedIssue signed_issue{in, env_.Sign("org_carrier", draft->manifest_payload),
                                 env_.Sign("org_carrier", draft->action_payload)};
  ASSERT_TRUE(reg().Issue(signed_issue, "org_carrier"));
  EXPECT_TRUE(HasCode(reg().Issue(signed_issue, "org_carrier"), ErrorCode::kAlreadyExists));
}

TEST_P(RegistryTest, IssuanceManifestSignedByANonCarrierKey) {
  IssueInput in{RecordType::kEbl,
                testing::TransportDocument("BOHL0004", false),
                "org_carrier",
                "org_shipper",
                {},
                {}};
  auto draft = reg().PrepareIssue(in);
  ASSERT_TRUE(draft);
  // The shipper's registered key, and a key nobody registered.
  const std::string by_shipper = env_.Sign("org_shipper", draft->manifest_payload);
  auto stranger = crypto::PrivateKey::Generate(K::kEcP256).value();
  const std::string by_stranger =
      EtrEnv::SignWith(stranger, A::kEcdsaP256Sha256, draft->manifest_payload);
  for (const auto& manifest : {by_shipper, by_stranger}) {
    auto r =
        reg().Issue({in, manifest, env_.Sign("org_carrier", draft->action_payload)}, "org_carrier");
    EXPECT_TRUE(HasCode(r, ErrorCode::kPermissionDenied,
                        "the issuance manifest: no key registered for org_carrier"));
  }
  // The shipper is not a carrier at all.
  IssueInput by_trader = in;
  by_trader.issuer_id = "org_shipper";
  EXPECT_TRUE(HasCode(reg().PrepareIssue(by_trader), ErrorCode::kPermissionDenied,
                      "not registered as a carrier"));
  EXPECT_TRUE(HasCode(reg().GetRecord(draft->record_id), ErrorCode::kNotFound));
}

TEST_P(RegistryTest, IssuanceManifestOffByOneByte) {
  IssueInput in{RecordType::kEbl,
                testing::TransportDocument("BOHL0005", false),
                "org_carrier",
                "org_shipper",
                {},
                {}};
  auto draft = reg().PrepareIssue(in);
  ASSERT_TRUE(draft);
  // The checksum of the document with one byte changed.
  std::string altered = draft->document;
  altered[altered.find("BOHL0005") + 7] = '6';
  const std::string manifest =
      crypto::CanonicalizeJson(
          boost::json::object{{"documentChecksum", crypto::ToHex(crypto::Sha256(altered))},
                              {"issueToChecksum",
                               boost::json::parse(draft->manifest_payload).at("issueToChecksum")}})
          .value();
  auto r = reg().Issue(
      {in, env_.Sign("org_carrier", manifest), env_.Sign("org_carrier", draft->action_payload)},
      "org_carrier");
  EXPECT_TRUE(HasCode(r, ErrorCode::kInvalidArgument, "documentChecksum"));
  // The document changed by one byte after signing.
  IssueInput changed = in;
  changed.document.as_object()["termsAndConditions"] = "Any reference in..!";
  r = reg().Issue({changed, env_.Sign("org_carrier", draft->manifest_payload),
                   env_.Sign("org_carrier", draft->action_payload)},
                  "org_carrier");
  EXPECT_TRUE(HasCode(r, ErrorCode::kInvalidArgument, "does not match the document"));
  EXPECT_TRUE(HasCode(reg().GetRecord(draft->record_id), ErrorCode::kNotFound));
}

TEST_P(RegistryTest, NonConformingDocumentsAreRejectedWithThePath) {
  auto doc = testing::TransportDocument("BOHL0006", false);
  doc.at_pointer("/transports/portOfLoading").as_object()["UNLocationCode"] = "deham";
  auto r = reg().PrepareIssue({RecordType::kEbl, doc, "org_carrier", "org_shipper", {}, {}});
  EXPECT_TRUE(HasCode(r, ErrorCode::kInvalidArgument,
                      "$.transports.portOfLoading.UNLocationCode: pattern"));
  doc = testing::TransportDocument("BOHL0006", false);
  doc.as_object()["isElectronic"] = false;
  EXPECT_TRUE(
      HasCode(reg().PrepareIssue({RecordType::kEbl, doc, "org_carrier", "org_shipper", {}, {}}),
              ErrorCode::kInvalidArgument, "$.isElectronic"));
}

TEST_P(RegistryTest, NonHolderTransfer) {
  const std::string id = IssueBill("BOHL0010", false);
  const Record before = Get(id);
  // The bank prepares (the engine refuses early) ...
  EXPECT_TRUE(HasCode(env_.Do(id, ActionCode::kTransfer, "org_bank", "org_buyer"),
                      ErrorCode::kPermissionDenied, "only the holder may TRANSFER"));
  // ... and signs a well-formed action on its own: refused at Act.
  ActionPayload p;
  p.record_id = id;
  p.sequence = 1;
  p.previous_hash = before.head;
  p.transaction = {{"actionCode", "TRANSFER"},
                   {"actor", LocalParty("DGTR", "org_bank", "Bank of Binhai")},
                   {"recipient", LocalParty("DGTR", "org_buyer", "Rotterdam Import")},
                   {"actionDateTime", "2026-11-28T10:00:00.000Z"}};
  const std::string jws = env_.Sign("org_bank", SerializePayload(p).value());
  EXPECT_TRUE(HasCode(reg().Act(id, jws, "org_bank"), ErrorCode::kPermissionDenied,
                      "only the holder may TRANSFER"));
  // The caller must be the actor it signs as.
  EXPECT_TRUE(
      HasCode(reg().Act(id, jws, "org_shipper"), ErrorCode::kPermissionDenied, "is not the actor"));
  // Signed with a key that is not the actor's.
  const std::string forged = env_.Sign("org_shipper", SerializePayload(p).value());
  EXPECT_TRUE(HasCode(reg().Act(id, forged, "org_bank"), ErrorCode::kPermissionDenied,
                      "no key registered for org_bank"));
  ExpectUnchanged(before);
}

TEST_P(RegistryTest, ToOrderEndorsementChain) {
  const std::string id = IssueBill("BOHL0020", true);
  EXPECT_EQ(Get(id).state.endorsee_id, "org_shipper");
  ASSERT_TRUE(env_.Do(id, ActionCode::kEndorseToOrder, "org_shipper", "org_bank"));
  ASSERT_TRUE(env_.Do(id, ActionCode::kTransfer, "org_shipper", "org_bank"));
  // The bank holds title and endorses to the buyer, who can surrender.
  ASSERT_TRUE(env_.Do(id, ActionCode::kEndorse, "org_bank", "org_buyer"));
  ASSERT_TRUE(env_.Do(id, ActionCode::kTransfer, "org_bank", "org_buyer"));
  const Record r = Get(id);
  EXPECT_EQ(r.state.holder_id, "org_buyer");
  EXPECT_EQ(r.state.endorsee_id, "org_buyer");
  // Plain ENDORSE ends the chain of endorsements.
  EXPECT_TRUE(HasCode(env_.Do(id, ActionCode::kEndorse, "org_buyer", "org_bank"),
                      ErrorCode::kFailedPrecondition, "may not endorse further"));
  auto s = env_.Do(id, ActionCode::kSurrenderForDelivery, "org_buyer", "org_carrier");
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(s->record.state.holder_id, "org_carrier");
}

TEST_P(RegistryTest, EndorseByANonEndorseeAndSurrenderOfAnEndorsedAwayBill) {
  const std::string id = IssueBill("BOHL0021", true);
  ASSERT_TRUE(env_.Do(id, ActionCode::kEndorseToOrder, "org_shipper", "org_bank"));
  const Record before = Get(id);
  // The shipper still holds the bill but endorsed it to the bank.
  ASSERT_EQ(before.state.holder_id, "org_shipper");
  EXPECT_TRUE(HasCode(env_.Do(id, ActionCode::kEndorse, "org_shipper", "org_buyer"),
                      ErrorCode::kPermissionDenied, "is not its endorsee"));
  EXPECT_TRUE(HasCode(env_.Do(id, ActionCode::kSurrenderForDelivery, "org_shipper", "org_carrier"),
                      ErrorCode::kPermissionDenied, "is not its endorsee"));
  // The endorsee without possession may not endorse either.
  EXPECT_TRUE(HasCode(env_.Do(id, ActionCode::kEndorse, "org_bank", "org_buyer"),
                      ErrorCode::kPermissionDenied, "not the holder"));
  ExpectUnchanged(before);
}

TEST_P(RegistryTest, EndorseOfAStraightBill) {
  const std::string id = IssueBill("BOHL0022", false);
  const Record before = Get(id);
  for (ActionCode c : {ActionCode::kEndorse, ActionCode::kEndorseToOrder}) {
    EXPECT_TRUE(HasCode(env_.Do(id, c, "org_shipper", "org_bank"), ErrorCode::kFailedPrecondition,
                        "this bill is straight"));
  }
  EXPECT_TRUE(HasCode(env_.Do(id, ActionCode::kBlankEndorse, "org_shipper"),
                      ErrorCode::kFailedPrecondition, "this bill is straight"));
  ExpectUnchanged(before);
}

TEST_P(RegistryTest, BlankEndorsedBillPassesByDelivery) {
  const std::string id = IssueBill("BOHL0023", true);
  ASSERT_TRUE(env_.Do(id, ActionCode::kBlankEndorse, "org_shipper"));
  ASSERT_TRUE(env_.Do(id, ActionCode::kTransfer, "org_shipper", "org_bank"));
  ASSERT_TRUE(env_.Do(id, ActionCode::kTransfer, "org_bank", "org_buyer"));
  ASSERT_TRUE(env_.Do(id, ActionCode::kSign, "org_buyer"));
  auto s = env_.Do(id, ActionCode::kSurrenderForDelivery, "org_buyer", "org_carrier");
  ASSERT_TRUE(s) << s.error().ToString();
}

TEST_P(RegistryTest, ReplayedAndReorderedActions) {
  const std::string id = IssueBill("BOHL0030", false);
  // Two actions signed in advance: shipper -> bank, then bank -> buyer.
  auto first = reg().PrepareAction(id, {ActionCode::kTransfer, "org_shipper", "org_bank", ""});
  ASSERT_TRUE(first);
  const std::string jws1 = env_.Sign("org_shipper", first->payload);
  ActionPayload p2;
  p2.record_id = id;
  p2.sequence = 2;
  p2.previous_hash = ActionHash(jws1);
  p2.transaction = {{"actionCode", "TRANSFER"},
                    {"actor", LocalParty("DGTR", "org_bank", "Bank of Binhai")},
                    {"recipient", LocalParty("DGTR", "org_buyer", "Rotterdam Import")},
                    {"actionDateTime", "2026-11-28T10:00:00.000Z"}};
  const std::string jws2 = env_.Sign("org_bank", SerializePayload(p2).value());
  const Record before = Get(id);
  // Out of order: the second first.
  EXPECT_TRUE(HasCode(reg().Act(id, jws2, "org_bank"), ErrorCode::kConflict, "is at sequence 0"));
  ExpectUnchanged(before);
  ASSERT_TRUE(reg().Act(id, jws1, "org_shipper"));
  ASSERT_TRUE(reg().Act(id, jws2, "org_bank"));
  const Record after = Get(id);
  EXPECT_EQ(after.state.holder_id, "org_buyer");
  // Replays of either.
  EXPECT_TRUE(HasCode(reg().Act(id, jws1, "org_shipper"), ErrorCode::kConflict, "a replay"));
  EXPECT_TRUE(HasCode(reg().Act(id, jws2, "org_bank"), ErrorCode::kConflict, "a replay"));
  ExpectUnchanged(after);
  // An action of one record submitted to another.
  const std::string other = IssueBill("BOHL0031", false);
  EXPECT_TRUE(
      HasCode(reg().Act(other, jws1, "org_shipper"), ErrorCode::kInvalidArgument, "is for record"));
}

TEST_P(RegistryTest, MalformedSignedActions) {
  const std::string id = IssueBill("BOHL0032", false);
  const Record before = Get(id);
  for (std::string_view bad :
       {"", "not a jws", "a.b.c", "{\"payload\":\"e30\"}", "eyJhbGciOiJub25lIn0.e30."}) {
    auto r = reg().Act(id, bad, "org_shipper");
    EXPECT_TRUE(HasCode(r, ErrorCode::kInvalidArgument))
        << bad << " " << (r ? "ok" : r.error().ToString());
  }
  // Payloads that are JSON but not actions.
  for (std::string_view payload :
       {R"({"recordId":"x"})", R"([1])",
        R"({"recordId":"x","sequence":1.5,"previousActionHash":null,"transaction":{}})"}) {
    auto r = reg().Act(id, env_.Sign("org_shipper", payload), "org_shipper");
    EXPECT_TRUE(HasCode(r, ErrorCode::kInvalidArgument)) << payload;
  }
  EXPECT_TRUE(HasCode(reg().Act(id, std::string(kMaxActionJwsBytes + 1, 'a'), "org_shipper"),
                      ErrorCode::kResourceExhausted));
  ExpectUnchanged(before);
}

TEST_P(RegistryTest, SurrenderFlow) {
  const std::string id = IssueBill("BOHL0040", false);
  EXPECT_TRUE(HasCode(env_.Do(id, ActionCode::kSurrenderForDelivery, "org_bank", "org_carrier"),
                      ErrorCode::kPermissionDenied, "not the holder"));
  EXPECT_TRUE(HasCode(env_.Do(id, ActionCode::kSurrenderAccepted, "org_carrier"),
                      ErrorCode::kFailedPrecondition, "none is pending"));
  ASSERT_TRUE(env_.Do(id, ActionCode::kSurrenderForDelivery, "org_shipper", "org_carrier"));
  Record pending = Get(id);
  EXPECT_EQ(pending.state.status, RecordStatus::kSurrenderPending);
  EXPECT_EQ(pending.state.holder_id, "org_carrier");
  EXPECT_TRUE(HasCode(env_.Do(id, ActionCode::kTransfer, "org_shipper", "org_bank"),
                      ErrorCode::kFailedPrecondition, "a surrender is pending"));
  EXPECT_TRUE(HasCode(env_.Do(id, ActionCode::kSurrenderForDelivery, "org_shipper", "org_carrier"),
                      ErrorCode::kFailedPrecondition, "a surrender is pending"));
  // Rejected: possession returns to the shipper.
  auto rejected = env_.Do(id, ActionCode::kSurrenderRejected, "org_carrier", "org_shipper");
  ASSERT_TRUE(rejected) << rejected.error().ToString();
  EXPECT_EQ(rejected->record.state.holder_id, "org_shipper");
  EXPECT_EQ(rejected->record.state.status, RecordStatus::kActive);
  ASSERT_TRUE(env_.Do(id, ActionCode::kSurrenderForDelivery, "org_shipper", "org_carrier"));
  auto accepted = env_.Do(id, ActionCode::kSurrenderAccepted, "org_carrier", "org_shipper");
  ASSERT_TRUE(accepted) << accepted.error().ToString();
  EXPECT_EQ(accepted->record.state.status, RecordStatus::kSurrendered);
  const Record done = Get(id);
  // Terminal forever: a second surrender, a second SACC, any other action.
  EXPECT_TRUE(HasCode(env_.Do(id, ActionCode::kSurrenderForDelivery, "org_carrier", "org_carrier"),
                      ErrorCode::kFailedPrecondition, "surrendered: no further actions"));
  EXPECT_TRUE(HasCode(env_.Do(id, ActionCode::kSurrenderAccepted, "org_carrier"),
                      ErrorCode::kFailedPrecondition, "no further actions"));
  EXPECT_TRUE(HasCode(env_.Do(id, ActionCode::kTransfer, "org_carrier", "org_bank"),
                      ErrorCode::kFailedPrecondition, "no further actions"));
  // Even a correctly chained action signed by the holder is refused at Act.
  ActionPayload p;
  p.record_id = id;
  p.sequence = done.sequence + 1;
  p.previous_hash = done.head;
  p.transaction = {{"actionCode", "TRANSFER"},
                   {"actor", LocalParty("DGTR", "org_carrier", "Bohai Ocean Lines")},
                   {"recipient", LocalParty("DGTR", "org_bank", "Bank of Binhai")},
                   {"actionDateTime", "2026-11-28T10:00:00.000Z"}};
  EXPECT_TRUE(
      HasCode(reg().Act(id, env_.Sign("org_carrier", SerializePayload(p).value()), "org_carrier"),
              ErrorCode::kFailedPrecondition, "no further actions"));
  ExpectUnchanged(done);
}

TEST_P(RegistryTest, AmendmentVoidsTheOriginalAndSwitchToPaperIsTerminal) {
  const std::string id = IssueBill("BOHL0050", false);
  ASSERT_TRUE(env_.Do(id, ActionCode::kSurrenderForAmendment, "org_shipper", "org_carrier", "COD"));
  // Not yet accepted: no amendment.
  auto doc = testing::TransportDocument("BOHL0050", false);
  doc.at_pointer("/transports/portOfDischarge").as_object()["UNLocationCode"] = "NLRTM";
  EXPECT_TRUE(HasCode(env_.Issue(RecordType::kEbl, doc, "org_carrier", "org_shipper", id),
                      ErrorCode::kFailedPrecondition, "surrender_pending"));
  ASSERT_TRUE(env_.Do(id, ActionCode::kSurrenderAccepted, "org_carrier"));
  EXPECT_EQ(Get(id).state.status, RecordStatus::kAmended);
  auto amended = env_.Issue(RecordType::kEbl, doc, "org_carrier", "org_shipper", id);
  ASSERT_TRUE(amended) << amended.error().ToString();
  EXPECT_NE(amended->record.id, id);
  EXPECT_EQ(amended->record.version, 2);
  EXPECT_EQ(amended->record.amendment_of, id);
  EXPECT_EQ(amended->record.sequence, 0);
  const Record old = Get(id);
  EXPECT_EQ(old.state.status, RecordStatus::kVoid);
  EXPECT_EQ(old.amended_by, amended->record.id);
  EXPECT_TRUE(HasCode(env_.Issue(RecordType::kEbl, doc, "org_carrier", "org_shipper", id),
                      ErrorCode::kFailedPrecondition, "void"));
  // The new record has its own chain and works.
  ASSERT_TRUE(env_.Do(amended->record.id, ActionCode::kTransfer, "org_shipper", "org_buyer"));
  // Switch to paper.
  const std::string paper = IssueBill("BOHL0051", false);
  ASSERT_TRUE(
      env_.Do(paper, ActionCode::kSurrenderForAmendment, "org_shipper", "org_carrier", "SWTP"));
  ASSERT_TRUE(env_.Do(paper, ActionCode::kSurrenderAccepted, "org_carrier"));
  EXPECT_EQ(Get(paper).state.status, RecordStatus::kSwitchedToPaper);
  EXPECT_TRUE(HasCode(env_.Do(paper, ActionCode::kSign, "org_carrier"),
                      ErrorCode::kFailedPrecondition, "switched_to_paper"));
  EXPECT_TRUE(HasCode(env_.Issue(RecordType::kEbl, doc, "org_carrier", "org_shipper", paper),
                      ErrorCode::kFailedPrecondition, "switched_to_paper"));
}

TEST_P(RegistryTest, WarehouseReceiptsOnTheSameEngine) {
  auto issued =
      env_.Issue(RecordType::kWarehouseReceipt, testing::WarehouseReceipt("TJW-2026-0001"),
                 "org_warehouse", "org_shipper");
  ASSERT_TRUE(issued) << issued.error().ToString();
  const std::string id = issued->record.id;
  EXPECT_TRUE(
      HasCode(env_.Issue(RecordType::kWarehouseReceipt, testing::WarehouseReceipt("TJW-2026-0002"),
                         "org_carrier", "org_shipper"),
              ErrorCode::kPermissionDenied, "not registered as a warehouse"));
  auto bad = testing::WarehouseReceipt("TJW-2026-0003");
  bad.as_object()["quantity"] = 0;
  EXPECT_TRUE(
      HasCode(env_.Issue(RecordType::kWarehouseReceipt, bad, "org_warehouse", "org_shipper"),
              ErrorCode::kInvalidArgument, "$.quantity: exclusiveMinimum"));
  ASSERT_TRUE(env_.Do(id, ActionCode::kPledge, "org_shipper", "org_bank"));
  EXPECT_EQ(Get(id).state.pledgee_id, "org_bank");
  EXPECT_TRUE(HasCode(env_.Do(id, ActionCode::kTransfer, "org_shipper", "org_buyer"),
                      ErrorCode::kFailedPrecondition, "pledged"));
  EXPECT_TRUE(HasCode(env_.Do(id, ActionCode::kRelease, "org_shipper"),
                      ErrorCode::kPermissionDenied, "only the pledgee"));
  EXPECT_TRUE(HasCode(env_.Do(id, ActionCode::kEndorse, "org_shipper", "org_buyer"),
                      ErrorCode::kFailedPrecondition, "not an action on a record of type ewr"));
  ASSERT_TRUE(env_.Do(id, ActionCode::kRelease, "org_bank"));
  ASSERT_TRUE(env_.Do(id, ActionCode::kTransfer, "org_shipper", "org_buyer"));
  ASSERT_TRUE(env_.Do(id, ActionCode::kSurrenderForDelivery, "org_buyer", "org_warehouse"));
  auto done = env_.Do(id, ActionCode::kSurrenderAccepted, "org_warehouse");
  ASSERT_TRUE(done) << done.error().ToString();
  EXPECT_EQ(done->record.state.status, RecordStatus::kSurrendered);
}

// Exclusive control: of actions racing from the same state exactly one
// applies; the others get conflict and change nothing. Repeated.
TEST_P(RegistryTest, ConcurrentConflictingTransfersExactlyOneWins) {
  const std::string id = IssueBill("BOHL0060", false);
  const std::vector<std::string> parties = {"org_shipper", "org_bank", "org_buyer", "org_carrier"};
  constexpr int kRounds = 25;
  constexpr int kRacers = 6;
  for (int round = 0; round < kRounds; ++round) {
    const Record before = Get(id);
    const std::string holder = before.state.holder_id;
    const std::vector<std::string> jws = RacingTransfers(id, holder, parties, kRacers, round);
    ASSERT_EQ(jws.size(), static_cast<std::size_t>(kRacers));
    std::atomic<int> wins{0};
    std::atomic<int> conflicts{0};
    std::atomic<int> other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kRacers; ++i) {
      threads.emplace_back([&, i] {
        auto r = reg().Act(id, jws[i], holder);
        if (r) {
          ++wins;
        } else if (r.error().code() == ErrorCode::kConflict) {
          ++conflicts;
        } else {
          ++other;
          ADD_FAILURE() << r.error().ToString();
        }
      });
    }
    for (auto& t : threads) t.join();
    ASSERT_EQ(wins.load(), 1) << "round " << round;
    ASSERT_EQ(conflicts.load(), kRacers - 1);
    const Record after = Get(id);
    ASSERT_EQ(after.sequence, before.sequence + 1);
    ASSERT_EQ(reg().History(id)->size(), static_cast<std::size_t>(after.sequence + 1));
  }
}

// Two servers on one database (the second forwards its log entries to the
// first): actions racing from the same state through both still resolve to
// exactly one winner, and each record's chain is in the log in order.
TEST_P(RegistryTest, TwoServersRacingExactlyOneWins) {
  const std::string id = IssueBill("BOHL0070", false);
  auto second = env_.OpenSecondServer("server-b");
  ASSERT_TRUE(second) << second.error().ToString();
  ASSERT_FALSE(second->log->sequencing());
  Registry* servers[2] = {&reg(), second->registry.get()};
  const std::vector<std::string> parties = {"org_shipper", "org_bank", "org_buyer"};
  constexpr int kRounds = 8;
  constexpr int kRacers = 4;
  for (int round = 0; round < kRounds; ++round) {
    const Record before = Get(id);
    const std::string holder = before.state.holder_id;
    const std::vector<std::string> jws = RacingTransfers(id, holder, parties, kRacers, round);
    ASSERT_EQ(jws.size(), static_cast<std::size_t>(kRacers));
    std::atomic<int> wins{0};
    std::atomic<int> conflicts{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kRacers; ++i) {
      threads.emplace_back([&, i] {
        auto r = servers[(round + i) % 2]->Act(id, jws[i], holder);
        if (r) {
          ++wins;
        } else if (r.error().code() == ErrorCode::kConflict) {
          ++conflicts;
        } else {
          ADD_FAILURE() << r.error().ToString();
        }
      });
    }
    for (auto& t : threads) t.join();
    ASSERT_EQ(wins.load(), 1) << "round " << round;
    ASSERT_EQ(conflicts.load(), kRacers - 1);
  }
  const auto history = reg().History(id).value();
  ASSERT_EQ(history.size(), static_cast<std::size_t>(kRounds + 1));
  for (std::size_t i = 1; i < history.size(); ++i) {
    ASSERT_TRUE(history[i].log_index) << "action " << i;
    EXPECT_GT(*history[i].log_index, *history[i - 1].log_index);
    EXPECT_EQ(env_.log().GetEntry(*history[i].log_index).value().data, history[i].log_data);
  }
}

// ActAsync on the sequencing server and on one that forwards: the answer
// comes through the executor, a forwarded action's index is stored there,
// a declined action (a replay) gets its verdict, and one that fails before
// the hand-off is answered before ActAsync returns.
TEST_P(RegistryTest, AsyncActionsOnBothServers) {
  const std::string id = IssueBill("BOHL0071", false);
  auto second = env_.OpenSecondServer("server-b");
  ASSERT_TRUE(second) << second.error().ToString();
  Registry* servers[2] = {&reg(), second->registry.get()};
  std::mutex mu;
  std::vector<std::thread> tasks;  // the executor: a thread per task
  const Executor executor = [&](std::function<void()> task) {
    std::lock_guard lock(mu);
    tasks.emplace_back(std::move(task));
  };
  const auto act = [&](Registry& server, const std::string& jws, const std::string& caller) {
    std::promise<Result<ActionOutcome>> answered;
    server.ActAsync(id, jws, caller, executor,
                    [&](Result<ActionOutcome> out) { answered.set_value(std::move(out)); });
    return answered.get_future().get();
  };
  std::string holder = "org_shipper";
  std::string last_jws;
  std::string last_actor;
  for (int round = 0; round < 4; ++round) {
    const std::string to = holder == "org_shipper" ? "org_buyer" : "org_shipper";
    auto jws = env_.Signed(id, ActionCode::kTransfer, holder, to);
    ASSERT_TRUE(jws) << jws.error().ToString();
    auto out = act(*servers[round % 2], *jws, holder);
    ASSERT_TRUE(out) << "round " << round << ": " << out.error().ToString();
    EXPECT_EQ(out->record.state.holder_id, to);
    ASSERT_TRUE(out->action.log_index);
    EXPECT_EQ(env_.log().GetEntry(*out->action.log_index).value().data, out->action.log_data);
    last_actor = holder;
    holder = to;
    last_jws = *jws;
  }
  auto replay = act(*servers[1], last_jws, last_actor);
  ASSERT_FALSE(replay);
  EXPECT_EQ(replay.error().code(), ErrorCode::kConflict) << replay.error().ToString();
  bool early = false;
  servers[1]->ActAsync(id, "not a jws", holder, executor, [&](Result<ActionOutcome> out) {
    early = true;
    EXPECT_FALSE(out);
  });
  EXPECT_TRUE(early);
  {
    std::lock_guard lock(mu);
    for (auto& t : tasks) t.join();
  }
  // Every index stored (the forwarded ones by the executor's task), in order.
  const auto history = reg().History(id).value();
  ASSERT_EQ(history.size(), 5u);
  for (std::size_t i = 1; i < history.size(); ++i) {
    ASSERT_TRUE(history[i].log_index) << "action " << i;
    EXPECT_GT(*history[i].log_index, *history[i - 1].log_index);
  }
}

// Two servers issuing the same reference at once: exactly one wins, the
// other gets already_exists, and actions on other records batched with the
// loser are not dragged down with it. On PostgreSQL both guards can pass the
// existence check before either commits; the loser's insert then finds the
// winner's row, which must be its own verdict and not an error failing its
// whole batch (it did in about one run in four before the fix).
TEST_P(RegistryTest, RacingIssuancesFailOnlyThemselves) {
  const std::string other = IssueBill("BOHL0075", false);
  auto second = env_.OpenSecondServer("server-b");
  ASSERT_TRUE(second) << second.error().ToString();
  Registry* servers[2] = {&reg(), second->registry.get()};
  constexpr int kRounds = 12;
  for (int round = 0; round < kRounds; ++round) {
    const std::string reference = fmt::format("RACE{:04d}", round);
    const IssueInput in{RecordType::kEbl, testing::TransportDocument(reference, false),
                        "org_carrier", "org_shipper", {}, {}};
    auto draft = reg().PrepareIssue(in);
    ASSERT_TRUE(draft) << draft.error().ToString();
    const SignedIssue signed_issue{in, env_.Sign("org_carrier", draft->manifest_payload),
                                   env_.Sign("org_carrier", draft->action_payload)};
    const std::string holder = Get(other).state.holder_id;
    auto transfer = env_.Signed(other, ActionCode::kTransfer, holder,
                                holder == "org_shipper" ? "org_bank" : "org_shipper");
    ASSERT_TRUE(transfer) << transfer.error().ToString();
    std::atomic<int> issued{0};
    std::atomic<int> duplicates{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        auto r = servers[i]->Issue(signed_issue, "org_carrier");
        if (r) {
          ++issued;
        } else if (r.error().code() == ErrorCode::kAlreadyExists) {
          ++duplicates;
        } else {
          ADD_FAILURE() << r.error().ToString();
        }
      });
    }
    threads.emplace_back([&] {
      auto r = reg().Act(other, *transfer, holder);
      EXPECT_TRUE(r) << "round " << round << ": " << r.error().ToString();
    });
    for (auto& t : threads) t.join();
    ASSERT_EQ(issued.load(), 1) << "round " << round;
    ASSERT_EQ(duplicates.load(), 1) << "round " << round;
    env_.clock().Advance(std::chrono::milliseconds(1));
  }
}

// A committed action whose log index was lost (forwarded to another
// server that did not store it, or a crash before storing it) holds the
// record until it is repaired: the next action is told to retry, the repair
// finds the entry by its leaf hash (an action committed with its entry is
// never appended again), and the retry goes through.
TEST_P(RegistryTest, ALostLogIndexIsRepairedWithoutADuplicate) {
  const std::string id = IssueBill("BOHL0080", false);
  auto t1 = env_.Do(id, ActionCode::kTransfer, "org_shipper", "org_bank");
  ASSERT_TRUE(t1) << t1.error().ToString();
  ASSERT_TRUE(t1->action.log_index);
  ASSERT_TRUE(env_.db().Execute(
      "UPDATE etr_actions SET log_index = NULL WHERE record_id = $1 AND sequence = 1", {id}));
  const std::uint64_t size = env_.log().Size().value();
  auto next = env_.Signed(id, ActionCode::kTransfer, "org_bank", "org_buyer");
  ASSERT_TRUE(next);
  EXPECT_TRUE(HasCode(reg().Act(id, *next, "org_bank"), ErrorCode::kUnavailable, "retry"));
  EXPECT_EQ(env_.log().Size().value(), size);  // refused: nothing appended
  auto done = reg().Act(id, *next, "org_bank");
  ASSERT_TRUE(done) << done.error().ToString();
  EXPECT_EQ(reg().History(id).value()[1].log_index, t1->action.log_index);
  EXPECT_EQ(env_.log().Size().value(), size + 1);  // only the new action was appended
}

// The PINT contract: a chain received from another platform becomes a
// record whose history is the chain as received, and local actions continue
// it; the same record cannot be imported twice.
TEST_P(RegistryTest, ImportedChainIsContinuedLocally) {
  ImportedRecord in;
  in.type = RecordType::kEbl;
  in.document = testing::TransportDocument("FRGN0001", false);
  in.issuer_id = "org_carrier";
  in.issuance_manifest = "eyJhbGciOiJFUzI1NiJ9.e30.c2ln";
  in.chain = {{"entry-0-signed-content", ActionCode::kIssue, "FOREIGN:carrier", "FOREIGN:shipper"},
              {"entry-1-signed-content", ActionCode::kTransfer, "FOREIGN:shipper", "org_shipper"}};
  in.state.holder_id = "org_shipper";
  auto rec = reg().ImportRecord(in);
  ASSERT_TRUE(rec) << rec.error().ToString();
  EXPECT_TRUE(rec->imported);
  EXPECT_EQ(rec->sequence, 1);
  EXPECT_EQ(rec->head, ActionHash("entry-1-signed-content"));
  auto history = reg().History(rec->id);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].jws, "entry-0-signed-content");
  EXPECT_EQ((*history)[1].previous_hash, ActionHash("entry-0-signed-content"));
  EXPECT_EQ((*history)[1].log_kind, "etr.import");
  EXPECT_TRUE((*history)[1].log_index.has_value());
  // The local holder acts on it; the chain continues from the last entry.
  auto t = env_.Do(rec->id, ActionCode::kTransfer, "org_shipper", "org_bank");
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_EQ(t->action.previous_hash, ActionHash("entry-1-signed-content"));
  EXPECT_TRUE(HasCode(reg().ImportRecord(in), ErrorCode::kAlreadyExists));
  // An entry too large for one log leaf is refused before anything is stored.
  ImportedRecord huge = in;
  huge.document = testing::TransportDocument("FRGN0003", false);
  huge.chain[1].signed_content = std::string(70000, 'x');
  EXPECT_TRUE(HasCode(reg().ImportRecord(huge), ErrorCode::kResourceExhausted));
  EXPECT_EQ(reg().ListRecords("org_carrier", 50, "").value().size(), 1u);
  ImportedRecord unknown_holder = in;
  unknown_holder.document = testing::TransportDocument("FRGN0002", false);
  unknown_holder.state.holder_id = "org_nobody";
  EXPECT_TRUE(HasCode(reg().ImportRecord(unknown_holder), ErrorCode::kNotFound));
  // The proof of control reports the imported steps as PINT-verified.
  auto proof = reg().ProveControl(rec->id);
  ASSERT_TRUE(proof) << proof.error().ToString();
  EXPECT_EQ(proof->chain.size(), 3u);
}

class ProofTest : public RegistryTest {
 protected:
  ProofVerifier Verifier() {
    log_key_ = env_.log().verifier();
    // Only public keys, as a bank's verifier would have them.
    return LocalVerifier(reg(), env_.log(), log_key_);
  }
  // Re-points a proof at a fresh checkpoint (as a verifier asking "now" would).
  void Refresh(ControlProof& proof) {
    proof.checkpoint = env_.log().PublishCheckpoint().value();
    const auto v = env_.log().verifier();
    proof.checkpoint_size =
        ledger::OpenCheckpoint(proof.checkpoint, env_.log().origin(), {&v, 1})->size;
    for (auto& link : proof.chain) {
      link.inclusion =
          env_.log().InclusionProof(*link.action.log_index, proof.checkpoint_size).value();
    }
  }
  ledger::NoteVerifier log_key_ = ledger::testing::TestSigner().Verifier();
};

TEST_P(ProofTest, ProofOfControlVerifiesFromPublicMaterial) {
  const std::string id = IssueBill("BOHL0070", true);
  const std::string noise = IssueBill("BOHL0071", false);
  ASSERT_TRUE(env_.Do(id, ActionCode::kEndorseToOrder, "org_shipper", "org_bank"));
  ASSERT_TRUE(env_.Do(noise, ActionCode::kTransfer, "org_shipper", "org_buyer"));
  ASSERT_TRUE(env_.Do(id, ActionCode::kTransfer, "org_shipper", "org_bank"));
  auto proof = reg().ProveControl(id);
  ASSERT_TRUE(proof) << proof.error().ToString();
  ASSERT_EQ(proof->chain.size(), 3u);
  auto report = VerifyControlProof(*proof, Verifier());
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->holder_id, "org_bank");
  ASSERT_EQ(report->steps.size(), 3u);
  EXPECT_EQ(report->steps[2].signature, "valid");
  EXPECT_EQ(report->steps[2].inclusion, "included");
  // Unrelated entries after the last link are scanned and pass.
  ASSERT_TRUE(env_.Do(noise, ActionCode::kTransfer, "org_buyer", "org_shipper"));
  Refresh(*proof);
  auto again = VerifyControlProof(*proof, Verifier());
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_GE(again->entries_scanned, 1u);
}

TEST_P(ProofTest, FailsWhenALaterEntryExistsOrAnEntryIsDropped) {
  const std::string id = IssueBill("BOHL0072", false);
  ASSERT_TRUE(env_.Do(id, ActionCode::kTransfer, "org_shipper", "org_bank"));
  ASSERT_TRUE(env_.Do(id, ActionCode::kTransfer, "org_bank", "org_buyer"));
  const ControlProof proof = reg().ProveControl(id).value();
  ASSERT_TRUE(VerifyControlProof(proof, Verifier()));
  {  // The last entry dropped: claims the bank still controls it.
    ControlProof stale = proof;
    stale.chain.pop_back();
    stale.record.head = stale.chain.back().action.action_hash;
    stale.record.state.holder_id = "org_bank";
    auto r = VerifyControlProof(stale, Verifier());
    EXPECT_TRUE(HasCode(r, ErrorCode::kFailedPrecondition, "a later entry for"))
        << r.error().ToString();
  }
  {  // A middle entry dropped.
    ControlProof gap = proof;
    gap.chain.erase(gap.chain.begin() + 1);
    EXPECT_TRUE(HasCode(VerifyControlProof(gap, Verifier()), ErrorCode::kFailedPrecondition,
                        "chain is broken"));
  }
  {  // A claimed holder the chain does not lead to.
    ControlProof lie = proof;
    lie.record.state.holder_id = "org_shipper";
    EXPECT_TRUE(HasCode(VerifyControlProof(lie, Verifier()), ErrorCode::kFailedPrecondition,
                        "the chain leads to"));
  }
  {  // A later action happens; the old proof against a fresh checkpoint fails.
    ASSERT_TRUE(env_.Do(id, ActionCode::kTransfer, "org_buyer", "org_shipper"));
    ControlProof old = proof;
    Refresh(old);
    EXPECT_TRUE(HasCode(VerifyControlProof(old, Verifier()), ErrorCode::kFailedPrecondition,
                        "a later entry for"));
  }
  {  // A tampered log entry is not included.
    ControlProof tampered = proof;
    tampered.chain[1].action.log_data[5] ^= 1;
    EXPECT_TRUE(HasCode(VerifyControlProof(tampered, Verifier()), ErrorCode::kFailedPrecondition,
                        "not included"));
  }
  {  // A checkpoint signed by another log key.
    ControlProof forged = proof;
    log_key_ = ledger::testing::TestSigner("digitrade.test/log/evidence", 2).Verifier();
    ProofVerifier v = Verifier();
    const auto other = ledger::testing::TestSigner("digitrade.test/log/evidence", 2).Verifier();
    v.log_key = &other;
    EXPECT_TRUE(HasCode(VerifyControlProof(forged, v), ErrorCode::kUnauthenticated));
  }
}

// Wraps a database: when armed, the n-th statement of the next log batch
// transaction (the one that starts with the sequencer's fence) fails, as if
// the server died there: the transaction never commits.
class CrashingDatabase final : public storage::Database {
 public:
  explicit CrashingDatabase(storage::Database& db) : db_(db) {}

  void Arm(int n) {
    std::lock_guard lock(mu_);
    fail_at_ = n;
    fired_ = false;
  }
  // Disarms; returns whether the crash happened.
  bool Disarm() {
    std::lock_guard lock(mu_);
    fail_at_ = 0;
    return fired_;
  }

  storage::Dialect dialect() const override { return db_.dialect(); }
  Result<storage::ResultSet> Query(std::string_view sql, const storage::Params& p) override {
    return db_.Query(sql, p);
  }
  Result<std::int64_t> Execute(std::string_view sql, const storage::Params& p) override {
    return db_.Execute(sql, p);
  }
  Status ExecuteScript(std::string_view sql) override { return db_.ExecuteScript(sql); }
  Status Transact(const std::function<Status(storage::Executor&)>& fn,
                  storage::TxMode mode) override {
    return db_.Transact(
        [&](storage::Executor& ex) {
          Counting counting(ex, *this);
          return fn(counting);
        },
        mode);
  }

 private:
  class Counting final : public storage::Executor {
   public:
    Counting(storage::Executor& ex, CrashingDatabase& db) : ex_(ex), db_(db) {}
    Result<storage::ResultSet> Query(std::string_view sql, const storage::Params& p) override {
      DT_TRY(Step(sql));
      return ex_.Query(sql, p);
    }
    Result<std::int64_t> Execute(std::string_view sql, const storage::Params& p) override {
      DT_TRY(Step(sql));
      return ex_.Execute(sql, p);
    }
    Status ExecuteScript(std::string_view sql) override {
      DT_TRY(Step(sql));
      return ex_.ExecuteScript(sql);
    }

   private:
    Status Step(std::string_view sql) {
      if (count_ == 0) batch_ = sql.starts_with("UPDATE ledger_logs SET lease_expires");
      ++count_;
      if (!batch_) return {};
      std::lock_guard lock(db_.mu_);
      if (db_.fail_at_ != count_) return {};
      db_.fail_at_ = 0;
      db_.fired_ = true;
      return Unavailable("injected crash");
    }
    storage::Executor& ex_;
    CrashingDatabase& db_;
    int count_ = 0;
    bool batch_ = false;
  };

  storage::Database& db_;
  std::mutex mu_;
  int fail_at_ = 0;
  bool fired_ = false;
};

// The state change and its log entry are one commit: a crash at any
// statement of the batch leaves neither (the signed action can be sent
// again and applies once), a restart repairs nothing because nothing is
// half done, and every action in the tables is in the log at its index.
class CrashTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    std::string why;
    if (!env_.Setup(&why)) GTEST_SKIP() << why;
    env_.AddParty("org_carrier", "Bohai Ocean Lines", K::kEd25519, A::kEd25519, true);
    env_.AddParty("org_shipper", "Tianjin Export Trading", K::kEd25519, A::kEd25519);
    env_.AddParty("org_bank", "Bank of Binhai", K::kEcP256, A::kEcdsaP256Sha256);
  }

  // Every action of the record is in the log, at its index, as logged.
  void ExpectChainLogged(const std::string& id) {
    auto history = env_.registry().History(id);
    ASSERT_TRUE(history) << history.error().ToString();
    for (const auto& a : *history) {
      ASSERT_TRUE(a.log_index) << "action " << a.sequence << " has no log index";
      auto entry = env_.log().GetEntry(*a.log_index);
      ASSERT_TRUE(entry) << entry.error().ToString();
      EXPECT_EQ(entry->kind, a.log_kind);
      EXPECT_EQ(entry->data, a.log_data);
    }
  }

  CrashingDatabase* crashing_ = nullptr;
  EtrEnv env_{GetParam(), [this](storage::Database& db) {
                auto wrapped = std::make_unique<CrashingDatabase>(db);
                crashing_ = wrapped.get();
                return std::unique_ptr<storage::Database>(std::move(wrapped));
              }};
};

TEST_P(CrashTest, ACrashAtAnyStatementOfTheBatchLeavesNoHalfState) {
  auto issued = env_.Issue(RecordType::kEbl, testing::TransportDocument("BOHL0900", false),
                           "org_carrier", "org_shipper");
  ASSERT_TRUE(issued) << issued.error().ToString();
  const std::string id = issued->record.id;
  auto jws = env_.Signed(id, ActionCode::kTransfer, "org_shipper", "org_bank");
  ASSERT_TRUE(jws);
  int crashes = 0;
  for (int n = 1;; ++n) {
    ASSERT_LT(n, 100) << "the batch never completed";
    const Record before = env_.registry().GetRecord(id).value();
    const std::uint64_t size = env_.log().Size().value();
    crashing_->Arm(n);
    auto out = env_.registry().Act(id, *jws, "org_shipper");
    if (!crashing_->Disarm()) {
      ASSERT_TRUE(out) << out.error().ToString();
      break;
    }
    ++crashes;
    ASSERT_FALSE(out) << "acknowledged although the batch did not commit (statement " << n << ")";
    EXPECT_TRUE(HasCode(out, ErrorCode::kUnavailable, "injected crash"));
    const Record after = env_.registry().GetRecord(id).value();
    EXPECT_EQ(after.sequence, before.sequence);
    EXPECT_EQ(after.head, before.head);
    EXPECT_EQ(after.state.holder_id, "org_shipper");
    EXPECT_EQ(env_.registry().History(id)->size(), 1u);
    EXPECT_EQ(env_.log().Size().value(), size);
  }
  EXPECT_GE(crashes, 5);  // the fence, the guard's reads and writes, the entry, the tiles
  const std::uint64_t size = env_.log().Size().value();
  // The same signed action again: applied already, so a replay.
  EXPECT_TRUE(
      HasCode(env_.registry().Act(id, *jws, "org_shipper"), ErrorCode::kConflict, "a replay"));
  EXPECT_EQ(env_.log().Size().value(), size);
  ASSERT_TRUE(env_.Restart());
  const Record rec = env_.registry().GetRecord(id).value();
  EXPECT_EQ(rec.sequence, 1);
  EXPECT_EQ(rec.state.holder_id, "org_bank");
  EXPECT_EQ(env_.log().Size().value(), size);  // the restart appended nothing
  ExpectChainLogged(id);
  // The chain goes on after the restart.
  auto t2 = env_.Do(id, ActionCode::kTransfer, "org_bank", "org_shipper");
  ASSERT_TRUE(t2) << t2.error().ToString();
  ExpectChainLogged(id);
}

// Many transfers racing on many records through the batched path: every
// acknowledged action is in the tables and in the log, each exactly once.
TEST_P(CrashTest, BatchedActionsAreLoggedExactlyOnce) {
  constexpr int kRecords = 8;
  constexpr int kRounds = 6;
  std::vector<std::string> ids;
  for (int i = 0; i < kRecords; ++i) {
    auto issued = env_.Issue(RecordType::kEbl,
                             testing::TransportDocument(fmt::format("BOHL09{:02}", i), false),
                             "org_carrier", "org_shipper");
    ASSERT_TRUE(issued) << issued.error().ToString();
    ids.push_back(issued->record.id);
  }
  const std::uint64_t size = env_.log().Size().value();
  const std::string holders[2] = {"org_shipper", "org_bank"};
  for (int round = 0; round < kRounds; ++round) {
    std::vector<std::string> jws;
    for (const auto& id : ids) {
      auto signed_action =
          env_.Signed(id, ActionCode::kTransfer, holders[round % 2], holders[1 - round % 2]);
      ASSERT_TRUE(signed_action);
      jws.push_back(*signed_action);
    }
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int i = 0; i < kRecords; ++i) {
      threads.emplace_back([&, i] {
        auto r = env_.registry().Act(ids[i], jws[i], holders[round % 2]);
        if (r)
          ++ok;
        else
          ADD_FAILURE() << r.error().ToString();
      });
    }
    for (auto& t : threads) t.join();
    ASSERT_EQ(ok.load(), kRecords);
  }
  EXPECT_EQ(env_.log().Size().value(), size + kRecords * kRounds);
  for (const auto& id : ids) ExpectChainLogged(id);
}

INSTANTIATE_TEST_SUITE_P(Engines, CrashTest, ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         ledger::testing::EngineName);

INSTANTIATE_TEST_SUITE_P(Engines, RegistryTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         ledger::testing::EngineName);
INSTANTIATE_TEST_SUITE_P(Engines, ProofTest, ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         ledger::testing::EngineName);

}  // namespace
}  // namespace digitrade::trade::etr
