#include "trade/etr/pint/sender.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/array.hpp>

#include "common/json.h"
#include "crypto/base64.h"
#include "crypto/jcs.h"
#include "crypto/jws.h"
#include "trade/etr/pint/error_response.h"

namespace digitrade::trade::etr::pint {

namespace {

int64_t Micros(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock.Now().time_since_epoch())
      .count();
}

void AddDocuments(const HeldEbl& held, std::optional<DocumentMetadata>& visualisation,
                  std::vector<DocumentMetadata>& supporting) {
  for (const auto& d : held.documents) {
    if (d.role == DocumentRole::kVisualisation) {
      visualisation = d.metadata;
    } else {
      supporting.push_back(d.metadata);
    }
  }
}

// The receiver's signed EnvelopeTransferFinishedResponse, verified with its
// key and checked to answer our envelope.
Result<std::pair<ResponseCode, boost::json::object>> VerifyResponse(
    const Peer& peer, std::string_view jws, const std::string& last_checksum) {
  DT_ASSIGN_OR_RETURN(auto key, KeyFromPem(peer.public_key_pem, peer.certificate_pem));
  auto verified = crypto::VerifyJws(jws, key, {.allowed = PintAlgorithms()});
  if (!verified) {
    return DataLoss(fmt::format("the signed response of {} does not verify: {}", peer.code,
                                verified.error().message()));
  }
  auto payload = json::ParseObject(std::string_view(
      reinterpret_cast<const char*>(verified->payload.data()), verified->payload.size()));
  if (!payload) return DataLoss(fmt::format("the signed response of {} is not JSON", peer.code));
  const auto* last = payload->if_contains("lastEnvelopeTransferChainEntrySignedContentChecksum");
  const auto* code = payload->if_contains("responseCode");
  if (last == nullptr || !last->is_string() || code == nullptr || !code->is_string()) {
    return DataLoss(fmt::format("the signed response of {} lacks its checksum or code", peer.code));
  }
  if (last->get_string() != last_checksum && std::string_view(code->get_string()) != "BENV") {
    return DataLoss(fmt::format("the signed response of {} answers another envelope", peer.code));
  }
  for (auto c : {ResponseCode::kRece, ResponseCode::kDupe, ResponseCode::kBsig, ResponseCode::kBenv,
                 ResponseCode::kIncd, ResponseCode::kMdoc, ResponseCode::kDise}) {
    if (ResponseCodeName(c) == code->get_string()) return std::pair{c, std::move(*payload)};
  }
  return DataLoss(fmt::format("unknown responseCode \"{}\" from {}",
                              std::string(code->get_string()), peer.code));
}

// missingAdditionalDocumentChecksums of a (verified) MDOC response.
Result<boost::json::array> MissingFrom(const std::string& jws) {
  DT_ASSIGN_OR_RETURN(auto parsed, crypto::ParseJws(jws));
  DT_ASSIGN_OR_RETURN(auto bytes, crypto::Base64UrlDecode(parsed.payload));
  DT_ASSIGN_OR_RETURN(auto o, json::ParseObject(std::string_view(
                                  reinterpret_cast<const char*>(bytes.data()), bytes.size())));
  const auto* missing = o.if_contains("missingAdditionalDocumentChecksums");
  if (missing == nullptr || !missing->is_array()) return boost::json::array{};
  return missing->get_array();
}

// A peer's error answer for our error message: its DCSA ErrorResponse (or
// an older digitrade peer's problem+json) read out, anything else cut short.
std::string Snippet(const std::string& body) {
  if (auto text = PeerErrorText(body)) return *text;
  return body.size() > 300 ? body.substr(0, 300) + "..." : body;
}

}  // namespace

Result<BuiltEnvelope> BuildEnvelope(const HeldEbl& held,
                                    const std::vector<Transaction>& transactions,
                                    const PlatformSigner& signer) {
  if (held.chain.empty() && held.issuance_manifest.empty())
    return InvalidArgument("the eBL has no envelope transfer chain");
  DT_ASSIGN_OR_RETURN(std::string td, CanonicalChecksum(held.transport_document));
  ChainEntry entry{.ebl_platform = signer.platform_code, .transport_document_checksum = td};
  if (held.chain.empty()) {
    entry.issuance_manifest_signed_content = held.issuance_manifest;
  } else {
    entry.previous_checksum = SignedContentChecksum(held.chain.back());
  }
  entry.transactions = held.local_transactions;
  entry.transactions.insert(entry.transactions.end(), transactions.begin(), transactions.end());
  EnvelopeManifest manifest{.transport_document_checksum = td};
  AddDocuments(held, manifest.visualisation, manifest.supporting_documents);
  entry.visualisation = manifest.visualisation;
  DT_ASSIGN_OR_RETURN(std::string signed_entry, SignJson(signer, ToJson(entry)));
  manifest.last_entry_checksum = SignedContentChecksum(signed_entry);
  DT_ASSIGN_OR_RETURN(std::string signed_manifest, SignJson(signer, ToJson(manifest)));
  boost::json::array chain;
  for (const auto& e : held.chain) chain.emplace_back(e);
  chain.emplace_back(signed_entry);
  BuiltEnvelope out;
  out.envelope = {{"transportDocument", held.transport_document},
                  {"envelopeManifestSignedContent", signed_manifest},
                  {"envelopeTransferChain", std::move(chain)}};
  out.new_entry = std::move(signed_entry);
  out.last_entry_checksum = manifest.last_entry_checksum;
  return out;
}

Result<SendOutcome> Sender::Outcome(const Peer& peer, const BuiltEnvelope& built,
                                    const TransportResponse& r) {
  auto body = json::Parse(r.body);
  if ((r.status != 200 && r.status != 409 && r.status != 422) || !body || !body->is_string() ||
      !IsCompactJws(body->get_string())) {
    return Unavailable(fmt::format("{} answered {} without a signed response: {}", peer.code,
                                   r.status, Snippet(r.body)));
  }
  const std::string jws(body->get_string());
  DT_ASSIGN_OR_RETURN(auto verified, VerifyResponse(peer, jws, built.last_entry_checksum));
  SendOutcome o;
  o.code = verified.first;
  if (const auto* reason = verified.second.if_contains("reason"); reason && reason->is_string()) {
    o.reason = reason->get_string();
  }
  o.signed_response = jws;
  o.last_entry_checksum = built.last_entry_checksum;
  o.accepted = o.code == ResponseCode::kRece || o.code == ResponseCode::kDupe;
  return o;
}

Status Sender::Upload(const Peer& peer, const std::string& reference, const HeldEbl& held,
                      const boost::json::array& missing, SendOutcome& outcome) {
  for (const auto& m : missing) {
    if (!m.is_string())
      return DataLoss(
          fmt::format("{} listed a missing document that is not a checksum", peer.code));
    const std::string checksum(m.get_string());
    const auto doc = std::find_if(
        held.documents.begin(), held.documents.end(),
        [&](const StoredDocument& d) { return d.metadata.document_checksum == checksum; });
    if (doc == held.documents.end()) {
      return DataLoss(
          fmt::format("{} asks for document {}, which we did not declare", peer.code, checksum));
    }
    const std::string body =
        json::Serialize(boost::json::string(crypto::Base64Encode(doc->content)));
    DT_ASSIGN_OR_RETURN(
        auto r, transport_.Send(
                    "PUT", peer.base_url,
                    fmt::format("/v3/envelopes/{}/additional-documents/{}", reference, checksum),
                    peer.outbound_token, body));
    if (r.status != 204 && r.status != 200) {
      return Unavailable(
          fmt::format("uploading {} to {}: {} {}", checksum, peer.code, r.status, Snippet(r.body)));
    }
    outcome.documents_uploaded.push_back(checksum);
  }
  return {};
}

Result<SendOutcome> Sender::Exchange(const Peer& peer, const BuiltEnvelope& built,
                                     const HeldEbl& held) {
  DT_ASSIGN_OR_RETURN(auto started,
                      transport_.Send("POST", peer.base_url, "/v3/envelopes", peer.outbound_token,
                                      json::Serialize(built.envelope)));
  if (started.status != 201) return Outcome(peer, built, started);
  auto body = json::ParseObject(started.body);
  if (!body)
    return Unavailable(fmt::format("{} answered 201 without a started response", peer.code));
  const auto* reference = body->if_contains("envelopeReference");
  const auto* missing = body->if_contains("missingAdditionalDocumentChecksums");
  if (reference == nullptr || !reference->is_string() || missing == nullptr ||
      !missing->is_array()) {
    return Unavailable(
        fmt::format("{} answered 201 without envelopeReference/missing documents", peer.code));
  }
  const std::string ref(reference->get_string());
  SendOutcome uploads;
  DT_TRY(Upload(peer, ref, held, missing->get_array(), uploads));
  for (int attempt = 0; attempt < 2; ++attempt) {
    DT_ASSIGN_OR_RETURN(
        auto finished,
        transport_.Send("PUT", peer.base_url, fmt::format("/v3/envelopes/{}/finish-transfer", ref),
                        peer.outbound_token, ""));
    DT_ASSIGN_OR_RETURN(auto outcome, Outcome(peer, built, finished));
    if (outcome.code != ResponseCode::kMdoc || attempt == 1) {
      outcome.documents_uploaded = std::move(uploads.documents_uploaded);
      return outcome;
    }
    // MDOC: send what it still misses, once more.
    DT_ASSIGN_OR_RETURN(auto again, MissingFrom(outcome.signed_response));
    DT_TRY(Upload(peer, ref, held, again, uploads));
  }
  return Internal("unreachable");
}

Status Sender::Finish(const std::string& id, const Peer& peer, const HeldEbl& held,
                      const BuiltEnvelope& built, const SendOutcome& o, const Party& recipient) {
  if (o.accepted) {
    TransferRecord record{.transport_document_checksum = held.transport_document_checksum,
                          .transport_document = held.transport_document,
                          .chain = held.chain,
                          .possessor = recipient,
                          .held = false,
                          .surrendered = held.surrendered};
    record.chain.push_back(built.new_entry);
    for (const auto& d : held.documents)
      record.documents.push_back({.role = d.role, .metadata = d.metadata});
    DT_TRY(ctx_.registry.Record(record));
  }
  boost::json::object event{
      {"peer", peer.code},
      {"platform", ctx_.signer.platform_code},
      {"transportDocumentChecksum", held.transport_document_checksum},
      {"lastEnvelopeTransferChainEntrySignedContentChecksum", built.last_entry_checksum},
      {"responseCode", ResponseCodeName(o.code)},
      {"recipient", recipient.json},
      {"responseChecksum", Sha256Hex(o.signed_response)},
      {"at", FormatRfc3339(ctx_.clock.Now())}};
  DT_ASSIGN_OR_RETURN(std::string bytes,
                      crypto::CanonicalizeJson(boost::json::value(std::move(event))));
  DT_TRY(ctx_.evidence.Append(o.accepted ? "etr.pint.sent" : "etr.pint.send_refused", bytes));
  DT_TRY(
      ctx_.db.Execute("UPDATE pint_outbound SET state = $2, response_code = $3, response = $4, "
                      "updated_at = $5 WHERE id = $1",
                      {id, o.accepted ? "accepted" : "refused", ResponseCodeName(o.code),
                       o.signed_response, Micros(ctx_.clock)}));
  return {};
}

Result<std::optional<std::pair<std::string, BuiltEnvelope>>> Sender::Pending(
    const HeldEbl& held, const Peer& peer, const SendRequest& req) {
  using Found = std::optional<std::pair<std::string, BuiltEnvelope>>;
  DT_ASSIGN_OR_RETURN(
      auto rows, ctx_.db.Query("SELECT id, envelope FROM pint_outbound WHERE td_checksum = $1 AND "
                               "peer = $2 AND state = 'started' ORDER BY created_at DESC",
                               {held.transport_document_checksum, peer.code}));
  for (const auto& row : rows.rows) {
    auto envelope = json::ParseObject(row.Text(1), {.max_bytes = 64u << 20, .max_depth = 64});
    if (!envelope) continue;
    const auto* chain = envelope->if_contains("envelopeTransferChain");
    if (chain == nullptr || !chain->is_array() ||
        chain->get_array().size() != held.chain.size() + 1)
      continue;
    const auto& entries = chain->get_array();
    bool same_base = true;
    for (std::size_t i = 0; i < held.chain.size() && same_base; ++i) {
      same_base = entries[i].is_string() && entries[i].get_string() == held.chain[i];
    }
    if (!same_base || !entries.back().is_string()) continue;
    // Only for the same action to the same party.
    auto payload = crypto::ParseJws(entries.back().get_string());
    auto bytes = payload ? crypto::Base64UrlDecode(payload->payload)
                         : Result<std::vector<std::uint8_t>>(std::vector<std::uint8_t>{});
    if (!bytes) continue;
    auto entry = ParseChainEntry(std::string(bytes->begin(), bytes->end()), ctx_.schemas);
    if (!entry || entry->transactions.size() != held.local_transactions.size() + 1) continue;
    const auto& tx = entry->transactions.back();
    if (tx.action != req.action || !tx.recipient || !SameParty(*tx.recipient, req.recipient))
      continue;
    BuiltEnvelope built{.envelope = std::move(*envelope),
                        .new_entry = std::string(entries.back().get_string()),
                        .last_entry_checksum = SignedContentChecksum(entries.back().get_string())};
    return Found(std::pair{row.Text(0), std::move(built)});
  }
  return Found();
}

Result<SendOutcome> Sender::Send(const SendRequest& req) {
  DT_ASSIGN_OR_RETURN(HeldEbl held, ctx_.registry.Export(req.document));
  if (held.surrendered) return FailedPrecondition("the eBL was surrendered: nothing may follow");
  if (held.holder_signs && !req.transaction) {
    return FailedPrecondition(fmt::format(
        "record {} is held by a party that signs its own actions: it sends the record with a "
        "signed action to the recipient (POST /v1/etr/records/{}/actions)",
        held.record_id, held.record_id));
  }
  if (!held.held || !held.possessor || held.possessor->ebl_platform != ctx_.signer.platform_code) {
    return FailedPrecondition("the eBL is not in the possession of a party on this platform");
  }
  DT_ASSIGN_OR_RETURN(Peer peer, ctx_.peers.GetPeer(req.peer));
  if (req.recipient.ebl_platform != peer.code) {
    return InvalidArgument(fmt::format("the recipient is on platform {}, not on {}",
                                       req.recipient.ebl_platform, peer.code));
  }
  // Sent for the possessor by the platform: nothing else may move the eBL
  // until the receiver answers (a holder's own action is locked by etr).
  if (!req.transaction) DT_TRY(ctx_.registry.BeginSend(held, req.recipient));
  // A send that got no signed answer is retried with the same envelope, so
  // a receiver that did accept it answers DUPE instead of seeing a fork.
  DT_ASSIGN_OR_RETURN(auto pending, Pending(held, peer, req));
  std::string id;
  BuiltEnvelope built;
  if (pending) {
    std::tie(id, built) = std::move(*pending);
  } else {
    Transaction tx =
        req.transaction.value_or(Transaction{.action = req.action,
                                             .actor = *held.possessor,
                                             .recipient = req.recipient,
                                             .action_date_time = FormatRfc3339(ctx_.clock.Now())});
    DT_ASSIGN_OR_RETURN(built, BuildEnvelope(held, {tx}, ctx_.signer));
    DT_ASSIGN_OR_RETURN(auto id_bytes, ctx_.random.Bytes(12));
    id = "pint_" + crypto::ToHex(id_bytes);
    const int64_t now = Micros(ctx_.clock);
    DT_TRY(ctx_.db.Execute(
        "INSERT INTO pint_outbound (id, td_checksum, peer, last_checksum, envelope, "
        "state, created_at, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, 'started', $6, $6)",
        {id, held.transport_document_checksum, peer.code, built.last_entry_checksum,
         json::Serialize(built.envelope), now}));
  }
  DT_ASSIGN_OR_RETURN(SendOutcome outcome, Exchange(peer, built, held));
  outcome.id = id;
  DT_TRY(Finish(id, peer, held, built, outcome, req.recipient));
  if (!outcome.accepted && !req.transaction) DT_TRY(ctx_.registry.AbortSend(held));
  return outcome;
}

Result<IssuanceManifest> Sender::VerifyIssuance(const IssuedEbl& in) const {
  DT_ASSIGN_OR_RETURN(std::string td, CanonicalChecksum(in.transport_document));
  const auto* carrier_code = in.transport_document.if_contains("carrierCode");
  if (carrier_code == nullptr || !carrier_code->is_string())
    return InvalidArgument("transportDocument has no carrierCode");
  DT_ASSIGN_OR_RETURN(auto carrier_key, ctx_.peers.CarrierKey(carrier_code->get_string()));
  auto verified = crypto::VerifyJws(in.issuance_manifest_signed_content, carrier_key,
                                    {.allowed = PintAlgorithms()});
  if (!verified)
    return InvalidArgument(fmt::format("issuance manifest: {}", verified.error().message()));
  auto manifest = ParseIssuanceManifest(
      std::string_view(reinterpret_cast<const char*>(verified->payload.data()),
                       verified->payload.size()),
      ctx_.schemas);
  if (!manifest) return InvalidArgument(manifest.error().reason);
  if (manifest->document_checksum != td)
    return InvalidArgument("issuance manifest: documentChecksum does not match the document");
  const boost::json::object issue_to_json =
      in.issue_to_json.value_or(IssueToFromRecipient(in.issue_to));
  DT_ASSIGN_OR_RETURN(std::string issue_to, CanonicalChecksum(issue_to_json));
  if (manifest->issue_to_checksum != issue_to)
    return InvalidArgument("issuance manifest: issueToChecksum does not match issueTo");
  for (const auto& d : in.documents) {
    if (d.role != DocumentRole::kVisualisation) continue;
    if (manifest->visualisation_checksum.value_or(d.metadata.document_checksum) !=
        d.metadata.document_checksum) {
      return InvalidArgument(
          "issuance manifest: eBLVisualisationByCarrierChecksum does not match the visualisation");
    }
  }
  // What every receiver checks first (docs/pint.md): a document that does not
  // conform is not taken in, so we never hold an eBL no platform would accept.
  if (auto ok = Conform(ctx_.schemas, "TransportDocument", in.transport_document); !ok) {
    return InvalidArgument(ok.error().reason);
  }
  return std::move(*manifest);
}

Result<HeldEbl> Sender::RecordIssued(const IssuedEbl& in) {
  DT_ASSIGN_OR_RETURN(std::string td, CanonicalChecksum(in.transport_document));
  DT_TRY(VerifyIssuance(in));
  if (in.carrier.ebl_platform != ctx_.signer.platform_code ||
      in.issue_to.ebl_platform != ctx_.signer.platform_code) {
    return InvalidArgument(fmt::format("carrier and issueTo must be on this platform ({})",
                                       ctx_.signer.platform_code));
  }
  bool local = false;
  for (const auto& c : in.issue_to.identifying_codes) {
    DT_ASSIGN_OR_RETURN(auto found, ctx_.peers.FindParty(c));
    local = local || found.has_value();
  }
  if (!local) return InvalidArgument("issueTo is not a party on this platform");
  DT_ASSIGN_OR_RETURN(auto known, ctx_.registry.Known(td));
  if (!known.entry_checksums.empty())
    return AlreadyExists("this transport document was already recorded");
  ChainEntry entry{
      .ebl_platform = ctx_.signer.platform_code,
      .transport_document_checksum = td,
      .issuance_manifest_signed_content = in.issuance_manifest_signed_content,
      .transactions = {Transaction{.action = ActionCode::kIssue,
                                   .actor = in.carrier,
                                   .recipient = in.issue_to,
                                   .action_date_time = FormatRfc3339(ctx_.clock.Now())}}};
  for (const auto& d : in.documents) {
    if (d.role == DocumentRole::kVisualisation) entry.visualisation = d.metadata;
  }
  DT_ASSIGN_OR_RETURN(std::string signed_entry, SignJson(ctx_.signer, ToJson(entry)));
  TransferRecord record{.transport_document_checksum = td,
                        .transport_document = in.transport_document,
                        .chain = {signed_entry},
                        .documents = in.documents,
                        .possessor = in.issue_to,
                        .held = true};
  DT_TRY(ctx_.registry.Record(record));
  boost::json::object event{{"platform", ctx_.signer.platform_code},
                            {"transportDocumentChecksum", td},
                            {"entryChecksum", SignedContentChecksum(signed_entry)},
                            {"issueTo", in.issue_to.json},
                            {"at", FormatRfc3339(ctx_.clock.Now())}};
  DT_ASSIGN_OR_RETURN(std::string bytes,
                      crypto::CanonicalizeJson(boost::json::value(std::move(event))));
  DT_TRY(ctx_.evidence.Append("etr.pint.issued", bytes));
  return ctx_.registry.Export(td);
}

}  // namespace digitrade::trade::etr::pint
