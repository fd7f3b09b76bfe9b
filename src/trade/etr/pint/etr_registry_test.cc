// PINT over the etr engine: two platforms (A "DGTA", B "DGTB"), each an etr
// Registry with its own database and evidence log and a PintService over it,
// connected in process. An eBL issued on A with etr moves to B by a holder's
// signed etr action, is acted on at B, comes back to A and continues the same
// record; refusals change nothing; a lost answer keeps the record locked
// and a retry resends the same envelope; a local action racing the outbound
// transfer never lets both win. SQLite and PostgreSQL.
#include "trade/etr/pint/etr_registry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/json.h"
#include "crypto/random.h"
#include "storage/internal/test_util.h"
#include "trade/etr/action.h"
#include "trade/etr/internal/test_env.h"
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

boost::json::object Document(const std::string& reference) {
  auto doc = trade::etr::testing::Fixture("transport-document-pint.json").as_object();
  doc["transportDocumentReference"] = reference;
  return doc;
}

// One platform: etr registry, PINT service, loopback transport.
struct Platform {
  Platform(Engine engine, const std::string& platform, const crypto::PrivateKey& private_key)
      : env(engine, {.platform_code = platform}, PintMigrations()),
        code(platform),
        key(private_key),
        transport(platform, {}) {}

  bool Setup(std::string* why) {
    if (!env.Setup(why)) return false;
    auto s = PintService::Create(env.db(), env.clock(), random, env.log(), transport,
                                 {.platform_code = code, .private_key_pem = key.ToPem()},
                                 &env.registry());
    if (!s) {
      *why = s.error().ToString();
      return false;
    }
    pint = std::move(*s);
    return true;
  }
  std::string Url() const { return "http://peer.invalid/" + code; }

  // The holder's signed action to `recipient` on another platform.
  std::string SignedAway(const std::string& id, const std::string& actor,
                         const boost::json::object& recipient) {
    auto prepared =
        env.registry().PrepareTransferOut(id, {ActionCode::kTransfer, actor, "", ""}, recipient);
    EXPECT_TRUE(prepared) << prepared.error().ToString();
    return prepared ? env.Sign(actor, prepared->payload) : "";
  }
  Result<OutboundResult> SendAway(const std::string& id, const std::string& actor,
                                  const boost::json::object& recipient) {
    return pint->etr_transfers()->Send(id, SignedAway(id, actor, recipient), actor);
  }
  Away Where(const std::string& id) { return env.registry().GetAway(id).value(); }

  // Verifies the record's proof of control with public material only.
  Result<ProofReport> VerifyProof(const std::string& id) {
    DT_ASSIGN_OR_RETURN(auto proof, env.registry().ProveControl(id));
    const ledger::NoteVerifier log_key = env.log().verifier();
    const ProofVerifier v = LocalVerifier(env.registry(), env.log(), log_key);
    return VerifyControlProof(proof, v);
  }

  EtrEnv env;
  std::string code;
  crypto::PrivateKey key;
  crypto::OsRandom random;
  testing::LoopbackTransport transport;
  std::unique_ptr<PintService> pint;
};

class EtrPintTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    std::string why;
    if (!a_.Setup(&why) || !b_.Setup(&why)) GTEST_SKIP() << why;
    a_.transport.receivers[b_.Url()] = &b_.pint->receiver();
    b_.transport.receivers[a_.Url()] = &a_.pint->receiver();
    for (auto [here, there] : {std::pair{&a_, &b_}, std::pair{&b_, &a_}}) {
      ASSERT_TRUE(here->pint->peers().PutPeer({.code = there->code,
                                               .base_url = there->Url(),
                                               .public_key_pem = there->key.public_key().ToPem()}));
    }
    a_.env.AddParty("org_carrier", "Hyundai Merchant Marine", K::kEcP256, A::kEcdsaP256Sha256,
                    /*carrier=*/true);
    a_.env.AddParty("org_shipper", "Tianjin Export Trading", K::kEd25519, A::kEd25519);
    a_.env.AddParty("org_holder2", "Bank of Binhai", K::kRsa, A::kRsaPssSha256);
    b_.env.AddParty("org_consignee", "Rotterdam Import", K::kEcP384, A::kEcdsaP384Sha384);
    b_.env.AddParty("org_agent", "Rotterdam Agent", K::kEd25519, A::kEd25519);
    // Both know the carrier's key by its DCSA carrierCode (HMM).
    const auto& carrier = a_.env.party("org_carrier").key;
    for (Platform* p : {&a_, &b_}) {
      ASSERT_TRUE(p->pint->peers().PutCarrier(
          {.code = "HMM", .public_key_pem = carrier.public_key().ToPem()}));
    }
  }

  std::string Issue(const std::string& reference) {
    auto out = a_.env.Issue(RecordType::kEbl, Document(reference), "org_carrier", "org_shipper");
    EXPECT_TRUE(out) << out.error().ToString();
    return out ? out->record.id : "";
  }
  boost::json::object AtB(const std::string& org, const std::string& name) {
    return trade::etr::LocalParty("DGTB", org, name);
  }
  boost::json::object AtA(const std::string& org, const std::string& name) {
    return trade::etr::LocalParty("DGTA", org, name);
  }
  std::optional<Record> FindAtB(const std::string& checksum) {
    return b_.env.registry().FindRecord(checksum).value();
  }

  Platform a_{GetParam(), "DGTA", testing::Keys().a};
  Platform b_{GetParam(), "DGTB", testing::Keys().b};
};

TEST_P(EtrPintTest, IssuedHereGoesToBActsThereAndComesBackToTheSameRecord) {
  const std::string id = Issue("WIRE0001");
  ASSERT_TRUE(a_.env.Do(id, ActionCode::kTransfer, "org_shipper", "org_holder2"));
  const Record before = a_.env.registry().GetRecord(id).value();

  auto sent = a_.SendAway(id, "org_holder2", AtB("org_consignee", "Rotterdam Import"));
  ASSERT_TRUE(sent) << sent.error().ToString();
  EXPECT_EQ(ResponseCodeName(sent->outcome.code), "RECE");
  EXPECT_EQ(sent->record.sequence, before.sequence + 1);
  EXPECT_EQ(sent->record.state.holder_id, "DGTB/DGTB/org_consignee");
  EXPECT_EQ(a_.Where(id).status, AwayStatus::kAway);
  EXPECT_EQ(a_.Where(id).platform, "DGTB");
  // The proof shows the chain up to the transfer away, held by B's party.
  auto report = a_.VerifyProof(id);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->holder_id, "DGTB/DGTB/org_consignee");
  // Held elsewhere: no local action.
  EXPECT_FALSE(a_.env.Do(id, ActionCode::kTransfer, "org_holder2", "org_shipper"));
  EXPECT_TRUE(HasCode(
      a_.env.registry().PrepareTransferOut(id, {ActionCode::kTransfer, "org_holder2", "", ""},
                                           AtB("org_agent", "Rotterdam Agent")),
      ErrorCode::kFailedPrecondition, "held on platform DGTB"));

  // At B: one etr record, held by the recipient, visible in its list, its
  // chain the entry A signed (ISSUE, the local TRANSFER, the transfer to B).
  auto at_b = FindAtB(before.document_checksum);
  ASSERT_TRUE(at_b);
  EXPECT_TRUE(at_b->imported);
  EXPECT_EQ(at_b->state.holder_id, "org_consignee");
  EXPECT_EQ(at_b->state.issuer_id, "DGTA/DGTA/org_carrier");
  EXPECT_EQ(b_.env.registry().ListRecords("org_consignee", 10, "").value().size(), 1u);
  auto exported = a_.pint->registry().Export(id).value();
  ASSERT_EQ(exported.chain.size(), 1u);
  EXPECT_FALSE(exported.held);
  ASSERT_TRUE(exported.possessor);
  EXPECT_EQ(exported.possessor->party_name, "Rotterdam Import");

  // B acts locally, then sends it back to the shipper on A.
  ASSERT_TRUE(b_.env.Do(at_b->id, ActionCode::kTransfer, "org_consignee", "org_agent"));
  auto back = b_.SendAway(at_b->id, "org_agent", AtA("org_shipper", "Tianjin Export Trading"));
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(ResponseCodeName(back->outcome.code), "RECE");
  EXPECT_EQ(b_.Where(at_b->id).status, AwayStatus::kAway);

  // The same record on A continues: B's entry appended, held by the shipper.
  const Record home = a_.env.registry().GetRecord(id).value();
  EXPECT_EQ(home.state.holder_id, "org_shipper");
  EXPECT_EQ(home.sequence, before.sequence + 2);
  EXPECT_EQ(a_.Where(id).status, AwayStatus::kHere);
  auto history = a_.env.registry().History(id).value();
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[2].log_kind, "etr.action");
  EXPECT_EQ(history[3].log_kind, "etr.import");
  EXPECT_EQ(history[3].previous_hash, history[2].action_hash);
  EXPECT_EQ(a_.pint->registry().Export(id).value().chain.size(), 2u);
  auto home_report = a_.VerifyProof(id);
  ASSERT_TRUE(home_report) << home_report.error().ToString();
  EXPECT_EQ(home_report->holder_id, "org_shipper");
  // Local actions continue on it, and it can leave again.
  ASSERT_TRUE(a_.env.Do(id, ActionCode::kTransfer, "org_shipper", "org_holder2"));
  auto again = a_.SendAway(id, "org_holder2", AtB("org_consignee", "Rotterdam Import"));
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(FindAtB(before.document_checksum)->state.holder_id, "org_consignee");
  EXPECT_EQ(b_.Where(at_b->id).status, AwayStatus::kHere);
  EXPECT_EQ(b_.env.registry().History(at_b->id).value().size(), 4u);
}

TEST_P(EtrPintTest, ARefusalChangesNothingHere) {
  const std::string id = Issue("WIRE0002");
  const Record before = a_.env.registry().GetRecord(id).value();
  // B has no such party: BENV, signed; the record stays with the shipper.
  auto refused = a_.SendAway(id, "org_shipper", AtB("org_nobody", "Nobody"));
  EXPECT_TRUE(HasCode(refused, ErrorCode::kFailedPrecondition, "refused the transfer: BENV"));
  const Record after = a_.env.registry().GetRecord(id).value();
  EXPECT_EQ(after.sequence, before.sequence);
  EXPECT_EQ(after.head, before.head);
  EXPECT_EQ(after.state.holder_id, "org_shipper");
  EXPECT_EQ(a_.Where(id).status, AwayStatus::kHere);
  EXPECT_FALSE(FindAtB(before.document_checksum));
  // A platform that is no peer: nothing is sent, nothing locked.
  EXPECT_TRUE(HasCode(
      a_.SendAway(id, "org_shipper", trade::etr::LocalParty("ZZZZ", "org_x", "Somewhere Else")),
      ErrorCode::kNotFound, "not a registered PINT peer"));
  EXPECT_EQ(a_.Where(id).status, AwayStatus::kHere);
  // Not the holder: refused before anything is locked.
  const std::string by_other = a_.SignedAway(id, "org_shipper", AtB("org_consignee", "R"));
  EXPECT_TRUE(HasCode(a_.pint->etr_transfers()->Send(id, by_other, "org_holder2"),
                      ErrorCode::kPermissionDenied, "not the actor"));
  EXPECT_TRUE(a_.env.Do(id, ActionCode::kTransfer, "org_shipper", "org_holder2"));
}

TEST_P(EtrPintTest, ALostAnswerKeepsTheRecordLockedAndTheRetryResendsTheSameEnvelope) {
  const std::string id = Issue("WIRE0003");
  const std::string jws = a_.SignedAway(id, "org_shipper", AtB("org_consignee", "R"));
  a_.transport.lose_answers = 1;
  auto lost = a_.pint->etr_transfers()->Send(id, jws, "org_shipper");
  EXPECT_TRUE(HasCode(lost, ErrorCode::kUnavailable, "transfer pending"));
  EXPECT_EQ(a_.Where(id).status, AwayStatus::kPending);
  // B accepted it already; here nobody may act on it meanwhile.
  ASSERT_TRUE(FindAtB(a_.env.registry().GetRecord(id)->document_checksum));
  EXPECT_FALSE(a_.env.Do(id, ActionCode::kTransfer, "org_shipper", "org_holder2"));
  const std::string other =
      a_.env.Sign("org_shipper",
                  a_.env.registry().GetRecord(id).value().head);  // any other signed text
  EXPECT_FALSE(a_.pint->etr_transfers()->Send(id, other, "org_shipper"));
  EXPECT_EQ(a_.Where(id).status, AwayStatus::kPending);
  // The retry: the same envelope, so B answers DUPE and the record leaves.
  auto retried = a_.pint->etr_transfers()->Send(id, jws, "org_shipper");
  ASSERT_TRUE(retried) << retried.error().ToString();
  EXPECT_EQ(ResponseCodeName(retried->outcome.code), "DUPE");
  EXPECT_EQ(a_.Where(id).status, AwayStatus::kAway);
  EXPECT_EQ(a_.env.registry().History(id).value().size(), 2u);
  // Posting it once more after it left is refused: it is held elsewhere.
  EXPECT_TRUE(HasCode(a_.pint->etr_transfers()->Send(id, jws, "org_shipper"),
                      ErrorCode::kFailedPrecondition, "held on platform DGTB"));
}

// An eBL recorded with POST /v1/pint/ebls for a party known only to PINT:
// the platform sends it (no holder signature), reserved while unanswered.
TEST_P(EtrPintTest, APlatformSendForAPintOnlyPartyIsReservedUntilAnswered) {
  const Party shipper = testing::MakeParty("PINT Shipper", "DGTA", "SHIPPER");
  const Party consignee = testing::MakeParty("PINT Consignee", "DGTB", "CONSIGNEE");
  const Party other = testing::MakeParty("Other Consignee", "DGTB", "OTHER");
  ASSERT_TRUE(a_.pint->peers().PutParty(
      {.code = shipper.identifying_codes.front(), .party_name = shipper.party_name}));
  for (const Party* p : {&consignee, &other}) {
    ASSERT_TRUE(b_.pint->peers().PutParty(
        {.code = p->identifying_codes.front(), .party_name = p->party_name}));
  }
  const auto td = Document("WIRE0004");
  auto issued = a_.pint->sender().RecordIssued(
      {.transport_document = td,
       .issuance_manifest_signed_content =
           testing::IssuanceManifestJws(a_.env.party("org_carrier").key, td, shipper),
       .carrier = testing::MakeParty("HMM", "DGTA", "HMM"),
       .issue_to = shipper});
  ASSERT_TRUE(issued) << issued.error().ToString();
  const std::string id = issued->record_id;
  EXPECT_EQ(a_.env.registry().GetRecord(id).value().state.holder_id, "DGTA/ZZZ/SHIPPER");

  a_.transport.lose_answers = 1;
  EXPECT_TRUE(
      HasCode(a_.pint->sender().Send({.document = id, .peer = "DGTB", .recipient = consignee}),
              ErrorCode::kUnavailable));
  EXPECT_EQ(a_.Where(id).status, AwayStatus::kPending);
  // Another send while the first is unanswered is refused; the retry goes through.
  EXPECT_TRUE(HasCode(a_.pint->sender().Send({.document = id, .peer = "DGTB", .recipient = other}),
                      ErrorCode::kFailedPrecondition));
  auto retried = a_.pint->sender().Send({.document = id, .peer = "DGTB", .recipient = consignee});
  ASSERT_TRUE(retried) << retried.error().ToString();
  EXPECT_EQ(ResponseCodeName(retried->code), "DUPE");
  EXPECT_EQ(a_.Where(id).status, AwayStatus::kAway);
  EXPECT_EQ(a_.env.registry().GetRecord(id).value().state.holder_id, "DGTB/ZZZ/CONSIGNEE");
  EXPECT_EQ(FindAtB(CanonicalChecksum(td).value())->state.holder_id, "DGTB/ZZZ/CONSIGNEE");
}

// The holder on B surrenders the bill to its carrier on A: the record on A
// is pending surrender with the carrier, who accepts it there; it is terminal.
TEST_P(EtrPintTest, SurrenderToTheCarrierOnAnotherPlatform) {
  const std::string id = Issue("WIRE0006");
  ASSERT_TRUE(a_.SendAway(id, "org_shipper", AtB("org_consignee", "Rotterdam Import")));
  const auto at_b = FindAtB(a_.env.registry().GetRecord(id).value().document_checksum).value();
  auto prepared = b_.env.registry().PrepareTransferOut(
      at_b.id, {ActionCode::kSurrenderForDelivery, "org_consignee", "", ""},
      AtA("org_carrier", "Hyundai Merchant Marine"));
  ASSERT_TRUE(prepared) << prepared.error().ToString();
  auto sent = b_.pint->etr_transfers()->Send(
      at_b.id, b_.env.Sign("org_consignee", prepared->payload), "org_consignee");
  ASSERT_TRUE(sent) << sent.error().ToString();
  EXPECT_EQ(ResponseCodeName(sent->outcome.code), "RECE");
  const Record home = a_.env.registry().GetRecord(id).value();
  EXPECT_EQ(home.state.status, RecordStatus::kSurrenderPending);
  EXPECT_EQ(home.state.holder_id, "org_carrier");
  EXPECT_EQ(home.state.surrender_from, "DGTB/DGTB/org_consignee");
  auto accepted = a_.env.Do(id, ActionCode::kSurrenderAccepted, "org_carrier");
  ASSERT_TRUE(accepted) << accepted.error().ToString();
  EXPECT_EQ(accepted->record.state.status, RecordStatus::kSurrendered);
  EXPECT_TRUE(a_.pint->registry().Export(id).value().surrendered);
}

// A chain every PINT check accepts, for a document the etr engine does not
// take (not electronic): a signed BENV, nothing recorded, not a 5xx.
TEST_P(EtrPintTest, ADocumentTheEngineRefusesIsBenvAtTheReceiver) {
  ASSERT_TRUE(b_.pint->peers().PutCarrier(
      {.code = "HMM", .public_key_pem = testing::Keys().carrier.public_key().ToPem()}));
  auto td = Document("WIRE0005");
  td["isElectronic"] = false;
  const Party carrier = testing::MakeParty("HMM", "DGTA", "HMM");
  const Party shipper = testing::MakeParty("Shipper", "DGTA", "SHIPPER");
  const Party consignee = testing::MakeParty("Consignee", "DGTB", "CONSIGNEE");
  ASSERT_TRUE(b_.pint->peers().PutParty({.code = consignee.identifying_codes.front(),
                                         .party_name = consignee.party_name}));
  testing::ChainBuilder chain(td);
  chain.Add("DGTA", a_.key,
            {testing::Tx(ActionCode::kIssue, carrier, shipper),
             testing::Tx(ActionCode::kTransfer, shipper, consignee)});
  auto r = b_.pint->receiver().StartTransfer("DGTA", chain.Envelope(a_.key));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 422);
  EXPECT_NE(json::Serialize(r->body).size(), 0u);
  auto v = crypto::VerifyJws(r->body.get_string(), b_.key.public_key());
  ASSERT_TRUE(v);
  const auto payload = json::ParseObject(std::string(v->payload.begin(), v->payload.end())).value();
  EXPECT_EQ(payload.at("responseCode").get_string(), "BENV");
  EXPECT_NE(json::Serialize(payload).find("isElectronic"), std::string::npos)
      << json::Serialize(payload);
  EXPECT_FALSE(FindAtB(chain.td_checksum));
}

TEST_P(EtrPintTest, ALocalActionRacingTheOutboundTransferNeverBothWin) {
  for (int round = 0; round < 8; ++round) {
    const std::string id = Issue(fmt::format("WIRE1{:03}", round));
    const std::string away = a_.SignedAway(id, "org_shipper", AtB("org_consignee", "R"));
    const std::string local =
        a_.env.Signed(id, ActionCode::kTransfer, "org_shipper", "org_holder2").value();
    std::atomic<bool> sent_ok{false}, local_ok{false};
    std::thread t1(
        [&] { sent_ok = a_.pint->etr_transfers()->Send(id, away, "org_shipper").has_value(); });
    std::thread t2([&] { local_ok = a_.env.registry().Act(id, local, "org_shipper").has_value(); });
    t1.join();
    t2.join();
    EXPECT_NE(sent_ok.load(), local_ok.load()) << "round " << round;
    const Record rec = a_.env.registry().GetRecord(id).value();
    EXPECT_EQ(rec.sequence, 1);
    EXPECT_EQ(FindAtB(rec.document_checksum).has_value(), sent_ok.load());
    EXPECT_EQ(rec.state.holder_id, sent_ok ? "DGTB/DGTB/org_consignee" : "org_holder2");
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, EtrPintTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         ledger::testing::EngineName);

}  // namespace
}  // namespace digitrade::trade::etr::pint
