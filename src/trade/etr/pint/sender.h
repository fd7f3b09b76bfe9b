// The sending side of DCSA PINT 3.0, and recording an eBL issued here.
//
// Sender::Send builds the envelope for an eBL we hold (a new
// EnvelopeTransferChainEntry with the new transaction, the previous entry's
// checksum and our platform code, signed with our key; a signed manifest),
// starts the transfer, uploads only the documents the receiver reports
// missing, finishes, verifies the receiver's signed response with the peer's
// key, and records the outcome: on RECE/DUPE the eBL leaves our possession
// (the chain with our entry is kept for DISE/extension checks), otherwise we
// keep it. Every outcome is appended to the evidence log ("etr.pint.sent",
// "etr.pint.send_refused") and kept in pint_outbound. A send that got no
// signed answer (network failure, crash) stays pending there and is retried
// with the very same envelope, as the spec requires for DUPE detection.
//
// The HTTP exchange goes through PeerTransport (implemented over
// http::HttpClient in http/api/pint_api.cc) so this module stays free of
// http/.
//
// Thread-safety: safe from many threads; two sends of the same eBL race at
// the receiver (exactly one is accepted, the other gets DISE/DUPE).
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/random.h"
#include "ledger/log.h"
#include "storage/database.h"
#include "trade/etr/pint/context.h"
#include "trade/etr/pint/peers.h"
#include "trade/etr/pint/registry.h"
#include "trade/etr/pint/signer.h"

namespace digitrade::trade::etr::pint {

struct TransportResponse {
  int status = 0;
  std::string body;
};

class PeerTransport {
 public:
  virtual ~PeerTransport() = default;
  // `method` PUT or POST to `base_url` + `path` with a JSON body and, when
  // set, "Authorization: Bearer <token>". Errors: unavailable (network).
  virtual Result<TransportResponse> Send(const std::string& method, const std::string& base_url,
                                         const std::string& path,
                                         const std::optional<std::string>& token,
                                         const std::string& body) = 0;
};

// What to send: the eBL (transport document checksum or reference), the
// receiving platform and party, and the action (TRANSFER by default).
struct SendRequest {
  std::string document;
  std::string peer;
  Party recipient;
  ActionCode action = ActionCode::kTransfer;
  // The transaction the holder signed (an etr action to a party on the peer's
  // platform); when absent the platform builds one from the possessor.
  std::optional<Transaction> transaction;
};

struct SendOutcome {
  std::string id;  // pint_outbound row
  ResponseCode code = ResponseCode::kBenv;
  std::string reason;
  std::string signed_response;
  std::string last_entry_checksum;
  std::vector<std::string> documents_uploaded;
  bool accepted = false;  // RECE or DUPE: the eBL left our possession
};

// A built envelope (exposed for tests: adversarial variants start from it).
struct BuiltEnvelope {
  boost::json::object envelope;
  std::string new_entry;
  std::string last_entry_checksum;
};

// The next envelope for `held`: appends an entry signed by `signer` with
// held.local_transactions then `transactions` (the first entry, with
// held.issuance_manifest, when the chain is empty) and signs a manifest over
// all documents held. Errors: invalid_argument when `held` has neither a
// chain nor an issuance manifest.
Result<BuiltEnvelope> BuildEnvelope(const HeldEbl& held,
                                    const std::vector<Transaction>& transactions,
                                    const PlatformSigner& signer);

// An eBL issued by a carrier whose platform is this one: the carrier's
// signed issuance manifest, the carrier (the ISSUE actor) and the issueTo
// party (a party here), and the eBL visualisation if any.
struct IssuedEbl {
  boost::json::object transport_document;
  std::string issuance_manifest_signed_content;
  Party carrier;
  Party issue_to;
  std::vector<StoredDocument> documents;
  // The DCSA issueTo exactly as the carrier sent it (its checksum is in the
  // manifest); when absent, the one issue_to gives (IssueToFromRecipient).
  std::optional<boost::json::object> issue_to_json;
};

class Sender {
 public:
  Sender(const PintContext& context, PeerTransport& transport)
      : ctx_(context), transport_(transport) {}

  // Errors: not_found (eBL, peer), failed_precondition (we do not hold the
  // eBL, it is surrendered, the peer has no base URL), unavailable (the
  // receiver did not give a signed answer: retry), data_loss (its signed
  // answer does not verify with its key or names another envelope).
  Result<SendOutcome> Send(const SendRequest& request);

  // Records an eBL issued on this platform: checks the issuance manifest
  // (carrier key, document and issueTo checksums), signs the first chain
  // entry (ISSUE) and records it as held by issueTo. Errors:
  // invalid_argument (the transport document does not conform to
  // TransportDocument, the manifest does not match, issueTo is not a party
  // here), not_found (carrier key), already_exists (recorded before).
  Result<HeldEbl> RecordIssued(const IssuedEbl& issued);

  // The checks of RecordIssued on what the carrier signed: the manifest
  // verifies with the key of the document's carrierCode, its checksums match
  // the document, issueTo and the visualisation, and the document conforms
  // to PINT's TransportDocument. Errors: invalid_argument, not_found (no key
  // for the carrier).
  Result<IssuanceManifest> VerifyIssuance(const IssuedEbl& issued) const;

 private:
  // The unfinished earlier attempt to send `held` to `peer` for the same
  // action and recipient, if any: its id and envelope.
  Result<std::optional<std::pair<std::string, BuiltEnvelope>>> Pending(const HeldEbl& held,
                                                                       const Peer& peer,
                                                                       const SendRequest& req);
  Result<SendOutcome> Exchange(const Peer& peer, const BuiltEnvelope& built, const HeldEbl& held);
  Result<SendOutcome> Outcome(const Peer& peer, const BuiltEnvelope& built,
                              const TransportResponse& r);
  Status Upload(const Peer& peer, const std::string& reference, const HeldEbl& held,
                const boost::json::array& missing, SendOutcome& outcome);
  Status Finish(const std::string& id, const Peer& peer, const HeldEbl& held,
                const BuiltEnvelope& built, const SendOutcome& outcome, const Party& recipient);

  PintContext ctx_;
  PeerTransport& transport_;
};

}  // namespace digitrade::trade::etr::pint
