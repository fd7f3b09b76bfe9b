#include "trade/etr/pint/test_util.h"

#include <gtest/gtest.h>

#include <boost/json/array.hpp>
#include <fstream>
#include <sstream>

#include "common/json.h"
#include "crypto/ed25519.h"
#include "storage/sqlite/sqlite_database.h"

namespace digitrade::trade::etr::pint::testing {

namespace {

std::string SourceDir() {
  const char* s = std::getenv("DIGITRADE_SOURCE_DIR");
  return s != nullptr ? s : DIGITRADE_SOURCE_DIR_DEFAULT;
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

}  // namespace

const TestKeys& Keys() {
  static const TestKeys kKeys{crypto::PrivateKey::Generate(crypto::KeyType::kEcP256).value(),
                              crypto::PrivateKey::Generate(crypto::KeyType::kRsa, 2048).value(),
                              crypto::PrivateKey::Generate(crypto::KeyType::kEcP384).value(),
                              crypto::PrivateKey::Generate(crypto::KeyType::kEcP256).value()};
  return kKeys;
}

const SchemaSet& Schemas() {
  static const SchemaSet kSchemas = SchemaSet::Dcsa(kDcsaPint).value();
  return kSchemas;
}

crypto::SignatureAlgorithm AlgFor(const crypto::PrivateKey& key) {
  return crypto::DefaultAlgorithm(key.type());
}

boost::json::object TransportDocument(const std::string& reference) {
  std::ifstream in(SourceDir() + "/src/trade/etr/pint/testdata/pint-3.0.0-transport-document.json");
  EXPECT_TRUE(in) << "testdata missing";
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = Replace(ss.str(), "TRANSPORT_DOCUMENT_REFERENCE_PLACEHOLDER", reference);
  text = Replace(text, "SHIPPING_INSTRUCTION_REFERENCE_PLACEHOLDER", "SI-" + reference);
  text = Replace(text, "BOOKING_REFERENCE_PLACEHOLDER", "BK-" + reference);
  return json::ParseObject(text).value();
}

Party MakeParty(const std::string& name, const std::string& platform, const std::string& code) {
  Party p{.party_name = name,
          .ebl_platform = platform,
          .identifying_codes = {{.code_list_provider = "ZZZ", .party_code = code}}};
  p.json = {{"partyName", name},
            {"eblPlatform", platform},
            {"identifyingCodes", boost::json::array{boost::json::object{{"codeListProvider", "ZZZ"},
                                                                        {"partyCode", code}}}}};
  return p;
}

Transaction Tx(ActionCode action, const Party& actor, std::optional<Party> recipient) {
  return Transaction{.action = action,
                     .actor = actor,
                     .recipient = std::move(recipient),
                     .action_date_time = "2026-01-01T00:00:00.000Z"};
}

std::string IssuanceManifestJws(const crypto::PrivateKey& carrier, const boost::json::object& td,
                                const Party& issue_to) {
  boost::json::object m{
      {"documentChecksum", CanonicalChecksum(td).value()},
      {"issueToChecksum", CanonicalChecksum(IssueToFromRecipient(issue_to)).value()}};
  return SignJson(carrier, AlgFor(carrier), m).value();
}

ChainBuilder::ChainBuilder(boost::json::object t)
    : td(std::move(t)), td_checksum(CanonicalChecksum(td).value()) {}

std::string ChainBuilder::Add(const std::string& platform, const crypto::PrivateKey& signer,
                              std::vector<Transaction> txs, std::optional<std::string> issuance) {
  ChainEntry e{.ebl_platform = platform,
               .transport_document_checksum = td_checksum,
               .transactions = std::move(txs)};
  if (chain.empty()) {
    e.issuance_manifest_signed_content =
        issuance ? *issuance
                 : IssuanceManifestJws(Keys().carrier, td, *e.transactions.front().recipient);
  } else {
    e.previous_checksum = SignedContentChecksum(chain.back());
  }
  chain.push_back(SignJson(signer, AlgFor(signer), ToJson(e)).value());
  return chain.back();
}

std::string ChainBuilder::Envelope(const crypto::PrivateKey& key, const std::vector<std::string>& c,
                                   const std::vector<DocumentMetadata>& docs) const {
  EnvelopeManifest m{.transport_document_checksum = td_checksum,
                     .last_entry_checksum = SignedContentChecksum(c.back()),
                     .supporting_documents = docs};
  boost::json::array entries;
  for (const auto& e : c) entries.emplace_back(e);
  boost::json::object envelope{
      {"transportDocument", td},
      {"envelopeManifestSignedContent", SignJson(key, AlgFor(key), ToJson(m)).value()},
      {"envelopeTransferChain", std::move(entries)}};
  return json::Serialize(envelope);
}

DocumentMetadata Metadata(const std::string& name, const std::string& content) {
  DocumentMetadata d{.name = name,
                     .size = static_cast<std::int64_t>(content.size()),
                     .media_type = "application/octet-stream",
                     .document_checksum = Sha256Hex(content)};
  d.json = {{"name", d.name},
            {"size", d.size},
            {"mediaType", d.media_type},
            {"documentChecksum", d.document_checksum}};
  return d;
}

Node::Node(std::string code, const crypto::PrivateKey& key)
    : signer{.platform_code = code, .key = key, .alg = AlgFor(key)} {
  db = storage::SqliteDatabase::Open((tmp.path() / "node.db").string()).value();
  std::vector<storage::Migration> all = ledger::Log::Migrations();
  for (auto& m : PintMigrations()) all.push_back(m);
  EXPECT_TRUE(storage::ApplyMigrations(*db, all));
  auto log_key = crypto::Ed25519PrivateKey::Generate(random).value();
  log = ledger::Log::Open(*db, clock,
                          ledger::NoteSigner::Create("pint.test/" + code, log_key).value(),
                          {.instance_id = "test"})
            .value();
  peers = std::make_unique<PeerDirectory>(*db, clock, code, key.public_key());
  registry = std::make_unique<SqlEblRegistry>(*db, clock);
  receiver = std::make_unique<Receiver>(Context());
}

Node::~Node() {
  receiver.reset();
  log.reset();
  db.reset();
}

void Node::AddPeer(const Node& other, std::optional<std::string> user_id) {
  ASSERT_TRUE(peers->PutPeer({.code = other.signer.platform_code,
                              .base_url = "http://peer.invalid/" + other.signer.platform_code,
                              .public_key_pem = other.signer.key.public_key().ToPem(),
                              .user_id = std::move(user_id)}));
}

void Node::AddCarrier(const std::string& code, const crypto::PrivateKey& key) {
  ASSERT_TRUE(peers->PutCarrier({.code = code, .public_key_pem = key.public_key().ToPem()}));
}

void Node::AddParty(const Party& party) {
  ASSERT_TRUE(
      peers->PutParty({.code = party.identifying_codes.front(), .party_name = party.party_name}));
}

std::uint64_t Node::LogSize() {
  return log->Size().value();
}

Result<TransportResponse> LoopbackTransport::Send(const std::string& method,
                                                  const std::string& base_url,
                                                  const std::string& path,
                                                  const std::optional<std::string>&,
                                                  const std::string& body) {
  Receiver* receiver = receivers.at(base_url);
  Result<Reply> reply = InvalidArgument("no route");
  const std::string prefix = "/v3/envelopes/";
  if (method == "POST" && path == "/v3/envelopes") {
    reply = receiver->StartTransfer(caller_, body);
  } else if (method == "PUT" && path.ends_with("/finish-transfer")) {
    const std::string ref = path.substr(prefix.size(), path.size() - prefix.size() - 16);
    reply = receiver->FinishTransfer(caller_, ref);
  } else if (method == "PUT") {
    const auto rest = path.substr(prefix.size());
    const auto slash = rest.find('/');
    const std::string ref = rest.substr(0, slash);
    const std::string checksum = rest.substr(rest.rfind('/') + 1);
    reply = receiver->PutDocument(caller_, ref, checksum, body);
  }
  if (!reply) return TransportResponse{.status = 500, .body = reply.error().ToString()};
  ++requests;
  const bool decision =
      path.ends_with("/finish-transfer") || (path == "/v3/envelopes" && reply->status != 201);
  if (lose_answers > 0 && decision) {
    --lose_answers;  // delivered, but the answer never arrives
    return Unavailable("connection reset");
  }
  return TransportResponse{.status = reply->status,
                           .body = reply->body.is_null() ? "" : json::Serialize(reply->body)};
}

}  // namespace digitrade::trade::etr::pint::testing
