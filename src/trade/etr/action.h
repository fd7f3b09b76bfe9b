// The signed action: its payload (a DCSA PINT Transaction plus the chain
// fields), how it is built, and the strict parser for a received compact JWS.
//
// Payload (RFC 8785 canonical JSON, the JWS payload):
//   {"recordId": "etr_...", "sequence": 3,
//    "previousActionHash": "<sha-256 hex of the previous action's JWS>",
//    "transaction": {<DCSA Transaction: actionCode, actor, recipient,
//                     actionDateTime, reasonCode, comments>},
//    "issuance": {...}}   // ISSUE only (sequence 0, previousActionHash null)
//
// Parties in the transaction are DCSA ActorParty / RecipientParty objects;
// a party of this platform carries eblPlatform = the platform code and an
// identifying code {"codeListProvider": <platform code>, "codeListName":
// "organisation", "partyCode": <organisation id>}.
//
// Thread-safety: pure functions.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "crypto/jws.h"
#include "trade/etr/dcsa_schema.h"
#include "trade/etr/record.h"

namespace digitrade::trade::etr {

// A signed action (and an issuance manifest) is at most this large, so that
// a log entry carrying both stays within the log's 65535-byte leaf.
inline constexpr std::size_t kMaxActionJwsBytes = 24 << 10;

struct ActionPayload {
  std::string record_id;
  std::int64_t sequence = 0;
  std::string previous_hash;  // empty for null
  boost::json::object transaction;
  ActionCode code = ActionCode::kTransfer;
  std::string actor_id;      // organisation id (empty if the actor is foreign)
  std::string recipient_id;  // organisation id, ForeignPartyId() of a foreign one, or empty
  bool recipient_foreign = false;  // the recipient is on another platform (PINT)
  std::string reason_code;
  std::string comments;
  std::string action_date_time;
  std::optional<boost::json::object> issuance;
};

struct SignedAction {
  crypto::ParsedJws jws;
  ActionPayload payload;
  std::string payload_bytes;
  // How the signer named its key: "kid", or the thumbprint of the x5c
  // leaf's public key (empty when neither is given).
  std::string key_thumbprint;
};

// A DCSA ActorParty (also valid as a RecipientParty) for a local party.
boost::json::object LocalParty(std::string_view platform_code, std::string_view organisation_id,
                               std::string_view name);
// The organisation id in a DCSA party object, if it is a local party.
std::string LocalPartyId(const boost::json::object& party, std::string_view platform_code);

// The id a party of another eBL platform has in record state (holder_id,
// endorsee_id, issuer_id of imported records): "<eblPlatform>/<codeListProvider>/<partyCode>"
// of its first identifying code. Never an organisation id (those have no '/').
std::string ForeignPartyId(const boost::json::object& party);

// The canonical payload bytes. Errors: invalid_argument (not valid UTF-8).
Result<std::string> SerializePayload(const ActionPayload& payload);

// Parses a compact JWS carrying an action payload: the JWS rules of
// crypto/jws.h, a strict I-JSON payload with exactly the members above, the
// transaction valid against the DCSA PINT Transaction schema (`pint` must
// hold it), a known action code. Does not verify the signature. Errors:
// invalid_argument naming the problem; resource_exhausted over
// kMaxActionJwsBytes. With `allow_foreign_recipient` a recipient on another
// platform is accepted (recipient_foreign, recipient_id = ForeignPartyId): an
// action that sends the record away over PINT; without it that is
// invalid_argument.
Result<SignedAction> ParseSignedAction(std::string_view jws, const SchemaSet& pint,
                                       std::string_view platform_code,
                                       bool allow_foreign_recipient = false);

// The key thumbprint a JWS header names ("kid", else the x5c leaf's key), or
// empty. Errors: invalid_argument for a malformed x5c.
Result<std::string> HeaderKeyThumbprint(const boost::json::object& protected_header);

}  // namespace digitrade::trade::etr
