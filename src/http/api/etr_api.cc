#include "http/api/etr_api.h"

#include <fmt/format.h>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json/array.hpp>

#include "common/json.h"
#include "crypto/base64.h"
#include "crypto/jcs.h"
#include "http/api/api_util.h"
#include "http/problem.h"
#include "trade/etr/action.h"
#include "trade/etr/proof.h"

namespace digitrade::http::api {

namespace {

namespace etr = trade::etr;
namespace bj = boost::json;

constexpr std::size_t kMaxIssueBody = 2 << 20;

struct Ctx {
  etr::Registry* registry;
  identity::Directory& directory;
  signing::KeyVault* vault;
  ledger::Log* log;
  EtrOutbound outbound;  // empty without PINT
  // Sends over PINT wait for another platform (seconds, up to its timeout):
  // on the asynchronous action route they run here, not on an io thread
  // (null without PINT).
  // Joined when the routes are destroyed, after the server has stopped
  // (Stop() waits for the answers they give).
  std::unique_ptr<boost::asio::thread_pool> remote_calls;
};

Result<etr::Registry*> Reg(const Ctx& c) {
  if (c.registry == nullptr)
    return Unavailable("transferable records need the evidence log, which is not open");
  return c.registry;
}

Result<std::string> CallerOrg(const Request& req) {
  const auto& caller = req.Caller();
  if (!caller.organisation_id) {
    return PermissionDenied(
        "your user belongs to no organisation: transferable records are held by organisations");
  }
  return *caller.organisation_id;
}

bj::value OrNull(const std::string& s) {
  return s.empty() ? bj::value(nullptr) : bj::value(s);
}

}  // namespace

bj::object EtrRecordJson(const etr::Record& r, bool with_document) {
  const auto& s = r.state;
  bj::object o{{"id", r.id},
               {"type", etr::RecordTypeName(s.type)},
               {"reference", r.reference},
               {"version", r.version},
               {"status", etr::RecordStatusName(s.status)},
               {"issuer", s.issuer_id},
               {"holder", s.holder_id},
               {"endorsee", OrNull(s.endorsee_id)},
               {"pledgee", OrNull(s.pledgee_id)},
               {"to_order", s.to_order},
               {"blank_endorsed", s.blank_endorsed},
               {"sequence", r.sequence},
               {"head", r.head},
               {"document_checksum", r.document_checksum},
               {"amendment_of", OrNull(r.amendment_of)},
               {"amended_by", OrNull(r.amended_by)},
               {"imported", r.imported},
               {"created_at", r.created_at},
               {"updated_at", r.updated_at}};
  o["pending_surrender"] = nullptr;
  if (s.pending_code) {
    o["pending_surrender"] = bj::object{{"action_code", etr::ActionCodeName(*s.pending_code)},
                                        {"reason_code", OrNull(s.pending_reason)},
                                        {"requested_by", s.surrender_from}};
  }
  if (with_document) {
    o["document"] = digitrade::json::Parse(r.document, {.max_bytes = 4 << 20, .max_depth = 64})
                        .value_or(nullptr);
    o["issuance_manifest_signed_content"] = r.issuance_manifest;
  }
  return o;
}

namespace {

bj::object ActionJson(const etr::ActionEntry& a) {
  bj::object o{{"record_id", a.record_id},
               {"sequence", a.sequence},
               {"action_code", etr::ActionCodeName(a.code)},
               {"actor", a.actor_id},
               {"recipient", OrNull(a.recipient_id)},
               {"signed_action", a.jws},
               {"action_hash", a.action_hash},
               {"previous_action_hash", OrNull(a.previous_hash)},
               {"log_kind", a.log_kind},
               {"created_at", a.created_at}};
  o["log_index"] = a.log_index ? bj::value(*a.log_index) : bj::value(nullptr);
  return o;
}

// The caller sees a record when its organisation is or was a party to it.
Status RequireVisible(const Request& req, const etr::Record& r,
                      const std::vector<etr::ActionEntry>& history) {
  const auto& caller = req.Caller();
  if (caller.Has(identity::Role::kAdmin) || caller.Has(identity::Role::kRegulator)) return {};
  if (caller.organisation_id) {
    const std::string& org = *caller.organisation_id;
    const auto& s = r.state;
    if (org == s.issuer_id || org == s.holder_id || org == s.endorsee_id || org == s.pledgee_id)
      return {};
    for (const auto& a : history) {
      if (a.actor_id == org || a.recipient_id == org) return {};
    }
  }
  return NotFound(fmt::format("no record {}", r.id));  // not revealing that it exists
}

// Makes `org` a (plain) party if it is not one yet, named as in the directory.
Status EnsureParty(const Ctx& c, const std::string& org) {
  DT_ASSIGN_OR_RETURN(auto* reg, Reg(c));
  auto party = reg->GetParty(org);
  if (party) return {};
  if (party.error().code() != ErrorCode::kNotFound) return std::unexpected(party.error());
  auto o = c.directory.GetOrganisation(org);
  if (!o) return std::unexpected(o.error().WithContext("party"));
  DT_TRY(reg->PutParty({org, o->name, false, false}));
  return {};
}

// Signs `payload` with the organisation's server-held key and makes sure
// that key is registered as one of the party's keys.
Result<std::string> ServerSign(const Ctx& c, const std::string& org, const std::string& key_id,
                               std::string_view payload) {
  if (c.vault == nullptr) {
    return FailedPrecondition(
        "server-side signing is not configured: set DIGITRADE_KEK (32 bytes, base64)");
  }
  DT_ASSIGN_OR_RETURN(auto info, c.vault->GetKey(key_id));
  if (info.organisation_id != org)
    return PermissionDenied("signing_key_id: not a key of your organisation");
  DT_TRY(EnsureParty(c, org));
  DT_TRY(c.registry->RegisterKey(org, info.public_jwk, "vault"));
  DT_ASSIGN_OR_RETURN(
      auto sig,
      c.vault->Sign(key_id, signing::SignatureFormat::kJws,
                    {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()},
                    false));
  return std::string(sig.begin(), sig.end());
}

Result<std::string> OptionalMember(const bj::object& o, std::string_view key) {
  DT_ASSIGN_OR_RETURN(auto v, digitrade::json::OptionalString(o, key));
  return v.value_or("");
}

// A 409 with the record's current state, so the client can re-prepare.
Result<Response> ConflictOrError(const Ctx& c, const Error& e, const std::string& id,
                                 const Request& req) {
  if (e.code() != ErrorCode::kConflict) return std::unexpected(e);
  Response r = ProblemFor(e, req.path);
  auto body = digitrade::json::ParseObject(r.body);
  auto rec = c.registry->GetRecord(id);
  if (body && rec) {
    (*body)["current"] = bj::object{{"sequence", rec->sequence},
                                    {"head", rec->head},
                                    {"status", etr::RecordStatusName(rec->state.status)},
                                    {"holder", rec->state.holder_id}};
    r.body = digitrade::json::Serialize(*body);
  }
  return r;
}

// ---- parties ----

Result<Response> PutParty(const Ctx& c, Request& req) {
  DT_ASSIGN_OR_RETURN(auto* reg, Reg(c));
  DT_ASSIGN_OR_RETURN(auto body, JsonBody(req));
  DT_TRY(digitrade::json::RejectUnknownMembers(body, {"organisation_id", "carrier", "warehouse"}));
  DT_ASSIGN_OR_RETURN(auto org_id, digitrade::json::RequiredString(body, "organisation_id"));
  DT_ASSIGN_OR_RETURN(auto carrier, digitrade::json::OptionalBool(body, "carrier"));
  DT_ASSIGN_OR_RETURN(auto warehouse, digitrade::json::OptionalBool(body, "warehouse"));
  DT_ASSIGN_OR_RETURN(auto org, c.directory.GetOrganisation(org_id));
  DT_ASSIGN_OR_RETURN(auto party, reg->PutParty({org.id, org.name, carrier.value_or(false),
                                                 warehouse.value_or(false)}));
  return Response::Json(200, bj::object{{"organisation_id", party.organisation_id},
                                        {"name", party.name},
                                        {"carrier", party.carrier},
                                        {"warehouse", party.warehouse}});
}

Result<Response> GetParty(const Ctx& c, Request& req) {
  DT_ASSIGN_OR_RETURN(auto* reg, Reg(c));
  DT_ASSIGN_OR_RETURN(auto party, reg->GetParty(std::string(req.Param("id"))));
  return Response::Json(200, bj::object{{"organisation_id", party.organisation_id},
                                        {"name", party.name},
                                        {"carrier", party.carrier},
                                        {"warehouse", party.warehouse}});
}

bj::object KeyJson(const etr::PartyKey& k) {
  return {{"id", k.id},
          {"organisation_id", k.organisation_id},
          {"thumbprint", k.thumbprint},
          {"public_jwk", k.public_jwk},
          {"certificate_pem", OrNull(k.certificate_pem)},
          {"source", k.source},
          {"created_at", k.created_at}};
}

// {"public_jwk": {...}} | {"certificate_pem": "..."} | {"signing_key_id": "sk_..."}
Result<Response> AddKey(const Ctx& c, Request& req) {
  DT_ASSIGN_OR_RETURN(auto* reg, Reg(c));
  const std::string org(req.Param("id"));
  const auto& caller = req.Caller();
  if (!caller.Has(identity::Role::kAdmin) && caller.organisation_id != org) {
    return PermissionDenied(
        "only the organisation's own users (or an admin) may register its keys");
  }
  DT_ASSIGN_OR_RETURN(auto body, JsonBody(req));
  DT_TRY(digitrade::json::RejectUnknownMembers(
      body, {"public_jwk", "certificate_pem", "signing_key_id"}));
  if (body.size() != 1)
    return InvalidArgument("give exactly one of public_jwk, certificate_pem, signing_key_id");
  DT_TRY(EnsureParty(c, org));
  etr::PartyKey key;
  if (const auto* jwk = body.if_contains("public_jwk")) {
    if (!jwk->is_object()) return InvalidArgument("/public_jwk: expected an object");
    if (jwk->as_object().contains("d"))
      return InvalidArgument("/public_jwk: a private key; send the public part only");
    DT_ASSIGN_OR_RETURN(key, reg->RegisterKey(org, jwk->as_object(), "jwk"));
  } else if (body.contains("certificate_pem")) {
    DT_ASSIGN_OR_RETURN(auto pem, digitrade::json::RequiredString(body, "certificate_pem"));
    DT_ASSIGN_OR_RETURN(key, reg->RegisterCertificate(org, pem));
  } else {
    DT_ASSIGN_OR_RETURN(auto key_id, digitrade::json::RequiredString(body, "signing_key_id"));
    if (c.vault == nullptr) return FailedPrecondition("server-side signing is not configured");
    DT_ASSIGN_OR_RETURN(auto info, c.vault->GetKey(key_id));
    if (info.organisation_id != org)
      return PermissionDenied("/signing_key_id: not a key of this organisation");
    DT_ASSIGN_OR_RETURN(key, reg->RegisterKey(org, info.public_jwk, "vault"));
  }
  return Created(KeyJson(key), fmt::format("/v1/etr/parties/{}/keys", org));
}

Result<Response> ListKeys(const Ctx& c, Request& req) {
  DT_ASSIGN_OR_RETURN(auto* reg, Reg(c));
  const std::string org(req.Param("id"));
  DT_TRY(reg->GetParty(org));
  DT_ASSIGN_OR_RETURN(auto keys, reg->ListKeys(org));
  bj::array items;
  for (const auto& k : keys) items.push_back(KeyJson(k));
  return Response::Json(200, ListEnvelope(std::move(items), ""));
}

Result<Response> ListRules(Request&) {
  bj::array items;
  for (const auto& r : etr::Rules()) {
    items.push_back(bj::object{{"type", etr::RecordTypeName(r.type)},
                               {"action_code", etr::ActionCodeName(r.code)},
                               {"actor", r.actor},
                               {"condition", r.condition},
                               {"recipient", r.recipient}});
  }
  return Response::Json(200, ListEnvelope(std::move(items), ""));
}

// ---- issuance ----

// Strict I-JSON, so the document's canonical form (and its checksum) is
// exactly what the client computed.
Result<bj::object> StrictBody(const Request& req) {
  auto v = crypto::ParseStrictJson(req.body, {.max_bytes = kMaxIssueBody, .max_depth = 64});
  if (!v) return std::unexpected(v.error().WithContext("request body"));
  if (!v->is_object()) return InvalidArgument("request body: expected a JSON object");
  return std::move(v->as_object());
}

// Bad input is answered first: the document is validated before who may
// issue it is looked at.
Result<etr::IssueInput> IssueInputFrom(const Ctx& c, const bj::object& body, const Request& req) {
  etr::IssueInput in;
  DT_ASSIGN_OR_RETURN(auto type, digitrade::json::RequiredString(body, "type"));
  DT_ASSIGN_OR_RETURN(in.type, etr::ParseRecordType(type));
  const auto* doc = body.if_contains("document");
  if (doc == nullptr || !doc->is_object())
    return InvalidArgument("/document: a JSON object is required");
  in.document = *doc;
  DT_ASSIGN_OR_RETURN(in.issue_to_id, digitrade::json::RequiredString(body, "issue_to"));
  DT_ASSIGN_OR_RETURN(in.amendment_of, OptionalMember(body, "amendment_of"));
  DT_ASSIGN_OR_RETURN(in.comments, OptionalMember(body, "comments"));
  DT_TRY(c.registry->ValidateDocument(in.type, in.document));
  DT_ASSIGN_OR_RETURN(in.issuer_id, CallerOrg(req));
  DT_TRY(EnsureParty(c, in.issue_to_id));
  return in;
}

Result<Response> PrepareIssue(const Ctx& c, Request& req) {
  DT_ASSIGN_OR_RETURN(auto* reg, Reg(c));
  DT_ASSIGN_OR_RETURN(auto body, StrictBody(req));
  DT_TRY(digitrade::json::RejectUnknownMembers(
      body, {"type", "document", "issue_to", "amendment_of", "comments"}));
  DT_ASSIGN_OR_RETURN(auto in, IssueInputFrom(c, body, req));
  DT_ASSIGN_OR_RETURN(auto draft, reg->PrepareIssue(in));
  return Response::Json(200, bj::object{{"record_id", draft.record_id},
                                        {"manifest_payload", draft.manifest_payload},
                                        {"action_payload", draft.action_payload},
                                        {"issue_to", draft.issue_to}});
}

Result<Response> Issue(const Ctx& c, Request& req) {
  DT_ASSIGN_OR_RETURN(auto* reg, Reg(c));
  DT_ASSIGN_OR_RETURN(auto body, StrictBody(req));
  DT_TRY(digitrade::json::RejectUnknownMembers(
      body, {"type", "document", "issue_to", "amendment_of", "comments",
             "issuance_manifest_signed_content", "issue_action_signed_content", "signing_key_id"}));
  DT_ASSIGN_OR_RETURN(auto in, IssueInputFrom(c, body, req));
  const std::string org = in.issuer_id;
  DT_ASSIGN_OR_RETURN(auto key_id, OptionalMember(body, "signing_key_id"));
  DT_ASSIGN_OR_RETURN(auto manifest, OptionalMember(body, "issuance_manifest_signed_content"));
  DT_ASSIGN_OR_RETURN(auto action, OptionalMember(body, "issue_action_signed_content"));
  if (key_id.empty() == (manifest.empty() || action.empty())) {
    return InvalidArgument(
        "give either signing_key_id (the server signs) or both issuance_manifest_signed_content "
        "and "
        "issue_action_signed_content (signed by you)");
  }
  if (!key_id.empty()) {
    DT_ASSIGN_OR_RETURN(auto draft, reg->PrepareIssue(in));
    DT_ASSIGN_OR_RETURN(manifest, ServerSign(c, org, key_id, draft.manifest_payload));
    DT_ASSIGN_OR_RETURN(action, ServerSign(c, org, key_id, draft.action_payload));
  }
  DT_ASSIGN_OR_RETURN(auto out, reg->Issue({in, manifest, action}, org));
  bj::object o = EtrRecordJson(out.record, false);
  o["action"] = ActionJson(out.action);
  return Created(o, "/v1/etr/records/" + out.record.id);
}

// ---- records and actions ----

Result<Response> ListRecords(const Ctx& c, Request& req) {
  DT_ASSIGN_OR_RETURN(auto* reg, Reg(c));
  DT_ASSIGN_OR_RETURN(auto page, ParsePage(req));
  DT_ASSIGN_OR_RETURN(auto org, CallerOrg(req));
  DT_ASSIGN_OR_RETURN(auto records, reg->ListRecords(org, page.limit + 1, page.after));
  bj::array items;
  std::string next;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (static_cast<int>(i) == page.limit) {
      next = records[i - 1].id;
      break;
    }
    items.push_back(EtrRecordJson(records[i], false));
  }
  return Response::Json(200, ListEnvelope(std::move(items), next));
}

Result<std::pair<etr::Record, std::vector<etr::ActionEntry>>> Visible(const Ctx& c,
                                                                      const Request& req) {
  DT_ASSIGN_OR_RETURN(auto* reg, Reg(c));
  const std::string id(req.Param("id"));
  DT_ASSIGN_OR_RETURN(auto rec, reg->GetRecord(id));
  DT_ASSIGN_OR_RETURN(auto history, reg->History(id));
  DT_TRY(RequireVisible(req, rec, history));
  return std::make_pair(std::move(rec), std::move(history));
}

// Where a record is, for records that left (or are leaving) for another
// platform: {"status": "transfer_pending" | "held_elsewhere", "platform", "party"}.
Result<bj::object> Location(const Ctx& c, const std::string& id) {
  DT_ASSIGN_OR_RETURN(auto away, c.registry->GetAway(id));
  bj::object o{{"status", etr::AwayStatusName(away.status)}};
  if (away.status != etr::AwayStatus::kHere) {
    o["platform"] = away.platform;
    o["party"] = away.party;
  }
  return o;
}

Result<Response> GetRecord(const Ctx& c, Request& req) {
  DT_ASSIGN_OR_RETURN(auto seen, Visible(c, req));
  bj::object o = EtrRecordJson(seen.first, true);
  DT_ASSIGN_OR_RETURN(o["location"], Location(c, seen.first.id));
  return Response::Json(200, o);
}

// A local action on a record that is leaving or has left for another
// platform: failed_precondition saying where it is, not "not the holder".
Error WhereItIs(const Ctx& c, const std::string& id, Error e) {
  auto away = c.registry->GetAway(id);
  if (!away || away->status == etr::AwayStatus::kHere) return e;
  const auto* name = away->party.if_contains("partyName");
  const std::string party =
      name != nullptr && name->is_string() ? std::string(name->get_string()) : "";
  if (away->status == etr::AwayStatus::kPending) {
    return FailedPrecondition(
               fmt::format(
                   "record {} is being transferred to \"{}\" on platform {}: no other action until "
                   "that platform answers (post the same signed action again to resend it)",
                   id, party, away->platform))
        .error();
  }
  return FailedPrecondition(
             fmt::format("record {} is held on platform {} by \"{}\"", id, away->platform, party))
      .error();
}

// The action the caller's organisation wants to take.
Result<etr::ActionIntent> IntentFrom(const bj::object& body, const Request& req) {
  etr::ActionIntent in;
  DT_ASSIGN_OR_RETURN(auto code, digitrade::json::RequiredString(body, "action_code"));
  DT_ASSIGN_OR_RETURN(in.code, etr::ParseActionCode(code));
  DT_ASSIGN_OR_RETURN(in.recipient_id, OptionalMember(body, "recipient"));
  DT_ASSIGN_OR_RETURN(in.reason_code, OptionalMember(body, "reason_code"));
  DT_ASSIGN_OR_RETURN(in.actor_id, CallerOrg(req));
  return in;
}

Response PreparedJson(const etr::PreparedAction& prepared);

Result<Response> PrepareAction(const Ctx& c, Request& req) {
  DT_ASSIGN_OR_RETURN(auto* reg, Reg(c));
  DT_ASSIGN_OR_RETURN(auto body, JsonBody(req));
  DT_TRY(digitrade::json::RejectUnknownMembers(
      body, {"action_code", "recipient", "recipient_party", "reason_code", "comments"}));
  // A recipient on another eBL platform (DCSA PINT): its DCSA party object.
  const auto* party = body.if_contains("recipient_party");
  if (party != nullptr && (!party->is_object() || body.contains("recipient")))
    return InvalidArgument("recipient_party: a DCSA party object, instead of recipient");
  DT_ASSIGN_OR_RETURN(auto intent, IntentFrom(body, req));
  DT_ASSIGN_OR_RETURN(auto comments, OptionalMember(body, "comments"));
  const std::string id(req.Param("id"));
  if (party != nullptr) {
    DT_ASSIGN_OR_RETURN(auto prepared,
                        reg->PrepareTransferOut(id, intent, party->get_object(), comments));
    return PreparedJson(prepared);
  }
  if (!intent.recipient_id.empty()) DT_TRY(EnsureParty(c, intent.recipient_id));
  auto prepared = reg->PrepareAction(id, intent, comments);
  if (!prepared && prepared.error().code() == ErrorCode::kPermissionDenied)
    return std::unexpected(WhereItIs(c, id, prepared.error()));
  if (!prepared) return std::unexpected(prepared.error());
  return PreparedJson(*prepared);
}

Response PreparedJson(const etr::PreparedAction& prepared) {
  return Response::Json(200, bj::object{{"record_id", prepared.record_id},
                                        {"sequence", prepared.sequence},
                                        {"previous_action_hash", prepared.previous_hash},
                                        {"payload", prepared.payload}});
}

// Whether the signed action names a recipient on another eBL platform.
bool ToOtherPlatform(etr::Registry& reg, std::string_view jws) {
  auto parsed = etr::ParseSignedAction(jws, reg.dcsa_schemas(), reg.platform_code(), true);
  return parsed && parsed->payload.recipient_foreign;
}

// An action to a party on another platform: sent over PINT (c.outbound).
Result<Response> SendElsewhere(const Ctx& c, etr::Registry& reg, const std::string& id,
                               const std::string& jws, const std::string& org, const Request& req) {
  if (!c.outbound) {
    return FailedPrecondition(
        "the recipient is on another eBL platform and this node has no DCSA PINT identity "
        "(DIGITRADE_PINT_PLATFORM, docs/pint.md)");
  }
  auto sent = c.outbound(id, jws, org);
  if (!sent) return ConflictOrError(c, sent.error(), id, req);
  DT_ASSIGN_OR_RETURN(auto rec, reg.GetRecord(id));
  bj::object o = EtrRecordJson(rec, false);
  DT_ASSIGN_OR_RETURN(o["location"], Location(c, id));
  o["pint"] = std::move(*sent);
  return Response::Json(200, o);
}

// A posted action: the record, who posts it and the signed action.
struct ActCall {
  std::string id;
  std::string org;
  std::string jws;
};

// {"signed_action": "<compact JWS>"} or {"action_code", "recipient"?,
// "reason_code"?, "comments"?, "signing_key_id"} (signed here).
Result<ActCall> ReadActCall(const Ctx& c, Request& req) {
  DT_ASSIGN_OR_RETURN(auto* reg, Reg(c));
  DT_ASSIGN_OR_RETURN(auto body, JsonBody(req));
  DT_TRY(digitrade::json::RejectUnknownMembers(
      body, {"signed_action", "action_code", "recipient", "recipient_party", "reason_code",
             "comments", "signing_key_id"}));
  const auto* party = body.if_contains("recipient_party");
  if (party != nullptr && (!party->is_object() || body.contains("recipient")))
    return InvalidArgument("recipient_party: a DCSA party object, instead of recipient");
  ActCall call;
  DT_ASSIGN_OR_RETURN(call.org, CallerOrg(req));
  call.id = std::string(req.Param("id"));
  DT_ASSIGN_OR_RETURN(call.jws, OptionalMember(body, "signed_action"));
  if (!call.jws.empty()) {
    if (body.size() != 1)
      return InvalidArgument("signed_action comes alone: the signed payload says everything");
    return call;
  }
  DT_ASSIGN_OR_RETURN(auto key_id, digitrade::json::RequiredString(body, "signing_key_id"));
  DT_ASSIGN_OR_RETURN(auto intent, IntentFrom(body, req));
  DT_ASSIGN_OR_RETURN(auto comments, OptionalMember(body, "comments"));
  if (!intent.recipient_id.empty()) DT_TRY(EnsureParty(c, intent.recipient_id));
  auto prepared = party != nullptr
                      ? reg->PrepareTransferOut(call.id, intent, party->get_object(), comments)
                      : reg->PrepareAction(call.id, intent, comments);
  if (!prepared && prepared.error().code() == ErrorCode::kPermissionDenied)
    return std::unexpected(WhereItIs(c, call.id, prepared.error()));
  if (!prepared) return std::unexpected(prepared.error());
  DT_ASSIGN_OR_RETURN(call.jws, ServerSign(c, call.org, key_id, prepared->payload));
  return call;
}

// The answer to a posted action, from what Registry::Act returned.
Result<Response> ActAnswer(const Ctx& c, const Request& req, const ActCall& call,
                           Result<etr::ActionOutcome> out) {
  if (!out && out.error().code() == ErrorCode::kPermissionDenied)
    return std::unexpected(WhereItIs(c, call.id, out.error()));
  if (!out) return ConflictOrError(c, out.error(), call.id, req);
  bj::object o = EtrRecordJson(out->record, false);
  o["action"] = ActionJson(out->action);
  return Response::Json(200, std::move(o));  // moved into the value, not copied
}

// Asynchronous: the signature is verified on this (io) thread, then the
// action waits for the log's group commit without holding the thread, and
// the answer is built on the connection's thread again.
void Act(const Ctx& c, Request& req, Responder reply) {
  auto read = ReadActCall(c, req);
  if (!read) return reply(ConflictOrError(c, read.error(), std::string(req.Param("id")), req));
  auto call = std::make_shared<ActCall>(std::move(*read));
  c.registry->ActAsync(
      call->id, call->jws, call->org, reply.executor(),
      [&c, &req, call, reply](Result<etr::ActionOutcome> out) {
        // Act refuses a recipient of another platform; only then (off the
        // hot path) is the action read again, and sent over PINT from the
        // pool for remote calls.
        if (!out && out.error().code() == ErrorCode::kInvalidArgument &&
            ToOtherPlatform(*c.registry, call->jws)) {
          const auto send = [&c, &req, call, reply] {
            reply(SendElsewhere(c, *c.registry, call->id, call->jws, call->org, req));
          };
          if (c.remote_calls == nullptr) return send();  // refused at once: no PINT identity
          return boost::asio::post(*c.remote_calls, send);
        }
        reply(ActAnswer(c, req, *call, std::move(out)));
      });
}

// The chain of custody: each step with its signature report and log status.
Result<Response> History(const Ctx& c, Request& req) {
  DT_ASSIGN_OR_RETURN(auto seen, Visible(c, req));
  bj::array items;
  auto proof = c.registry->ProveControl(seen.first.id);
  std::vector<etr::ProofStep> steps;
  if (proof) {
    const ledger::NoteVerifier key = c.log->verifier();
    steps = etr::CheckEachStep(*proof, etr::LocalVerifier(*c.registry, *c.log, key));
  }
  for (std::size_t i = 0; i < seen.second.size(); ++i) {
    bj::object o = ActionJson(seen.second[i]);
    if (i < steps.size()) {
      o["signature_status"] = steps[i].signature;
      o["log_status"] = steps[i].inclusion;
    } else {
      o["signature_status"] = "not checked";
      o["log_status"] = proof ? "not in the proof" : proof.error().message();
    }
    items.push_back(std::move(o));
  }
  bj::object out = ListEnvelope(std::move(items), "");
  out["record"] = EtrRecordJson(seen.first, false);
  return Response::Json(200, out);
}

Result<Response> Proof(const Ctx& c, Request& req) {
  DT_ASSIGN_OR_RETURN(auto seen, Visible(c, req));
  DT_ASSIGN_OR_RETURN(auto proof, c.registry->ProveControl(seen.first.id));
  bj::array chain;
  for (const auto& link : proof.chain) {
    bj::object o = ActionJson(link.action);
    o["log_entry"] = link.action.log_data;
    bj::array inclusion;
    for (const auto& h : link.inclusion) inclusion.push_back(bj::string(crypto::Base64Encode(h)));
    o["inclusion_proof"] = std::move(inclusion);
    chain.push_back(std::move(o));
  }
  const ledger::NoteVerifier key = c.log->verifier();
  auto verdict = etr::VerifyControlProof(proof, etr::LocalVerifier(*c.registry, *c.log, key));
  return Response::Json(
      200, bj::object{{"record", EtrRecordJson(proof.record, false)},
                      {"head", proof.record.head},
                      {"checkpoint", proof.checkpoint},
                      {"checkpoint_size", proof.checkpoint_size},
                      {"log_origin", c.log->origin()},
                      {"log_verifier_key", key.VerifierKey()},
                      {"chain", std::move(chain)},
                      {"server_verdict",
                       verdict ? bj::value("verified") : bj::value(verdict.error().message())}});
}

}  // namespace

void RegisterEtrApi(Router& router, etr::Registry* registry, identity::Directory& directory,
                    signing::KeyVault* vault, ledger::Log* log, EtrOutbound outbound) {
  using identity::Role;
  auto ctx = std::make_shared<Ctx>(Ctx{registry, directory, vault, log, std::move(outbound),
                                       nullptr});
  if (ctx->outbound) ctx->remote_calls = std::make_unique<boost::asio::thread_pool>(2);
  auto route = [&](RouteSpec spec, Result<Response> (*fn)(const Ctx&, Request&)) {
    router.Add(std::move(spec), [ctx, fn](Request& req) { return fn(*ctx, req); });
  };
  const identity::RoleSet issuers{Role::kCarrier, Role::kTrader};
  const identity::RoleSet actors{Role::kTrader, Role::kCarrier, Role::kBank};
  router.Add(
      {.method = "GET", .pattern = "/v1/etr/rules", .summary = "The action rules per record type"},
      ListRules);
  route({.method = "POST",
         .pattern = "/v1/etr/parties",
         .roles = {Role::kAdmin},
         .json_body = true,
         .summary = "Register an organisation as an etr party (carrier, warehouse)"},
        PutParty);
  route({.method = "GET", .pattern = "/v1/etr/parties/{id}", .summary = "An etr party"}, GetParty);
  route({.method = "POST",
         .pattern = "/v1/etr/parties/{id}/keys",
         .json_body = true,
         .summary = "Register a party's public key (JWK, certificate or server-held key)"},
        AddKey);
  route(
      {.method = "GET", .pattern = "/v1/etr/parties/{id}/keys", .summary = "A party's public keys"},
      ListKeys);
  route({.method = "POST",
         .pattern = "/v1/etr/issuance/prepare",
         .roles = issuers,
         .max_body = kMaxIssueBody,
         .json_body = true,
         .summary = "Validate a document and return the manifest and ISSUE payloads to sign"},
        PrepareIssue);
  route({.method = "POST",
         .pattern = "/v1/etr/records",
         .roles = issuers,
         .max_body = kMaxIssueBody,
         .json_body = true,
         .summary = "Issue an eBL or warehouse receipt"},
        Issue);
  route({.method = "GET",
         .pattern = "/v1/etr/records",
         .summary = "Records of the caller's organisation"},
        ListRecords);
  route(
      {.method = "GET", .pattern = "/v1/etr/records/{id}", .summary = "A record with its document"},
      GetRecord);
  route({.method = "POST",
         .pattern = "/v1/etr/records/{id}/prepare",
         .roles = actors,
         .json_body = true,
         .summary = "The payload to sign for an action"},
        PrepareAction);
  router.AddAsync({.method = "POST",
                   .pattern = "/v1/etr/records/{id}/actions",
                   .roles = actors,
                   .json_body = true,
                   .summary = "Submit a signed action (or have the server sign it)"},
                  [ctx](Request& req, Responder reply) { Act(*ctx, req, std::move(reply)); });
  route({.method = "GET",
         .pattern = "/v1/etr/records/{id}/history",
         .summary = "Chain of custody with signature and log status"},
        History);
  route({.method = "GET",
         .pattern = "/v1/etr/records/{id}/proof",
         .summary = "Proof of current control"},
        Proof);
}

}  // namespace digitrade::http::api
