#include "trade/etr/pint/issuance.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/array.hpp>

#include "common/json.h"
#include "crypto/base64.h"
#include "trade/etr/pint/error_response.h"

namespace digitrade::trade::etr::pint {

namespace {

constexpr std::size_t kMaxRequest = 16u << 20;
constexpr std::string_view kColumns =
    "reference, carrier_code, organisation_id, td_checksum, response_code, reason, record_id, "
    "response, delivery, attempts, last_error, delivered_at, created_at, next_attempt_at";

std::int64_t Micros(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock.Now().time_since_epoch())
      .count();
}

std::string Member(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
}

// IssuanceResponse.reason: at most 255 code points, one line, no outer space.
std::string Reason(std::string_view s) {
  std::string out;
  std::size_t points = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && ++points > 255) break;
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  const auto first = out.find_first_not_of(' ');
  const auto last = out.find_last_not_of(' ');
  return first == std::string::npos ? "refused" : out.substr(first, last - first + 1);
}

Result<StoredDocument> Visualisation(const boost::json::object& o) {
  auto bytes = crypto::Base64Decode(Member(o, "content"));
  if (!bytes || bytes->empty())
    return InvalidArgument("$.eBLVisualisationByCarrier.content: expected non-empty base64");
  StoredDocument d{.role = DocumentRole::kVisualisation, .metadata = {}, .content = {}};
  d.content = std::move(*bytes);
  d.metadata.name = Member(o, "name");
  d.metadata.media_type = o.contains("contentType") ? Member(o, "contentType") : "application/pdf";
  d.metadata.size = static_cast<std::int64_t>(d.content.size());
  d.metadata.document_checksum =
      Sha256Hex({reinterpret_cast<const char*>(d.content.data()), d.content.size()});
  d.metadata.json = {{"name", d.metadata.name},
                     {"size", d.metadata.size},
                     {"mediaType", d.metadata.media_type},
                     {"documentChecksum", d.metadata.document_checksum}};
  return d;
}

IssuanceStatus StatusFromRow(const storage::Row& r) {
  IssuanceStatus s{.reference = r.Text(0),
                   .carrier_code = r.Text(1),
                   .organisation_id = r.Text(2),
                   .transport_document_checksum = r.Text(3),
                   .response_code = r.OptionalText(4).value_or(""),
                   .reason = r.OptionalText(5).value_or(""),
                   .record_id = r.OptionalText(6).value_or(""),
                   .delivery = r.Text(8),
                   .attempts = r.Int(9),
                   .last_error = r.OptionalText(10).value_or(""),
                   .created_at = r.Int(12)};
  if (auto response = json::ParseObject(r.OptionalText(7).value_or("{}"))) s.response = *response;
  if (!r.IsNull(11)) s.delivered_at = r.Int(11);
  return s;
}

}  // namespace

Result<IssuanceRequest> ParseIssuanceRequest(std::string_view body, const SchemaSet& iss) {
  if (body.size() > kMaxRequest)
    return ResourceExhausted(fmt::format("the issuance request exceeds {} bytes", kMaxRequest));
  auto parsed = json::ParseObject(body, {.max_bytes = kMaxRequest, .max_depth = 64});
  if (!parsed) return std::unexpected(parsed.error().WithContext("$"));
  DT_ASSIGN_OR_RETURN(auto violations, iss.Validate("IssuanceRequest", *parsed));
  if (!violations.empty())
    return std::unexpected(ViolationsError("the IssuanceRequest", violations));
  // The schema made these objects and strings; read them out.
  IssuanceRequest req{.document = parsed->at("document").as_object(),
                      .issue_to = parsed->at("issueTo").as_object(),
                      .manifest = Member(*parsed, "issuanceManifestSignedContent")};
  req.reference = Member(req.document, "transportDocumentReference");
  req.carrier_code = Member(req.document, "carrierCode");
  if (req.reference.empty() || req.carrier_code.empty()) {
    return InvalidArgument(
        "$.document: transportDocumentReference and carrierCode are required to issue");
  }
  if (const auto* v = parsed->if_contains("eBLVisualisationByCarrier"); v && v->is_object()) {
    DT_ASSIGN_OR_RETURN(req.visualisation, Visualisation(v->get_object()));
  }
  return req;
}

struct DcsaIssuance::Verdict {
  std::string code;  // ISSU | BREQ | REFU
  std::string reason;
  std::string error_code;  // IssuanceError.errorCode
  std::string record_id;
};

DcsaIssuance::DcsaIssuance(storage::Database& db, const Clock& clock, PeerDirectory& peers,
                           Sender& sender, EblRegistry& registry, etr::Registry& etr,
                           PeerTransport& transport, IssuanceOptions options, SchemaSet schemas)
    : db_(db),
      clock_(clock),
      peers_(peers),
      sender_(sender),
      registry_(registry),
      etr_(etr),
      transport_(transport),
      options_(options),
      schemas_(std::move(schemas)) {}

Result<std::unique_ptr<DcsaIssuance>> DcsaIssuance::Create(
    storage::Database& db, const Clock& clock, PeerDirectory& peers, Sender& sender,
    EblRegistry& registry, etr::Registry& etr, PeerTransport& transport, IssuanceOptions options) {
  DT_ASSIGN_OR_RETURN(SchemaSet schemas, SchemaSet::Dcsa(kDcsaIssuance));
  return std::unique_ptr<DcsaIssuance>(new DcsaIssuance(db, clock, peers, sender, registry, etr,
                                                        transport, options, std::move(schemas)));
}

DcsaIssuance::~DcsaIssuance() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

Result<Carrier> DcsaIssuance::CarrierFor(const IssuanceRequest& req, const std::string& org) {
  auto carrier = peers_.GetCarrier(req.carrier_code);
  if (!carrier && carrier.error().code() == ErrorCode::kNotFound) {
    return PermissionDenied(
        fmt::format("$.document.carrierCode: carrier \"{}\" is not registered on this platform",
                    req.carrier_code));
  }
  if (!carrier) return std::unexpected(carrier.error());
  if (!carrier->organisation_id) {
    return PermissionDenied(fmt::format(
        "$.document.carrierCode: no organisation may request issuance for carrier \"{}\" yet "
        "(PUT /v1/pint/carriers/{} with organisation_id)",
        req.carrier_code, req.carrier_code));
  }
  if (carrier->organisation_id != org) {
    return PermissionDenied(
        fmt::format("$.document.carrierCode: your organisation does not issue for carrier \"{}\"",
                    req.carrier_code));
  }
  return *carrier;
}

// The ISSUE transaction's parties: the carrier's organisation as an etr
// party of this platform, and issueTo with its sendToPlatform as eblPlatform.
Result<IssuedEbl> DcsaIssuance::ToIssued(const IssuanceRequest& req, const std::string& org) {
  IssuedEbl issued{.transport_document = req.document,
                   .issuance_manifest_signed_content = req.manifest,
                   .issue_to_json = req.issue_to};
  std::string name = req.carrier_code;
  if (auto party = etr_.GetParty(org)) name = party->name;
  const boost::json::object carrier{
      {"partyName", name},
      {"eblPlatform", peers_.self_code()},
      {"identifyingCodes", boost::json::array{boost::json::object{
                               {"codeListProvider", peers_.self_code()}, {"partyCode", org}}}}};
  DT_ASSIGN_OR_RETURN(issued.carrier, PartyFromJson(carrier));
  boost::json::object to = req.issue_to;
  to["eblPlatform"] = to["sendToPlatform"];
  to.erase("sendToPlatform");
  auto issue_to = PartyFromJson(to);
  if (!issue_to) return std::unexpected(issue_to.error().WithContext("$.issueTo"));
  issued.issue_to = std::move(*issue_to);
  if (req.visualisation) issued.documents.push_back(*req.visualisation);
  return issued;
}

Status DcsaIssuance::Claim(const IssuanceRequest& req, const std::string& org,
                           const std::string& td) {
  auto held = registry_.Export(req.reference);
  if (held) {
    return Conflict(fmt::format(
        "$.document.transportDocumentReference: \"{}\" is already issued on this platform",
        req.reference));
  }
  if (held.error().code() != ErrorCode::kNotFound) return std::unexpected(held.error());
  DT_ASSIGN_OR_RETURN(
      auto claimed,
      db_.Execute("INSERT INTO pint_issuance_requests (reference, carrier_code, organisation_id, "
                  "td_checksum, delivery, attempts, next_attempt_at, created_at) "
                  "VALUES ($1, $2, $3, $4, 'received', 0, 0, $5) "
                  "ON CONFLICT (reference) DO NOTHING",
                  {req.reference, req.carrier_code, org, td, Micros(clock_)}));
  if (claimed == 0) {
    return Conflict(fmt::format(
        "$.document.transportDocumentReference: \"{}\" was already submitted for issuance",
        req.reference));
  }
  return {};
}

Result<DcsaIssuance::Verdict> DcsaIssuance::Decide(const IssuedEbl& issued) {
  if (issued.issue_to.ebl_platform != peers_.self_code()) {
    return Verdict{.code = "REFU",
                   .reason = fmt::format("issueTo is on eBL platform {}: this platform ({}) "
                                         "issues only to its own parties",
                                         issued.issue_to.ebl_platform, peers_.self_code()),
                   .error_code = "OTHER-PLATFORM"};
  }
  bool local = false;
  for (const auto& c : issued.issue_to.identifying_codes) {
    DT_ASSIGN_OR_RETURN(auto found, peers_.FindParty(c));
    local = local || found.has_value();
  }
  if (!local) {
    return Verdict{.code = "BREQ",
                   .reason = fmt::format("issueTo \"{}\" is not a party on this platform (no "
                                         "identifying code is known here)",
                                         issued.issue_to.party_name),
                   .error_code = "UNKNOWN-ISSUE-TO"};
  }
  auto held = sender_.RecordIssued(issued);
  if (!held && (held.error().code() == ErrorCode::kInvalidArgument ||
                held.error().code() == ErrorCode::kAlreadyExists)) {
    return Verdict{.code = "BREQ", .reason = held.error().message(), .error_code = "REVIEW"};
  }
  if (!held) return std::unexpected(held.error());
  DT_ASSIGN_OR_RETURN(auto record, etr_.FindRecord(held->transport_document_checksum));
  return Verdict{.code = "ISSU", .record_id = record ? record->id : ""};
}

Result<IssuanceStatus> DcsaIssuance::Submit(std::string_view body, const std::string& org) {
  DT_ASSIGN_OR_RETURN(auto req, ParseIssuanceRequest(body, schemas_));
  DT_ASSIGN_OR_RETURN(auto carrier, CarrierFor(req, org));
  DT_ASSIGN_OR_RETURN(auto issued, ToIssued(req, org));
  auto manifest = sender_.VerifyIssuance(issued);
  if (!manifest) {
    return std::unexpected(manifest.error().WithContext("$.issuanceManifestSignedContent"));
  }
  if (req.visualisation && !manifest->visualisation_checksum) {
    return InvalidArgument(
        "$.issuanceManifestSignedContent: the manifest has no eBLVisualisationByCarrierChecksum "
        "for the visualisation sent");
  }
  DT_ASSIGN_OR_RETURN(std::string td, CanonicalChecksum(req.document));
  DT_TRY(Claim(req, org, td));
  auto verdict = Decide(issued);
  if (!verdict) {
    // Nothing was decided: free the reference so the carrier can retry.
    (void)db_.Execute("DELETE FROM pint_issuance_requests WHERE reference = $1", {req.reference});
    return std::unexpected(verdict.error());
  }
  boost::json::object response{{"transportDocumentReference", req.reference},
                               {"issuanceResponseCode", verdict->code}};
  if (verdict->code != "ISSU") {
    const std::string reason = Reason(verdict->reason);
    response["reason"] = reason;
    response["errors"] = boost::json::array{
        boost::json::object{{"reason", reason}, {"errorCode", verdict->error_code}}};
  }
  const std::string delivery = carrier.callback_url ? "pending" : "no_callback";
  DT_TRY(db_.Execute(
      "UPDATE pint_issuance_requests SET response_code = $2, reason = $3, record_id = $4, "
      "response = $5, delivery = $6, next_attempt_at = $7 WHERE reference = $1",
      {req.reference, verdict->code, verdict->reason, verdict->record_id, json::Serialize(response),
       delivery, Micros(clock_)}));
  {
    std::lock_guard lock(mu_);
    poke_ = true;
  }
  wake_.notify_all();
  return Get(req.reference);
}

Result<IssuanceStatus> DcsaIssuance::Get(const std::string& reference) {
  DT_ASSIGN_OR_RETURN(auto rows, db_.Query(fmt::format("SELECT {} FROM pint_issuance_requests "
                                                       "WHERE reference = $1",
                                                       kColumns),
                                           {reference}));
  if (rows.empty()) return NotFound(fmt::format("no issuance request \"{}\"", reference));
  return StatusFromRow(rows.rows.front());
}

Result<int> DcsaIssuance::DeliverDue() {
  DT_ASSIGN_OR_RETURN(
      auto rows, db_.Query(fmt::format("SELECT {} FROM pint_issuance_requests WHERE delivery = "
                                       "'pending' AND next_attempt_at <= $1 "
                                       "ORDER BY next_attempt_at, reference LIMIT 16",
                                       kColumns),
                           {Micros(clock_)}));
  int made = 0;
  for (const auto& row : rows.rows) {
    DT_TRY(Deliver(row));
    ++made;
  }
  return made;
}

// One attempt: claimed by moving its due time past the lease, so a second
// server (or thread) that read the same row skips it.
Status DcsaIssuance::Deliver(const storage::Row& row) {
  const IssuanceStatus s = StatusFromRow(row);
  const std::int64_t now = Micros(clock_);
  const std::int64_t lease = now + std::chrono::microseconds(options_.lease).count();
  DT_ASSIGN_OR_RETURN(auto claimed,
                      db_.Execute("UPDATE pint_issuance_requests SET next_attempt_at = $3 "
                                  "WHERE reference = $1 AND delivery = 'pending' AND "
                                  "next_attempt_at = $2",
                                  {s.reference, row.Int(13), lease}));
  if (claimed == 0) return {};
  DT_ASSIGN_OR_RETURN(auto carrier, peers_.GetCarrier(s.carrier_code));
  if (!carrier.callback_url) {
    DT_TRY(db_.Execute(
        "UPDATE pint_issuance_requests SET delivery = 'no_callback' WHERE reference = $1",
        {s.reference}));
    return {};
  }
  auto r = transport_.Send("POST", *carrier.callback_url, "/v3/ebl-issuance-responses",
                           carrier.callback_token, json::Serialize(s.response));
  const std::int64_t attempts = s.attempts + 1;
  if (r && (r->status == 204 || r->status == 200)) {
    DT_TRY(
        db_.Execute("UPDATE pint_issuance_requests SET delivery = 'delivered', attempts = $2, "
                    "delivered_at = $3, last_error = NULL WHERE reference = $1",
                    {s.reference, attempts, Micros(clock_)}));
    return {};
  }
  std::string error = r ? fmt::format("{} answered {}: {}", *carrier.callback_url, r->status,
                                      PeerErrorText(r->body).value_or(r->body.substr(0, 300)))
                        : r.error().message();
  const auto backoff =
      options_.first_retry * (std::int64_t{1} << std::min<std::int64_t>(attempts - 1, 10));
  const std::int64_t next = now + std::chrono::microseconds(std::min<std::chrono::seconds>(
                                                                backoff, std::chrono::hours(1)))
                                      .count();
  const char* state = attempts >= options_.max_attempts ? "failed" : "pending";
  DT_TRY(
      db_.Execute("UPDATE pint_issuance_requests SET delivery = $2, attempts = $3, "
                  "last_error = $4, next_attempt_at = $5 WHERE reference = $1",
                  {s.reference, std::string(state), attempts, error, next}));
  return {};
}

void DcsaIssuance::StartDelivery(std::chrono::milliseconds poll) {
  std::lock_guard guard(mu_);
  if (worker_.joinable()) return;
  worker_ = std::thread([this, poll] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      poke_ = false;
      lock.unlock();
      (void)DeliverDue();  // failures stay on the rows (last_error) and are retried
      lock.lock();
      wake_.wait_for(lock, poll, [this] { return stop_ || poke_; });
    }
  });
}

}  // namespace digitrade::trade::etr::pint
