// Verification of a received DCSA PINT envelope: signatures, checksums, the
// transfer chain and its transactions, addressing, and the comparison with
// what we already hold (DUPE, DISE). Every failure is a Rejection carrying the
// DCSA response code; the order of the checks and the code for each is in
// docs/pint.md.
//
// Pure functions: keys and local parties come through the interfaces below,
// which the caller implements (PeerDirectory does, from the database).
// Thread-safe as long as the interfaces are.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "crypto/keys.h"
#include "trade/etr/pint/envelope.h"

namespace digitrade::trade::etr::pint {

// The JWS algorithms accepted at the PINT boundary (those DCSA tests):
// RS256/384/512, PS256/384/512, ES256/384/512.
const std::vector<crypto::SignatureAlgorithm>& PintAlgorithms();

// Public keys of eBL platforms (our own included) and of carriers.
class KeyResolver {
 public:
  virtual ~KeyResolver() = default;
  // The key platform `code` signs envelopes and chain entries with. Errors:
  // not_found for a platform we do not know.
  virtual Result<crypto::PublicKey> PlatformKey(std::string_view code) const = 0;
  // The key the carrier with this transport document carrierCode signs
  // issuance manifests with. Errors: not_found.
  virtual Result<crypto::PublicKey> CarrierKey(std::string_view carrier_code) const = 0;
};

// The parties (accounts) on our platform that may receive eBLs.
class LocalParties {
 public:
  virtual ~LocalParties() = default;
  // The party's name when (provider, code) denotes an active local party;
  // nullopt when not. Errors: storage errors.
  virtual Result<std::optional<std::string>> FindParty(const IdentifyingCode& code) const = 0;
};

struct ReceiverContext {
  std::string platform_code;  // our eblPlatform code
  const KeyResolver* keys = nullptr;
  const LocalParties* parties = nullptr;
  // The EBL_PINT_v3.0.0 schemas (SchemaSet::Dcsa(kDcsaPint)), created once by
  // the owner and shared: immutable, safe from many threads. Required.
  const SchemaSet* schemas = nullptr;
  // The authenticated platform that posted the envelope; when set, it must be
  // the platform of the last chain entry.
  std::optional<std::string> caller_platform;
};

struct VerifiedEnvelope {
  EblEnvelope envelope;
  std::string transport_document_checksum;
  EnvelopeManifest manifest;
  std::vector<ChainEntry> entries;
  std::vector<std::string> entry_checksums;  // of envelope.chain, same order
  std::string sender_platform;               // the last entry's eblPlatform
  Party recipient;                           // of the last transaction: ours
  std::optional<Party> possessor;            // after the last transaction
  bool surrendered = false;                  // SACC recorded: terminal
};

// Runs every check of docs/pint.md up to (not including) the comparison with
// what we hold. Preconditions: us.keys, us.parties and us.schemas are set. Rejects with BENV
// (structure, chain, transactions, addressing) or BSIG (signatures, signed checksums, unknown
// keys).
Verdict<VerifiedEnvelope> VerifyEnvelope(EblEnvelope envelope, const ReceiverContext& us);
Verdict<VerifiedEnvelope> VerifyEnvelope(std::string_view body, const ReceiverContext& us);

// What we hold, or held, for one transport document.
struct KnownChain {
  // Entry checksums of the longest chain we recorded, first to last; empty
  // when we never saw the document.
  std::vector<std::string> entry_checksums;
  // The last entry checksum of every transfer we accepted for it.
  std::vector<std::string> accepted_last_checksums;
};

// DUPE when the envelope's last entry is that of a transfer we accepted;
// DISE when we know a chain for the document that the envelope does not
// extend (a fork: same prefix, different continuation). nullopt when the
// envelope extends what we know.
std::optional<Rejection> CompareWithKnown(const VerifiedEnvelope& envelope,
                                          const KnownChain& known);

}  // namespace digitrade::trade::etr::pint
