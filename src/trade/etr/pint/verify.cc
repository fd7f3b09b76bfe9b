#include "trade/etr/pint/verify.h"

#include <fmt/format.h>

#include <algorithm>

#include "crypto/base64.h"
#include "crypto/jws.h"

namespace digitrade::trade::etr::pint {

namespace {

using crypto::SignatureAlgorithm;

std::unexpected<Rejection> Benv(std::string reason) {
  return Reject(ResponseCode::kBenv, std::move(reason));
}
std::unexpected<Rejection> Bsig(std::string reason) {
  return Reject(ResponseCode::kBsig, std::move(reason));
}

// Verifies a compact JWS with `key` and the PINT algorithms; returns the
// payload. Every failure is BSIG.
Verdict<std::string> VerifiedPayload(std::string_view jws, const Result<crypto::PublicKey>& key,
                                     std::string_view what) {
  if (!key) return Bsig(fmt::format("{}: no key: {}", what, key.error().message()));
  auto verified = crypto::VerifyJws(jws, *key, {.allowed = PintAlgorithms()});
  if (!verified) return Bsig(fmt::format("{}: {}", what, verified.error().message()));
  return std::string(verified->payload.begin(), verified->payload.end());
}

// A compact JWS parsed once, with its payload decoded but not yet verified.
struct Peeked {
  crypto::ParsedJws jws;
  std::string payload;
};

// Reads the payload of a compact JWS without verifying it, to learn which
// key to verify it with. BENV when it is not base64url JSON.
Verdict<Peeked> Peek(std::string_view jws, std::string_view what) {
  auto parsed = crypto::ParseJws(jws);
  if (!parsed) return Benv(fmt::format("{}: {}", what, parsed.error().message()));
  Peeked out{.jws = std::move(*parsed)};
  if (out.jws.b64) {
    auto bytes = crypto::Base64UrlDecode(out.jws.payload);
    if (!bytes) return Benv(fmt::format("{}: payload is not base64url", what));
    out.payload.assign(bytes->begin(), bytes->end());
  } else {
    out.payload = out.jws.payload;
  }
  return out;
}

// Verifies a peeked JWS: the signature covers the payload already read, so
// it need not be parsed again. Every failure is BSIG.
Verdict<bool> CheckSignature(const Peeked& p, const Result<crypto::PublicKey>& key,
                             std::string_view what) {
  if (!key) return Bsig(fmt::format("{}: no key: {}", what, key.error().message()));
  auto verified = crypto::VerifyJws(p.jws, *key, {.allowed = PintAlgorithms()});
  if (!verified) return Bsig(fmt::format("{}: {}", what, verified.error().message()));
  return true;
}

// Control of the eBL as the transactions move it.
struct Control {
  std::optional<Party> carrier;
  std::optional<Party> possessor;
  std::optional<Party> surrenderer;  // set while a surrender is pending
  bool surrendered = false;          // SACC seen: terminal
};

std::string Where(std::size_t entry, std::size_t tx) {
  return fmt::format("envelopeTransferChain/{} transactions/{}", entry, tx);
}

Verdict<bool> RequireRecipient(const Transaction& t, const std::string& where) {
  if (!t.recipient)
    return Benv(fmt::format("{}: {} needs a recipient", where, ActionCodeName(t.action)));
  return true;
}

Verdict<bool> RequirePossessor(const Control& c, const Transaction& t, const std::string& where) {
  if (!c.possessor || !SameParty(*c.possessor, t.actor)) {
    return Benv(fmt::format("{}: {} by \"{}\", who is not in possession of the eBL", where,
                            ActionCodeName(t.action), t.actor.party_name));
  }
  return true;
}

Verdict<bool> ApplySurrenderAnswer(Control& c, const Transaction& t, const std::string& where) {
  if (!c.surrenderer)
    return Benv(fmt::format("{}: {} without a pending surrender", where, ActionCodeName(t.action)));
  if (!c.carrier || !SameParty(*c.carrier, t.actor)) {
    return Benv(
        fmt::format("{}: {} by a party that is not the carrier", where, ActionCodeName(t.action)));
  }
  if (t.action == ActionCode::kSurrenderAccepted) {
    c.surrendered = true;
    return true;
  }
  if (auto r = RequireRecipient(t, where); !r) return r;
  if (!SameParty(*t.recipient, *c.surrenderer)) {
    return Benv(
        fmt::format("{}: SREJ must return the eBL to the party that surrendered it", where));
  }
  c.possessor = *c.surrenderer;
  c.surrenderer.reset();
  return true;
}

// One transaction against the control state (DCSA Transaction.actionCode).
Verdict<bool> Apply(Control& c, const Transaction& t, const std::string& where, bool first) {
  if (c.surrendered)
    return Benv(fmt::format("{}: transaction after an accepted surrender (SACC)", where));
  if (first != (t.action == ActionCode::kIssue)) {
    return Benv(first ? fmt::format("{}: the first transaction must be ISSUE", where)
                      : fmt::format("{}: ISSUE may only be the first transaction", where));
  }
  if (c.surrenderer && t.action != ActionCode::kSurrenderAccepted &&
      t.action != ActionCode::kSurrenderRejected) {
    return Benv(
        fmt::format("{}: {} while a surrender is pending", where, ActionCodeName(t.action)));
  }
  switch (t.action) {
    case ActionCode::kIssue:
      if (auto r = RequireRecipient(t, where); !r) return r;
      c.carrier = t.actor;
      c.possessor = *t.recipient;
      return true;
    case ActionCode::kTransfer:
      if (auto r = RequirePossessor(c, t, where); !r) return r;
      if (auto r = RequireRecipient(t, where); !r) return r;
      c.possessor = *t.recipient;
      return true;
    case ActionCode::kEndorse:
    case ActionCode::kEndorseToOrder:
      if (auto r = RequirePossessor(c, t, where); !r) return r;
      return RequireRecipient(t, where);
    case ActionCode::kBlankEndorse:
    case ActionCode::kSign:
      return RequirePossessor(c, t, where);
    case ActionCode::kSurrenderForDelivery:
    case ActionCode::kSurrenderForAmendment:
      if (auto r = RequirePossessor(c, t, where); !r) return r;
      if (auto r = RequireRecipient(t, where); !r) return r;
      if (!c.carrier || !SameParty(*c.carrier, *t.recipient)) {
        return Benv(fmt::format("{}: surrender not addressed to the issuing carrier", where));
      }
      c.surrenderer = t.actor;
      c.possessor = *t.recipient;
      return true;
    case ActionCode::kSurrenderAccepted:
    case ActionCode::kSurrenderRejected:
      return ApplySurrenderAnswer(c, t, where);
    case ActionCode::kPledge:   // warehouse receipts: never parsed from PINT
    case ActionCode::kRelease:
      break;
  }
  return Benv(fmt::format("{}: unknown action", where));
}

// The first entry: the carrier-signed issuance manifest matches the document
// and the ISSUE recipient.
Verdict<bool> CheckIssuance(const ChainEntry& first, const VerifiedEnvelope& v,
                            const ReceiverContext& us) {
  if (!first.issuance_manifest_signed_content) {
    return Benv(
        "envelopeTransferChain/0: issuanceManifestSignedContent is required in the first entry");
  }
  const auto* carrier_code = v.envelope.transport_document.if_contains("carrierCode");
  const std::string code(carrier_code->get_string());
  auto payload = VerifiedPayload(*first.issuance_manifest_signed_content, us.keys->CarrierKey(code),
                                 fmt::format("issuanceManifestSignedContent (carrier {})", code));
  if (!payload) return std::unexpected(payload.error());
  auto manifest = ParseIssuanceManifest(*payload, *us.schemas);
  if (!manifest) return std::unexpected(manifest.error());
  if (manifest->document_checksum != v.transport_document_checksum) {
    return Benv("IssuanceManifest.documentChecksum does not match the transport document");
  }
  const auto& issue = first.transactions.front();
  if (issue.action != ActionCode::kIssue || !issue.recipient) {
    return Benv(
        "envelopeTransferChain/0 transactions/0: the first transaction must be ISSUE with a "
        "recipient");
  }
  auto issue_to = CanonicalChecksum(IssueToFromRecipient(*issue.recipient));
  if (!issue_to || *issue_to != manifest->issue_to_checksum) {
    return Benv("IssuanceManifest.issueToChecksum does not match the ISSUE recipient");
  }
  if (manifest->visualisation_checksum && v.manifest.visualisation &&
      *manifest->visualisation_checksum != v.manifest.visualisation->document_checksum) {
    return Benv("eBLVisualisationByCarrier differs from the one the carrier issued");
  }
  return true;
}

// Per entry: signature by the entry's platform, document checksum, link to
// the previous entry, visualisation unchanged.
Verdict<ChainEntry> CheckEntry(const VerifiedEnvelope& v, std::size_t i,
                               const ReceiverContext& us) {
  const std::string& jws = v.envelope.chain[i];
  const std::string what = fmt::format("envelopeTransferChain/{}", i);
  auto peeked = Peek(jws, what);
  if (!peeked) return std::unexpected(peeked.error());
  auto entry = ParseChainEntry(peeked->payload, *us.schemas);
  if (!entry) return Benv(fmt::format("{}: {}", what, entry.error().reason));
  auto signature = CheckSignature(*peeked, us.keys->PlatformKey(entry->ebl_platform),
                                  fmt::format("{} (platform {})", what, entry->ebl_platform));
  if (!signature) return std::unexpected(signature.error());
  if (entry->transport_document_checksum != v.transport_document_checksum) {
    return Benv(fmt::format("{}: transportDocumentChecksum is that of another document", what));
  }
  if (i == 0 && entry->previous_checksum) {
    return Benv(fmt::format("{}: the first entry must not name a previous entry", what));
  }
  if (i > 0 && entry->previous_checksum != v.entry_checksums[i - 1]) {
    return Benv(fmt::format(
        "{}: previousEnvelopeTransferChainEntrySignedContentChecksum does not match entry {}", what,
        i - 1));
  }
  const auto& vis = v.manifest.visualisation;
  if (vis.has_value() != entry->visualisation.has_value() ||
      (vis && vis->document_checksum != entry->visualisation->document_checksum)) {
    return Benv(
        fmt::format("{}: eBLVisualisationByCarrier differs from the envelope manifest's", what));
  }
  for (std::size_t t = 0; t < entry->transactions.size(); ++t) {
    if (entry->transactions[t].actor.ebl_platform != entry->ebl_platform) {
      return Benv(fmt::format("{}: the actor is on platform {}, the entry was recorded by {}",
                              Where(i, t), entry->transactions[t].actor.ebl_platform,
                              entry->ebl_platform));
    }
  }
  return std::move(*entry);
}

// The last transaction is addressed to a party on our platform.
Verdict<bool> CheckAddressing(const VerifiedEnvelope& v, const ReceiverContext& us) {
  const auto& last = v.entries.back().transactions.back();
  if (!last.recipient)
    return Benv("the last transaction has no recipient: the envelope is not addressed to us");
  if (last.recipient->ebl_platform != us.platform_code) {
    return Benv(fmt::format("the last transaction is addressed to platform {}, not to us ({})",
                            last.recipient->ebl_platform, us.platform_code));
  }
  for (const auto& code : last.recipient->identifying_codes) {
    auto found = us.parties->FindParty(code);
    if (!found) return Benv(fmt::format("party lookup failed: {}", found.error().message()));
    if (*found) return true;
  }
  return Benv(fmt::format("the recipient \"{}\" is not a party on this platform",
                          last.recipient->party_name));
}

Verdict<bool> CheckManifest(VerifiedEnvelope& v, const ReceiverContext& us) {
  auto last_peeked = Peek(v.envelope.chain.back(), "last envelopeTransferChain entry");
  if (!last_peeked) return std::unexpected(last_peeked.error());
  auto last = ParseChainEntry(last_peeked->payload, *us.schemas);
  if (!last) return Benv(fmt::format("last envelopeTransferChain entry: {}", last.error().reason));
  v.sender_platform = last->ebl_platform;
  if (us.caller_platform && *us.caller_platform != v.sender_platform) {
    return Benv(
        fmt::format("the envelope was sent by platform {} but its last entry was recorded by {}",
                    *us.caller_platform, v.sender_platform));
  }
  auto payload = VerifiedPayload(
      v.envelope.manifest_signed_content, us.keys->PlatformKey(v.sender_platform),
      fmt::format("envelopeManifestSignedContent (platform {})", v.sender_platform));
  if (!payload) return std::unexpected(payload.error());
  auto manifest = ParseManifest(*payload, *us.schemas);
  if (!manifest) return std::unexpected(manifest.error());
  v.manifest = std::move(*manifest);
  if (v.manifest.transport_document_checksum != v.transport_document_checksum) {
    return Bsig("EnvelopeManifest.transportDocumentChecksum does not match the transport document");
  }
  if (v.manifest.last_entry_checksum != v.entry_checksums.back()) {
    return Bsig(
        "EnvelopeManifest.lastEnvelopeTransferChainEntrySignedContentChecksum does not match the "
        "last envelopeTransferChain entry");
  }
  return true;
}

}  // namespace

const std::vector<SignatureAlgorithm>& PintAlgorithms() {
  static const std::vector<SignatureAlgorithm> kAlgorithms = {
      SignatureAlgorithm::kRsaPkcs1Sha256,  SignatureAlgorithm::kRsaPkcs1Sha384,
      SignatureAlgorithm::kRsaPkcs1Sha512,  SignatureAlgorithm::kRsaPssSha256,
      SignatureAlgorithm::kRsaPssSha384,    SignatureAlgorithm::kRsaPssSha512,
      SignatureAlgorithm::kEcdsaP256Sha256, SignatureAlgorithm::kEcdsaP384Sha384,
      SignatureAlgorithm::kEcdsaP521Sha512,
  };
  return kAlgorithms;
}

Verdict<VerifiedEnvelope> VerifyEnvelope(std::string_view body, const ReceiverContext& us) {
  auto envelope = ParseEnvelope(body, *us.schemas);
  if (!envelope) return std::unexpected(envelope.error());
  return VerifyEnvelope(std::move(*envelope), us);
}

Verdict<VerifiedEnvelope> VerifyEnvelope(EblEnvelope envelope, const ReceiverContext& us) {
  VerifiedEnvelope v;
  v.envelope = std::move(envelope);
  auto td = CanonicalChecksum(v.envelope.transport_document);
  if (!td) return Benv(fmt::format("transportDocument: {}", td.error().message()));
  v.transport_document_checksum = std::move(*td);
  for (const auto& jws : v.envelope.chain) v.entry_checksums.push_back(SignedContentChecksum(jws));
  if (auto m = CheckManifest(v, us); !m) return std::unexpected(m.error());
  for (std::size_t i = 0; i < v.envelope.chain.size(); ++i) {
    auto entry = CheckEntry(v, i, us);
    if (!entry) return std::unexpected(entry.error());
    v.entries.push_back(std::move(*entry));
  }
  if (auto r = CheckIssuance(v.entries.front(), v, us); !r) return std::unexpected(r.error());
  Control control;
  for (std::size_t i = 0; i < v.entries.size(); ++i) {
    const auto& txs = v.entries[i].transactions;
    for (std::size_t t = 0; t < txs.size(); ++t) {
      if (auto r = Apply(control, txs[t], Where(i, t), i == 0 && t == 0); !r)
        return std::unexpected(r.error());
    }
  }
  if (auto r = CheckAddressing(v, us); !r) return std::unexpected(r.error());
  v.recipient = *v.entries.back().transactions.back().recipient;
  v.possessor = control.possessor;
  v.surrendered = control.surrendered;
  return v;
}

std::optional<Rejection> CompareWithKnown(const VerifiedEnvelope& v, const KnownChain& known) {
  const std::string& last = v.entry_checksums.back();
  if (std::find(known.accepted_last_checksums.begin(), known.accepted_last_checksums.end(), last) !=
      known.accepted_last_checksums.end()) {
    return Rejection{ResponseCode::kDupe, "this transfer was already accepted"};
  }
  const auto& ours = known.entry_checksums;
  if (ours.empty()) return std::nullopt;
  const auto& theirs = v.entry_checksums;
  const bool extends =
      theirs.size() > ours.size() && std::equal(ours.begin(), ours.end(), theirs.begin());
  if (extends) return std::nullopt;
  std::size_t common = 0;
  while (common < ours.size() && common < theirs.size() && ours[common] == theirs[common]) ++common;
  return Rejection{
      ResponseCode::kDise,
      fmt::format("the chain contradicts the one we hold for this document: they agree on "
                  "{} entr{}, then differ (we hold {}, the envelope has {})",
                  common, common == 1 ? "y" : "ies", ours.size(), theirs.size())};
}

}  // namespace digitrade::trade::etr::pint
