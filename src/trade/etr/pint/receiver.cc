#include "trade/etr/pint/receiver.h"

#include <fmt/format.h>

#include <boost/json/array.hpp>

#include "common/json.h"
#include "crypto/base64.h"
#include "crypto/jcs.h"
#include "crypto/jws.h"

namespace digitrade::trade::etr::pint {

struct Receiver::Transfer {
  std::string reference;
  std::string td_checksum;
  std::string last_checksum;
  std::string sender;
  std::string envelope;
  std::string state;  // open | accepted | rejected
  std::optional<std::string> response;
  std::optional<std::int64_t> evidence_index;
};

namespace {

int64_t Micros(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock.Now().time_since_epoch())
      .count();
}

boost::json::array ToArray(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

// Every additional document the manifest declares, visualisation first.
std::vector<const DocumentMetadata*> Declared(const EnvelopeManifest& m) {
  std::vector<const DocumentMetadata*> out;
  if (m.visualisation) out.push_back(&*m.visualisation);
  for (const auto& d : m.supporting_documents) out.push_back(&d);
  return out;
}

std::vector<std::string> DeclaredChecksums(const EnvelopeManifest& m) {
  std::vector<std::string> out;
  for (const auto* d : Declared(m)) out.push_back(d->document_checksum);
  return out;
}

}  // namespace

std::optional<ResponseCode> ResponseCodeOf(std::string_view signed_response) {
  auto parsed = crypto::ParseJws(signed_response);
  if (!parsed || !parsed->b64) return std::nullopt;
  auto payload = crypto::Base64UrlDecode(parsed->payload);
  if (!payload) return std::nullopt;
  auto o = json::ParseObject({reinterpret_cast<const char*>(payload->data()), payload->size()});
  if (!o) return std::nullopt;
  const auto* code = o->if_contains("responseCode");
  if (code == nullptr || !code->is_string()) return std::nullopt;
  for (auto c : {ResponseCode::kRece, ResponseCode::kDupe, ResponseCode::kBsig, ResponseCode::kBenv,
                 ResponseCode::kIncd, ResponseCode::kMdoc, ResponseCode::kDise}) {
    if (ResponseCodeName(c) == code->get_string()) return c;
  }
  return std::nullopt;
}

Result<Reply> Receiver::Signed(ResponseCode code, const std::string& last_checksum,
                               std::string reason, const boost::json::object& extra) {
  boost::json::object payload{
      {"lastEnvelopeTransferChainEntrySignedContentChecksum", last_checksum},
      {"responseCode", ResponseCodeName(code)}};
  if (!reason.empty())
    payload["reason"] = reason.size() > 255 ? reason.substr(0, 252) + "..." : reason;
  for (const auto& [k, v] : extra) payload[k] = v;
  DT_ASSIGN_OR_RETURN(std::string jws, SignJson(ctx_.signer, payload));
  return Reply{.status = ResponseCodeStatus(code),
               .body = boost::json::string(jws),
               .code = code,
               .reason = std::move(reason)};
}

Result<std::uint64_t> Receiver::Evidence(std::string_view kind, boost::json::object event) {
  event["platform"] = ctx_.signer.platform_code;
  event["at"] = FormatRfc3339(ctx_.clock.Now());
  DT_ASSIGN_OR_RETURN(std::string bytes,
                      crypto::CanonicalizeJson(boost::json::value(std::move(event))));
  DT_ASSIGN_OR_RETURN(auto appended, ctx_.evidence.Append(kind, bytes));
  return appended.index;
}

Result<Reply> Receiver::Rejected(const std::string& caller, const Rejection& r,
                                 const std::string& td_checksum, const std::string& last_checksum) {
  // Before any checksum is known we still sign: the sender needs the code.
  DT_ASSIGN_OR_RETURN(
      Reply reply,
      Signed(r.code, last_checksum.empty() ? std::string(64, '0') : last_checksum, r.reason));
  DT_TRY(Evidence("etr.pint.rejected",
                  {{"sender", caller},
                   {"responseCode", ResponseCodeName(r.code)},
                   {"reason", r.reason},
                   {"transportDocumentChecksum", td_checksum},
                   {"lastEnvelopeTransferChainEntrySignedContentChecksum", last_checksum}}));
  return reply;
}

Result<Reply> Receiver::Duplicate(const VerifiedEnvelope& v) {
  const std::string& last = v.entry_checksums.back();
  boost::json::object extra{
      {"receivedAdditionalDocumentChecksums", ToArray(DeclaredChecksums(v.manifest))}};
  if (auto entry = ctx_.registry.ChainEntry(last))
    extra["duplicateOfAcceptedEnvelopeTransferChainEntrySignedContent"] = *entry;
  return Signed(ResponseCode::kDupe, last, "this envelope transfer was already accepted", extra);
}

Result<std::optional<std::string>> Receiver::OpenTransferFor(const VerifiedEnvelope& v) {
  DT_ASSIGN_OR_RETURN(
      auto rows, ctx_.db.Query("SELECT reference FROM pint_transfers WHERE td_checksum = $1 AND "
                               "last_checksum = $2 AND state = 'open' ORDER BY created_at DESC",
                               {v.transport_document_checksum, v.entry_checksums.back()}));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows.rows.front().Text(0));
}

Result<std::string> Receiver::CreateTransfer(const std::string& caller, std::string_view body,
                                             const VerifiedEnvelope& v) {
  DT_ASSIGN_OR_RETURN(auto bytes, ctx_.random.Bytes(20));
  const std::string reference = crypto::Base64UrlEncode(bytes);
  const int64_t now = Micros(ctx_.clock);
  const Status created = ctx_.db.Transact([&](storage::Executor& ex) -> Status {
    DT_TRY(
        ex.Execute("INSERT INTO pint_transfers (reference, td_checksum, last_checksum, sender, "
                   "envelope, state, created_at, "
                   "updated_at) VALUES ($1, $2, $3, $4, $5, 'open', $6, $6)",
                   {reference, v.transport_document_checksum, v.entry_checksums.back(), caller,
                    std::string(body), now}));
    for (const auto* d : Declared(v.manifest)) {
      DT_TRY(
          ex.Execute("INSERT INTO pint_transfer_documents (reference, checksum, size, received) "
                     "VALUES ($1, $2, $3, 0) "
                     "ON CONFLICT (reference, checksum) DO NOTHING",
                     {reference, d->document_checksum, d->size}));
    }
    return {};
  });
  if (!created) return std::unexpected(created.error());
  return reference;
}

Result<std::vector<std::string>> Receiver::Missing(const std::string& reference) {
  DT_ASSIGN_OR_RETURN(
      auto rows, ctx_.db.Query("SELECT t.checksum FROM pint_transfer_documents t "
                               "LEFT JOIN pint_documents d ON d.checksum = t.checksum "
                               "WHERE t.reference = $1 AND d.checksum IS NULL ORDER BY t.checksum",
                               {reference}));
  std::vector<std::string> out;
  for (const auto& r : rows.rows) out.push_back(r.Text(0));
  return out;
}

Result<std::optional<Receiver::Transfer>> Receiver::LoadTransfer(const std::string& reference) {
  DT_ASSIGN_OR_RETURN(
      auto rows,
      ctx_.db.Query("SELECT reference, td_checksum, last_checksum, sender, envelope, state, "
                    "response, evidence_index FROM pint_transfers WHERE reference = $1",
                    {reference}));
  if (rows.empty()) return std::optional<Transfer>();
  const auto& r = rows.rows.front();
  return std::optional<Transfer>(Transfer{.reference = r.Text(0),
                                          .td_checksum = r.Text(1),
                                          .last_checksum = r.Text(2),
                                          .sender = r.Text(3),
                                          .envelope = r.Text(4),
                                          .state = r.Text(5),
                                          .response = r.OptionalText(6),
                                          .evidence_index = r.OptionalInt(7)});
}

Status Receiver::Close(const std::string& reference, std::string_view state, const Reply& reply,
                       std::optional<std::uint64_t> evidence_index) {
  std::optional<int64_t> index;
  if (evidence_index) index = static_cast<int64_t>(*evidence_index);
  const std::string response = reply.body.is_string() ? std::string(reply.body.get_string()) : "";
  DT_TRY(ctx_.db.Execute(
      "UPDATE pint_transfers SET state = $2, response = $3, evidence_index = $4, updated_at = $5 "
      "WHERE reference = $1",
      {reference, std::string(state), response, index, Micros(ctx_.clock)}));
  return {};
}

Result<Reply> Receiver::StartedOrAccepted(const std::string& reference, const VerifiedEnvelope& v) {
  DT_ASSIGN_OR_RETURN(auto missing, Missing(reference));
  if (missing.empty()) {
    DT_ASSIGN_OR_RETURN(auto t, LoadTransfer(reference));
    return Accept(*t, v);
  }
  boost::json::object started{
      {"envelopeReference", reference},
      {"transportDocumentChecksum", v.transport_document_checksum},
      {"lastEnvelopeTransferChainEntrySignedContentChecksum", v.entry_checksums.back()},
      {"missingAdditionalDocumentChecksums", ToArray(missing)}};
  return Reply{.status = 201, .body = std::move(started)};
}

Result<Reply> Receiver::StartTransfer(const std::string& caller, std::string_view body) {
  auto envelope = ParseEnvelope(body, ctx_.schemas, {.max_bytes = limits_.max_envelope_bytes});
  if (!envelope) return Rejected(caller, envelope.error(), "", "");
  const std::string last = SignedContentChecksum(envelope->chain.back());
  ReceiverContext us{.platform_code = ctx_.signer.platform_code,
                     .keys = &ctx_.peers,
                     .parties = &ctx_.peers,
                     .schemas = &ctx_.schemas,
                     .caller_platform = caller};
  auto v = VerifyEnvelope(std::move(*envelope), us);
  if (!v) return Rejected(caller, v.error(), "", last);
  DT_ASSIGN_OR_RETURN(auto known, ctx_.registry.Known(v->transport_document_checksum));
  if (auto conflict = CompareWithKnown(*v, known)) {
    if (conflict->code == ResponseCode::kDupe) return Duplicate(*v);
    return Rejected(caller, *conflict, v->transport_document_checksum, last);
  }
  DT_ASSIGN_OR_RETURN(auto open, OpenTransferFor(*v));
  std::string reference;
  if (open) {
    reference = *open;  // a retry of a transfer still in progress
  } else {
    DT_ASSIGN_OR_RETURN(reference, CreateTransfer(caller, body, *v));
  }
  return StartedOrAccepted(reference, *v);
}

Result<Reply> Receiver::PutDocument(const std::string& caller, const std::string& reference,
                                    const std::string& checksum, std::string_view body) {
  DT_ASSIGN_OR_RETURN(auto t, LoadTransfer(reference));
  if (!t) return NotFound(fmt::format("no envelope transfer \"{}\"", reference));
  if (t->sender != caller)
    return PermissionDenied("the envelope transfer belongs to another platform");
  if (t->state != "open")
    return FailedPrecondition(fmt::format("the envelope transfer is already {}", t->state));
  DT_ASSIGN_OR_RETURN(
      auto declared,
      ctx_.db.Query("SELECT size FROM pint_transfer_documents WHERE reference = $1 AND "
                    "checksum = $2",
                    {reference, checksum}));
  if (declared.empty()) {
    return Signed(ResponseCode::kIncd, t->last_checksum,
                  fmt::format("document {} is not declared in the envelope manifest", checksum));
  }
  const std::size_t max_text = limits_.max_document_bytes / 3 * 4 + 16;
  auto value = json::Parse(body, {.max_bytes = max_text, .max_depth = 2});
  if (!value)
    return std::unexpected(value.error().WithContext("the body must be a JSON string (base64)"));
  if (!value->is_string())
    return InvalidArgument("the body must be a JSON string holding the base64 document");
  auto content = crypto::Base64Decode(value->get_string());
  if (!content) return InvalidArgument("the body is not standard base64");
  const std::string actual =
      Sha256Hex({reinterpret_cast<const char*>(content->data()), content->size()});
  if (actual != checksum) {
    return Signed(ResponseCode::kIncd, t->last_checksum,
                  fmt::format("the document's SHA-256 is {}, not {}", actual, checksum));
  }
  const int64_t size = declared.rows.front().Int(0);
  if (static_cast<int64_t>(content->size()) != size) {
    return Signed(
        ResponseCode::kIncd, t->last_checksum,
        fmt::format("the document has {} bytes, the manifest declares {}", content->size(), size));
  }
  DT_TRY(ctx_.registry.StoreDocument(checksum, *content));
  DT_TRY(ctx_.db.Execute(
      "UPDATE pint_transfer_documents SET received = 1 WHERE reference = $1 AND checksum = $2",
      {reference, checksum}));
  return Reply{.status = 204, .body = nullptr};
}

// A retry after the decision: the same signed answer, and the evidence
// entry if a crash kept it from being appended.
Result<Reply> Receiver::Repeat(const Transfer& t) {
  const ResponseCode code = ResponseCodeOf(*t.response).value_or(ResponseCode::kBenv);
  Reply reply{
      .status = ResponseCodeStatus(code), .body = boost::json::string(*t.response), .code = code};
  if (t.state == "accepted" && !t.evidence_index) {
    DT_ASSIGN_OR_RETURN(
        std::uint64_t index,
        Evidence("etr.pint.accepted",
                 {{"envelopeReference", t.reference},
                  {"sender", t.sender},
                  {"transportDocumentChecksum", t.td_checksum},
                  {"lastEnvelopeTransferChainEntrySignedContentChecksum", t.last_checksum},
                  {"responseChecksum", Sha256Hex(*t.response)},
                  {"late", true}}));
    DT_TRY(Close(t.reference, t.state, reply, index));
  }
  return reply;
}

Result<Reply> Receiver::FinishTransfer(const std::string& caller, const std::string& reference) {
  DT_ASSIGN_OR_RETURN(auto t, LoadTransfer(reference));
  if (!t) return NotFound(fmt::format("no envelope transfer \"{}\"", reference));
  if (t->sender != caller)
    return PermissionDenied("the envelope transfer belongs to another platform");
  if (t->state != "open" && t->response) return Repeat(*t);
  DT_ASSIGN_OR_RETURN(auto missing, Missing(reference));
  if (!missing.empty()) {
    return Signed(ResponseCode::kMdoc, t->last_checksum, "additional documents are missing",
                  {{"missingAdditionalDocumentChecksums", ToArray(missing)}});
  }
  ReceiverContext us{.platform_code = ctx_.signer.platform_code,
                     .keys = &ctx_.peers,
                     .parties = &ctx_.peers,
                     .schemas = &ctx_.schemas,
                     .caller_platform = caller};
  auto v = VerifyEnvelope(t->envelope, us);
  if (!v) {
    DT_ASSIGN_OR_RETURN(Reply reply, Rejected(caller, v.error(), t->td_checksum, t->last_checksum));
    DT_TRY(Close(reference, "rejected", reply, std::nullopt));
    return reply;
  }
  return Accept(*t, *v);
}

Result<Reply> Receiver::Accept(const Transfer& t, const VerifiedEnvelope& v) {
  DT_ASSIGN_OR_RETURN(auto known, ctx_.registry.Known(v.transport_document_checksum));
  if (auto conflict = CompareWithKnown(v, known)) {
    if (conflict->code == ResponseCode::kDupe) {
      // Recorded by an earlier attempt that did not get to close the transfer.
      DT_ASSIGN_OR_RETURN(Reply reply, Duplicate(v));
      DT_TRY(Close(t.reference, "accepted", reply, std::nullopt));
      return reply;
    }
    DT_ASSIGN_OR_RETURN(Reply reply, Rejected(t.sender, *conflict, t.td_checksum, t.last_checksum));
    DT_TRY(Close(t.reference, "rejected", reply, std::nullopt));
    return reply;
  }
  TransferRecord record{.transport_document_checksum = v.transport_document_checksum,
                        .transport_document = v.envelope.transport_document,
                        .chain = v.envelope.chain,
                        .possessor = v.possessor,
                        .held = v.possessor &&
                                v.possessor->ebl_platform == ctx_.signer.platform_code &&
                                !v.surrendered,
                        .surrendered = v.surrendered,
                        .accepted = true};
  for (const auto* d : Declared(v.manifest)) {
    record.documents.push_back({.role = v.manifest.visualisation && d == &*v.manifest.visualisation
                                            ? DocumentRole::kVisualisation
                                            : DocumentRole::kSupporting,
                                .metadata = *d});
  }
  if (auto recorded = ctx_.registry.Record(record); !recorded) {
    const auto code = recorded.error().code();
    if (code != ErrorCode::kConflict && code != ErrorCode::kAlreadyExists &&
        code != ErrorCode::kInvalidArgument)
      return std::unexpected(recorded.error());
    // A concurrent transfer of the same document was recorded first (DISE),
    // or the record cannot be kept here (BENV: e.g. the etr engine refuses
    // the document).
    const ResponseCode decision =
        code == ErrorCode::kInvalidArgument ? ResponseCode::kBenv : ResponseCode::kDise;
    DT_ASSIGN_OR_RETURN(Reply reply, Rejected(t.sender, {decision, recorded.error().message()},
                                              t.td_checksum, t.last_checksum));
    DT_TRY(Close(t.reference, "rejected", reply, std::nullopt));
    return reply;
  }
  const auto received = DeclaredChecksums(v.manifest);
  DT_ASSIGN_OR_RETURN(Reply reply,
                      Signed(ResponseCode::kRece, t.last_checksum, "",
                             {{"receivedAdditionalDocumentChecksums", ToArray(received)}}));
  DT_TRY(Close(t.reference, "accepted", reply, std::nullopt));
  boost::json::object event{
      {"envelopeReference", t.reference},
      {"sender", t.sender},
      {"transportDocumentChecksum", t.td_checksum},
      {"lastEnvelopeTransferChainEntrySignedContentChecksum", t.last_checksum},
      {"chainLength", v.entry_checksums.size()},
      {"recipient", v.recipient.json},
      {"receivedAdditionalDocumentChecksums", ToArray(received)},
      {"responseChecksum", Sha256Hex(reply.body.get_string())}};
  DT_ASSIGN_OR_RETURN(std::uint64_t index, Evidence("etr.pint.accepted", std::move(event)));
  DT_TRY(Close(t.reference, "accepted", reply, index));
  return reply;
}

Result<std::string> Receiver::ValidateReceiver(const IdentifyingCode& code) {
  DT_ASSIGN_OR_RETURN(auto name, ctx_.peers.FindParty(code));
  if (!name) return NotFound("unknown party");
  return *name;
}

}  // namespace digitrade::trade::etr::pint
