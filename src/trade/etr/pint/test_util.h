// Helpers for the pint tests only: keys, DCSA parties, a transport document
// from the DCSA example, chain and envelope builders (for valid and
// adversarial envelopes), and a Node: one platform on its own SQLite database
// with a real evidence log, peer directory, registry and receiver.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "crypto/random.h"
#include "ledger/log.h"
#include "storage/database.h"
#include "storage/internal/test_util.h"
#include "trade/etr/pint/peers.h"
#include "trade/etr/pint/receiver.h"
#include "trade/etr/pint/registry.h"
#include "trade/etr/pint/sender.h"
#include "trade/etr/pint/signer.h"

namespace digitrade::trade::etr::pint::testing {

// Keys generated once per run: the carrier (P-256, ES256), platform A
// (RSA 2048, PS256), platform B (P-384, ES384), a stranger (P-256).
struct TestKeys {
  crypto::PrivateKey carrier, a, b, stranger;
};
const TestKeys& Keys();

// The DCSA PINT 3.0 schemas, loaded once per run (as PintService does once
// per platform).
const SchemaSet& Schemas();

// The DCSA PINT example transport document with its placeholders filled.
boost::json::object TransportDocument(const std::string& reference = "PINTTEST0001");

// {"partyName", "eblPlatform", "identifyingCodes": [{"codeListProvider":"ZZZ","partyCode": code}]}
Party MakeParty(const std::string& name, const std::string& platform, const std::string& code);
Transaction Tx(ActionCode action, const Party& actor,
               std::optional<Party> recipient = std::nullopt);

// The carrier's signed IssuanceManifest for `td` issued to `issue_to`.
std::string IssuanceManifestJws(const crypto::PrivateKey& carrier, const boost::json::object& td,
                                const Party& issue_to);

// Builds chains entry by entry and envelopes over them.
struct ChainBuilder {
  explicit ChainBuilder(boost::json::object td);
  // Appends an entry signed by `signer` for `platform`; the first entry
  // carries `issuance` (default: a correct one for an ISSUE transaction).
  std::string Add(const std::string& platform, const crypto::PrivateKey& signer,
                  std::vector<Transaction> txs, std::optional<std::string> issuance = std::nullopt);
  // The POST /v3/envelopes body with a manifest signed by `key`.
  std::string Envelope(const crypto::PrivateKey& key, const std::vector<std::string>& chain,
                       const std::vector<DocumentMetadata>& documents = {}) const;
  std::string Envelope(const crypto::PrivateKey& key) const {
    return Envelope(key, chain, documents);
  }

  boost::json::object td;
  std::string td_checksum;
  std::vector<std::string> chain;
  std::vector<DocumentMetadata> documents;
};

DocumentMetadata Metadata(const std::string& name, const std::string& content);
crypto::SignatureAlgorithm AlgFor(const crypto::PrivateKey& key);

// Delivers requests in process to a receiving platform's Receiver, as the
// HTTP adapter would (same paths, same bodies), with the sender's code as
// the authenticated caller. `lose_answers` final answers (a decision, not a
// 201) are delivered but never arrive.
class LoopbackTransport final : public PeerTransport {
 public:
  LoopbackTransport(std::string caller, std::map<std::string, Receiver*> routes)
      : receivers(std::move(routes)), caller_(std::move(caller)) {}

  Result<TransportResponse> Send(const std::string& method, const std::string& base_url,
                                 const std::string& path, const std::optional<std::string>&,
                                 const std::string& body) override;

  int requests = 0;
  int lose_answers = 0;
  std::map<std::string, Receiver*> receivers;  // by base URL

 private:
  std::string caller_;
};

// One platform on its own database.
class Node {
 public:
  Node(std::string code, const crypto::PrivateKey& key);
  ~Node();

  // Registers `other` as a peer (key, base URL http://peer.invalid/CODE).
  void AddPeer(const Node& other, std::optional<std::string> user_id = std::nullopt);
  void AddCarrier(const std::string& code, const crypto::PrivateKey& key);
  void AddParty(const Party& party);
  std::uint64_t LogSize();
  PintContext Context() {
    return {.db = *db,
            .clock = clock,
            .random = random,
            .registry = *registry,
            .peers = *peers,
            .signer = signer,
            .evidence = *log,
            .schemas = Schemas()};
  }

  storage::testing::TempDir tmp;
  FakeClock clock;
  crypto::OsRandom random;
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<ledger::Log> log;
  PlatformSigner signer;
  std::unique_ptr<PeerDirectory> peers;
  std::unique_ptr<SqlEblRegistry> registry;
  std::unique_ptr<Receiver> receiver;
};

}  // namespace digitrade::trade::etr::pint::testing
