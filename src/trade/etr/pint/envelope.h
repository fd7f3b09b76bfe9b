// The DCSA PINT 3.0 envelope model: the EblEnvelope a sending platform posts,
// the signed EnvelopeManifest, the signed EnvelopeTransferChainEntry list with
// its Transactions, the carrier's IssuanceManifest, and the checksums that tie
// them together (docs/pint.md has the wire format and the order of checks).
//
// Parsing validates each document against its published DCSA PINT 3.0 schema
// (EBL_PINT_v3.0.0 through trade/etr's SchemaSet: EblEnvelope with the whole
// TransportDocument, EnvelopeManifest, EnvelopeTransferChainEntry with each
// Transaction, IssuanceManifest) and adds what the schemas leave to prose:
// the known action codes, whole-number document sizes, the envelope limits.
// A violation is BENV naming the JSON path and the keyword that failed.
// Nothing here verifies a signature; see verify.h.
//
// Thread-safe free functions over caller-owned values; the SchemaSet is the
// caller's (create it once: SchemaSet::Dcsa(kDcsaPint)).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "trade/etr/dcsa_schema.h"
#include "trade/etr/record.h"

namespace digitrade::trade::etr::pint {

// EnvelopeTransferFinishedResponse.responseCode.
enum class ResponseCode { kRece, kDupe, kBsig, kBenv, kIncd, kMdoc, kDise };

// "RECE", "DUPE", ...
std::string_view ResponseCodeName(ResponseCode code);
// The HTTP status the spec pairs with the code: RECE/DUPE 200, BSIG/BENV 422,
// INCD/MDOC/DISE 409.
int ResponseCodeStatus(ResponseCode code);

// A receiver's decision not to accept (or to answer DUPE), with the reason
// for the sender. `path` names the offending JSON member where there is one.
struct Rejection {
  ResponseCode code = ResponseCode::kBenv;
  std::string reason;
};

template <typename T>
using Verdict = std::expected<T, Rejection>;

inline std::unexpected<Rejection> Reject(ResponseCode code, std::string reason) {
  return std::unexpected(Rejection{code, std::move(reason)});
}

// ---- checksums ----

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);
// SHA-256 hex of the RFC 8785 canonical form of `value` (transport document,
// issueTo). Errors: invalid_argument for strings that are not UTF-8.
Result<std::string> CanonicalChecksum(const boost::json::value& value);
// SHA-256 hex of the compact JWS string as transmitted (the
// EnvelopeTransferChainEntrySignedContent checksum).
inline std::string SignedContentChecksum(std::string_view jws) {
  return Sha256Hex(jws);
}

// ---- model ----

struct IdentifyingCode {
  std::string code_list_provider;
  std::string party_code;
  std::string code_list_name;  // optional on the wire; empty when absent
};

// ActorParty / RecipientParty.
struct Party {
  std::string party_name;
  std::string ebl_platform;
  std::vector<IdentifyingCode> identifying_codes;
  boost::json::object json;  // as received, for checksums and storage
};

// Two parties are the same when they are on the same platform and share an
// identifying code (provider and party code).
bool SameParty(const Party& a, const Party& b);

// Transactions use the engine's action codes (trade/etr/record.h, with
// their names from etr::ActionCodeName). ParsePintActionCode accepts only the
// ten DCSA PINT 3.0 names, exactly: not the engine's warehouse-receipt codes
// (PLEDGE, RELEASE) nor its aliases (SURR).
std::optional<ActionCode> ParsePintActionCode(std::string_view name);

struct Transaction {
  ActionCode action = ActionCode::kTransfer;
  Party actor;
  std::optional<Party> recipient;
  std::string action_date_time;
};

struct DocumentMetadata {
  std::string name;
  std::int64_t size = 0;
  std::string media_type;
  std::string document_checksum;
  boost::json::object json;
};

struct EnvelopeManifest {
  std::string transport_document_checksum;
  std::string last_entry_checksum;
  std::optional<DocumentMetadata> visualisation;  // eBLVisualisationByCarrier
  std::vector<DocumentMetadata> supporting_documents;
};

struct IssuanceManifest {
  std::string document_checksum;
  std::optional<std::string> visualisation_checksum;
  std::string issue_to_checksum;
};

struct ChainEntry {
  std::string ebl_platform;
  std::string transport_document_checksum;
  std::optional<std::string> previous_checksum;
  std::optional<std::string> issuance_manifest_signed_content;
  std::optional<DocumentMetadata> visualisation;
  std::optional<std::string> control_tracking_registry;
  std::vector<Transaction> transactions;
};

// The EblEnvelope as posted, before any verification.
struct EblEnvelope {
  boost::json::object transport_document;
  std::string manifest_signed_content;
  std::vector<std::string> chain;  // compact JWS strings, first to last
};

struct EnvelopeLimits {
  std::size_t max_bytes = 8 << 20;
  std::size_t max_entries = 1000;
};

// Validates `doc` against the schema `name` of the EBL_PINT_v3.0.0 set
// (`schemas`). Rejects (BENV) naming the first violations, each with its JSON
// path and keyword ("TransportDocument (DCSA PINT 3.0) does not conform:
// $.carrierCode: required: ..."); a name not in the set is BENV too (what
// cannot be checked is not accepted).
Verdict<bool> Conform(const SchemaSet& schemas, std::string_view name,
                      const boost::json::value& doc);

// Parses the request body of POST /v3/envelopes. Rejects (BENV) what is not an
// EblEnvelope: not JSON, more than limits.max_bytes or limits.max_entries
// entries, or not conforming to the EblEnvelope schema (the transport
// document against TransportDocument, the signed contents compact JWS
// strings). `schemas` is the EBL_PINT_v3.0.0 set.
Verdict<EblEnvelope> ParseEnvelope(std::string_view body, const SchemaSet& schemas,
                                   const EnvelopeLimits& limits = {});

// Payload parsers for the signed contents (the JSON inside the JWS), against
// the EnvelopeManifest, EnvelopeTransferChainEntry and IssuanceManifest
// schemas. Each rejects (BENV) a payload that does not conform, naming the
// path inside the payload ("$.transactions[0].actor: required: ...").
Verdict<EnvelopeManifest> ParseManifest(std::string_view payload, const SchemaSet& schemas);
Verdict<ChainEntry> ParseChainEntry(std::string_view payload, const SchemaSet& schemas);
Verdict<IssuanceManifest> ParseIssuanceManifest(std::string_view payload, const SchemaSet& schemas);

// A Transaction from JSON (a signed etr action's transaction). Rejects (BENV)
// as inside a chain entry, with paths from "$".
Verdict<Transaction> TransactionFromJson(const boost::json::object& o);

// An ActorParty/RecipientParty from JSON (API input, stored rows). Errors:
// invalid_argument naming the member.
Result<Party> PartyFromJson(const boost::json::object& o);

// The IssueToParty of the DCSA issuance API derived from the ISSUE
// transaction's recipient: {partyName, sendToPlatform, identifyingCodes,
// taxLegalReferences?}. The issueToChecksum is computed over it.
boost::json::object IssueToFromRecipient(const Party& recipient);

// JSON out, for building envelopes on the sending side.
boost::json::object ToJson(const EnvelopeManifest& m);
boost::json::object ToJson(const ChainEntry& e);
boost::json::object ToJson(const Transaction& t);

// True for the DCSA compact JWS pattern ^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$.
bool IsCompactJws(std::string_view s);
// True for 64 lower-case hex digits.
bool IsChecksum(std::string_view s);

}  // namespace digitrade::trade::etr::pint
