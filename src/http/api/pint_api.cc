#include "http/api/pint_api.h"

#include <fmt/format.h>

#include <boost/json/array.hpp>

#include "common/json.h"
#include "crypto/base64.h"
#include "crypto/jws.h"
#include "http/api/api_util.h"
#include "http/api/dcsa_api.h"
#include "http/client.h"

namespace digitrade::http::api {

namespace pint = trade::etr::pint;

namespace {

using identity::Role;

constexpr std::size_t kMaxEnvelope = 8u << 20;
constexpr std::size_t kMaxDocument = 16u << 20;                        // decoded
constexpr std::size_t kMaxDocumentBody = kMaxDocument / 3 * 4 + 1024;  // base64 in a JSON string
constexpr std::string_view kApiVersion = "3.0.0";

Result<pint::PintService*> Service(pint::PintService* s) {
  if (s == nullptr) {
    return FailedPrecondition(
        "PINT is not configured: set DIGITRADE_PINT_PLATFORM (our eblPlatform code) and "
        "DIGITRADE_PINT_KEY "
        "(PEM private key file)");
  }
  return s;
}

// The peer platform behind the caller's token.
Result<std::string> CallerPlatform(pint::PintService& s, const Request& req) {
  DT_ASSIGN_OR_RETURN(auto peer, s.peers().PeerByUser(req.Caller().user_id));
  return peer.code;
}

Response FromReply(const pint::Reply& r) {
  return r.body.is_null() ? Response::NoContent() : Response::Json(r.status, r.body);
}

Result<std::string> Checksum(std::string_view s) {
  if (!pint::IsChecksum(s))
    return InvalidArgument("documentChecksum must be 64 lower-case hex digits");
  return std::string(s);
}

// ---- /v3: called by peer platforms ----

Result<Response> StartTransfer(pint::PintService* p, Request& req) {
  DT_ASSIGN_OR_RETURN(auto s, Service(p));
  DT_ASSIGN_OR_RETURN(auto caller, CallerPlatform(*s, req));
  DT_ASSIGN_OR_RETURN(auto reply, s->receiver().StartTransfer(caller, req.body));
  return FromReply(reply);
}

Result<Response> PutDocument(pint::PintService* p, Request& req) {
  DT_ASSIGN_OR_RETURN(auto s, Service(p));
  DT_ASSIGN_OR_RETURN(auto caller, CallerPlatform(*s, req));
  DT_ASSIGN_OR_RETURN(auto checksum, Checksum(req.Param("documentChecksum")));
  DT_ASSIGN_OR_RETURN(auto reply,
                      s->receiver().PutDocument(caller, std::string(req.Param("envelopeReference")),
                                                checksum, req.body));
  return FromReply(reply);
}

Result<Response> FinishTransfer(pint::PintService* p, Request& req) {
  DT_ASSIGN_OR_RETURN(auto s, Service(p));
  DT_ASSIGN_OR_RETURN(auto caller, CallerPlatform(*s, req));
  DT_ASSIGN_OR_RETURN(auto reply, s->receiver().FinishTransfer(
                                      caller, std::string(req.Param("envelopeReference"))));
  return FromReply(reply);
}

Result<Response> ValidateReceiver(pint::PintService* p, Request& req) {
  DT_ASSIGN_OR_RETURN(auto s, Service(p));
  DT_TRY(CallerPlatform(*s, req));
  DT_ASSIGN_OR_RETURN(auto body, JsonBody(req));
  DT_TRY(json::RejectUnknownMembers(body, {"codeListProvider", "partyCode", "codeListName"}));
  pint::IdentifyingCode code;
  DT_ASSIGN_OR_RETURN(code.code_list_provider, json::RequiredString(body, "codeListProvider"));
  DT_ASSIGN_OR_RETURN(code.party_code, json::RequiredString(body, "partyCode"));
  DT_ASSIGN_OR_RETURN(auto name, s->receiver().ValidateReceiver(code));
  return Response::Json(200, boost::json::object{{"partyName", name}});
}

// ---- /v1/pint: the operator's routes ----

boost::json::object PeerJson(const pint::Peer& peer) {
  boost::json::object o{{"code", peer.code},
                        {"base_url", peer.base_url},
                        {"public_key_pem", peer.public_key_pem},
                        {"has_outbound_token", peer.outbound_token.has_value()}};
  o["certificate_pem"] = peer.certificate_pem ? boost::json::value(*peer.certificate_pem) : nullptr;
  o["user_id"] = peer.user_id ? boost::json::value(*peer.user_id) : nullptr;
  return o;
}

// The identity user a peer's token authenticates as (role "platform").
Result<identity::User> PeerUser(identity::Directory& directory, const std::string& code) {
  const std::string name = "pint-peer-" + code;
  if (auto existing = directory.GetUserByName(name)) return *existing;
  return directory.CreateUser({.name = name, .roles = {"platform"}});
}

// {code, base_url, public_key_pem | certificate_pem, outbound_token?}. The
// answer carries, once, the token the peer must present to us.
Result<Response> PutPeer(pint::PintService* p, identity::Directory& directory, Request& req) {
  DT_ASSIGN_OR_RETURN(auto s, Service(p));
  DT_ASSIGN_OR_RETURN(auto body, JsonBody(req));
  DT_TRY(json::RejectUnknownMembers(
      body, {"code", "base_url", "public_key_pem", "certificate_pem", "outbound_token"}));
  pint::Peer peer;
  DT_ASSIGN_OR_RETURN(peer.code, json::RequiredString(body, "code"));
  DT_TRY(pint::CheckPlatformCode(peer.code));
  if (peer.code == s->signer().platform_code)
    return InvalidArgument("a peer cannot have our own platform code");
  DT_ASSIGN_OR_RETURN(peer.base_url, json::RequiredString(body, "base_url"));
  DT_ASSIGN_OR_RETURN(auto key, json::OptionalString(body, "public_key_pem"));
  DT_ASSIGN_OR_RETURN(peer.certificate_pem, json::OptionalString(body, "certificate_pem"));
  DT_ASSIGN_OR_RETURN(peer.outbound_token, json::OptionalString(body, "outbound_token"));
  if (!key && !peer.certificate_pem)
    return InvalidArgument("give public_key_pem or certificate_pem");
  peer.public_key_pem = key.value_or("");
  DT_TRY(pint::KeyFromPem(peer.public_key_pem, peer.certificate_pem));
  DT_ASSIGN_OR_RETURN(auto user, PeerUser(directory, peer.code));
  peer.user_id = user.id;
  DT_ASSIGN_OR_RETURN(peer, s->peers().PutPeer(peer));
  DT_ASSIGN_OR_RETURN(auto token, directory.CreateToken(user.id, "PINT peer " + peer.code));
  boost::json::object out = PeerJson(peer);
  out["inbound_token"] = token.secret;
  return Created(out, "/v1/pint/peers");
}

Result<Response> ListPeers(pint::PintService* p, Request&) {
  DT_ASSIGN_OR_RETURN(auto s, Service(p));
  DT_ASSIGN_OR_RETURN(auto peers, s->peers().ListPeers());
  boost::json::array items;
  for (const auto& peer : peers) items.push_back(PeerJson(peer));
  return Response::Json(200, ListEnvelope(std::move(items), ""));
}

// The eBL platforms a holder here may send to: codes only, for any signed-in
// user (the portal's recipient picker); keys and URLs stay with admins.
Result<Response> ListPlatforms(pint::PintService* p, Request&) {
  DT_ASSIGN_OR_RETURN(auto s, Service(p));
  DT_ASSIGN_OR_RETURN(auto peers, s->peers().ListPeers());
  boost::json::array items;
  for (const auto& peer : peers) items.push_back(boost::json::object{{"code", peer.code}});
  return Response::Json(
      200, boost::json::object{{"self", s->signer().platform_code}, {"items", std::move(items)}});
}

boost::json::object CarrierJson(const pint::Carrier& c) {
  auto optional = [](const std::optional<std::string>& v) {
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
  };
  return {{"code", c.code},
          {"public_key_pem", c.public_key_pem},
          {"organisation_id", optional(c.organisation_id)},
          {"callback_url", optional(c.callback_url)},
          {"has_callback_token", c.callback_token.has_value()}};
}

// {public_key_pem | certificate_pem, organisation_id?, callback_url?,
// callback_token?}: the last three for the DCSA Issuance API.
Result<Response> PutCarrier(pint::PintService* p, identity::Directory& directory, Request& req) {
  DT_ASSIGN_OR_RETURN(auto s, Service(p));
  DT_ASSIGN_OR_RETURN(auto body, JsonBody(req));
  DT_TRY(json::RejectUnknownMembers(body, {"public_key_pem", "certificate_pem", "organisation_id",
                                           "callback_url", "callback_token"}));
  pint::Carrier c{.code = std::string(req.Param("code"))};
  DT_ASSIGN_OR_RETURN(auto key, json::OptionalString(body, "public_key_pem"));
  DT_ASSIGN_OR_RETURN(c.certificate_pem, json::OptionalString(body, "certificate_pem"));
  DT_ASSIGN_OR_RETURN(c.organisation_id, json::OptionalString(body, "organisation_id"));
  DT_ASSIGN_OR_RETURN(c.callback_url, json::OptionalString(body, "callback_url"));
  DT_ASSIGN_OR_RETURN(c.callback_token, json::OptionalString(body, "callback_token"));
  if (!key && !c.certificate_pem) return InvalidArgument("give public_key_pem or certificate_pem");
  if (c.organisation_id) DT_TRY(directory.GetOrganisation(*c.organisation_id));
  c.public_key_pem = key.value_or("");
  DT_ASSIGN_OR_RETURN(c, s->peers().PutCarrier(c));
  return Response::Json(200, CarrierJson(c));
}

Result<Response> ListCarriers(pint::PintService* p, Request&) {
  DT_ASSIGN_OR_RETURN(auto s, Service(p));
  DT_ASSIGN_OR_RETURN(auto carriers, s->peers().ListCarriers());
  boost::json::array items;
  for (const auto& c : carriers) items.push_back(CarrierJson(c));
  return Response::Json(200, ListEnvelope(std::move(items), ""));
}

Result<Response> PutParty(pint::PintService* p, Request& req) {
  DT_ASSIGN_OR_RETURN(auto s, Service(p));
  DT_ASSIGN_OR_RETURN(auto body, JsonBody(req));
  DT_TRY(json::RejectUnknownMembers(body, {"codeListProvider", "partyCode", "partyName"}));
  pint::LocalParty party;
  DT_ASSIGN_OR_RETURN(party.code.code_list_provider,
                      json::RequiredString(body, "codeListProvider"));
  DT_ASSIGN_OR_RETURN(party.code.party_code, json::RequiredString(body, "partyCode"));
  DT_ASSIGN_OR_RETURN(party.party_name, json::RequiredString(body, "partyName"));
  DT_ASSIGN_OR_RETURN(party, s->peers().PutParty(party));
  return Created(boost::json::object{{"codeListProvider", party.code.code_list_provider},
                                     {"partyCode", party.code.party_code},
                                     {"partyName", party.party_name}},
                 "/v1/pint/parties");
}

Result<Response> ListParties(pint::PintService* p, Request&) {
  DT_ASSIGN_OR_RETURN(auto s, Service(p));
  DT_ASSIGN_OR_RETURN(auto parties, s->peers().ListParties());
  boost::json::array items;
  for (const auto& party : parties) {
    items.push_back(boost::json::object{{"codeListProvider", party.code.code_list_provider},
                                        {"partyCode", party.code.party_code},
                                        {"partyName", party.party_name}});
  }
  return Response::Json(200, ListEnvelope(std::move(items), ""));
}

Result<Response> Platform(pint::PintService* p, Request&) {
  DT_ASSIGN_OR_RETURN(auto s, Service(p));
  return Response::Json(
      200, boost::json::object{{"code", s->signer().platform_code},
                               {"alg", crypto::JwsAlgorithmName(s->signer().alg)},
                               {"public_key_pem", s->signer().key.public_key().ToPem()}});
}

boost::json::object EblJson(const pint::HeldEbl& e) {
  boost::json::array chain;
  for (const auto& entry : e.chain) chain.emplace_back(entry);
  boost::json::array docs;
  for (const auto& d : e.documents) {
    auto meta = d.metadata.json;
    meta["role"] = d.role == pint::DocumentRole::kVisualisation ? "visualisation" : "supporting";
    docs.push_back(std::move(meta));
  }
  boost::json::object o{{"transportDocumentReference", e.transport_document_reference},
                        {"transportDocumentChecksum", e.transport_document_checksum},
                        {"held", e.held},
                        {"surrendered", e.surrendered},
                        {"envelopeTransferChain", std::move(chain)},
                        {"documents", std::move(docs)}};
  o["possessor"] = e.possessor ? boost::json::value(e.possessor->json) : nullptr;
  return o;
}

Result<pint::Party> PartyMember(const boost::json::object& body, std::string_view key) {
  const auto* v = body.if_contains(key);
  if (v == nullptr || !v->is_object())
    return InvalidArgument(fmt::format("/{}: expected a party object", key));
  auto party = pint::PartyFromJson(v->get_object());
  if (!party) return std::unexpected(party.error().WithContext(fmt::format("/{}", key)));
  return *party;
}

Result<std::vector<pint::StoredDocument>> DocumentsMember(const boost::json::object& body) {
  std::vector<pint::StoredDocument> out;
  const auto* docs = body.if_contains("documents");
  if (docs == nullptr) return out;
  if (!docs->is_array()) return InvalidArgument("/documents: expected an array");
  for (std::size_t i = 0; i < docs->get_array().size(); ++i) {
    const auto& d = docs->get_array()[i];
    const std::string at = fmt::format("/documents/{}", i);
    if (!d.is_object()) return InvalidArgument(at + ": expected an object");
    const auto& o = d.get_object();
    DT_TRY(json::RejectUnknownMembers(o, {"name", "mediaType", "content_base64", "visualisation"}));
    pint::StoredDocument doc;
    DT_ASSIGN_OR_RETURN(doc.metadata.name, json::RequiredString(o, "name"));
    DT_ASSIGN_OR_RETURN(doc.metadata.media_type, json::RequiredString(o, "mediaType"));
    DT_ASSIGN_OR_RETURN(auto content, json::RequiredString(o, "content_base64"));
    auto bytes = crypto::Base64Decode(content);
    if (!bytes || bytes->empty())
      return InvalidArgument(at + "/content_base64: expected non-empty base64");
    DT_ASSIGN_OR_RETURN(auto vis, json::OptionalBool(o, "visualisation"));
    doc.role =
        vis.value_or(false) ? pint::DocumentRole::kVisualisation : pint::DocumentRole::kSupporting;
    doc.content = std::move(*bytes);
    doc.metadata.size = static_cast<std::int64_t>(doc.content.size());
    doc.metadata.document_checksum =
        pint::Sha256Hex({reinterpret_cast<const char*>(doc.content.data()), doc.content.size()});
    doc.metadata.json = {{"name", doc.metadata.name},
                         {"size", doc.metadata.size},
                         {"mediaType", doc.metadata.media_type},
                         {"documentChecksum", doc.metadata.document_checksum}};
    out.push_back(std::move(doc));
  }
  return out;
}

boost::json::object OutcomeJson(const pint::SendOutcome& o) {
  boost::json::array uploaded;
  for (const auto& c : o.documents_uploaded) uploaded.emplace_back(c);
  return {{"id", o.id},
          {"responseCode", pint::ResponseCodeName(o.code)},
          {"accepted", o.accepted},
          {"reason", o.reason},
          {"lastEnvelopeTransferChainEntrySignedContentChecksum", o.last_entry_checksum},
          {"documentsUploaded", std::move(uploaded)},
          {"signedResponse", o.signed_response}};
}

// {transportDocument, issuanceManifestSignedContent, carrier, issueTo, documents?}
Result<Response> RecordIssued(pint::PintService* p, Request& req) {
  DT_ASSIGN_OR_RETURN(auto s, Service(p));
  DT_ASSIGN_OR_RETURN(auto body,
                      json::ParseObject(req.body, {.max_bytes = 64u << 20, .max_depth = 64}));
  DT_TRY(json::RejectUnknownMembers(body, {"transportDocument", "issuanceManifestSignedContent",
                                           "carrier", "issueTo", "documents"}));
  pint::IssuedEbl issued;
  const auto* td = body.if_contains("transportDocument");
  if (td == nullptr || !td->is_object())
    return InvalidArgument("/transportDocument: expected an object");
  issued.transport_document = td->get_object();
  DT_ASSIGN_OR_RETURN(issued.issuance_manifest_signed_content,
                      json::RequiredString(body, "issuanceManifestSignedContent"));
  DT_ASSIGN_OR_RETURN(issued.carrier, PartyMember(body, "carrier"));
  DT_ASSIGN_OR_RETURN(issued.issue_to, PartyMember(body, "issueTo"));
  DT_ASSIGN_OR_RETURN(issued.documents, DocumentsMember(body));
  DT_ASSIGN_OR_RETURN(auto held, s->sender().RecordIssued(issued));
  return Created(EblJson(held), "/v1/pint/ebls/" + held.transport_document_checksum);
}

Result<Response> GetEbl(pint::PintService* p, Request& req) {
  DT_ASSIGN_OR_RETURN(auto s, Service(p));
  DT_ASSIGN_OR_RETURN(auto held, s->registry().Export(std::string(req.Param("id"))));
  return Response::Json(200, EblJson(held));
}

// {document, peer, recipient, actionCode?}
Result<Response> Send(pint::PintService* p, Request& req) {
  DT_ASSIGN_OR_RETURN(auto s, Service(p));
  DT_ASSIGN_OR_RETURN(auto body, JsonBody(req));
  DT_TRY(json::RejectUnknownMembers(body, {"document", "peer", "recipient", "actionCode"}));
  pint::SendRequest send;
  DT_ASSIGN_OR_RETURN(send.document, json::RequiredString(body, "document"));
  DT_ASSIGN_OR_RETURN(send.peer, json::RequiredString(body, "peer"));
  DT_ASSIGN_OR_RETURN(send.recipient, PartyMember(body, "recipient"));
  DT_ASSIGN_OR_RETURN(auto action, json::OptionalString(body, "actionCode"));
  if (action) {
    auto code = pint::ParsePintActionCode(*action);
    if (!code || *code == trade::etr::ActionCode::kIssue)
      return InvalidArgument(fmt::format("/actionCode: cannot send \"{}\"", *action));
    send.action = *code;
  }
  DT_ASSIGN_OR_RETURN(auto o, s->sender().Send(send));
  return Response::Json(200, OutcomeJson(o));
}

// {documents: [...]}: additional documents (and the carrier's visualisation)
// of an eBL, sent with it from now on.
Result<Response> AttachDocuments(pint::PintService* p, Request& req) {
  DT_ASSIGN_OR_RETURN(auto s, Service(p));
  DT_ASSIGN_OR_RETURN(auto body,
                      json::ParseObject(req.body, {.max_bytes = 64u << 20, .max_depth = 64}));
  DT_TRY(json::RejectUnknownMembers(body, {"documents"}));
  DT_ASSIGN_OR_RETURN(auto docs, DocumentsMember(body));
  if (docs.empty()) return InvalidArgument("/documents: at least one document is required");
  const std::string id(req.Param("id"));
  DT_TRY(s->registry().AttachDocuments(id, docs));
  DT_ASSIGN_OR_RETURN(auto held, s->registry().Export(id));
  return Response::Json(200, EblJson(held));
}

}  // namespace

EtrOutbound PintOutbound(pint::PintService* p) {
  if (p == nullptr || p->etr_transfers() == nullptr) return {};
  return [p](const std::string& id, std::string_view jws,
             const std::string& org) -> Result<boost::json::object> {
    DT_ASSIGN_OR_RETURN(auto sent, p->etr_transfers()->Send(id, jws, org));
    return OutcomeJson(sent.outcome);
  };
}

Result<pint::TransportResponse> HttpPeerTransport::Send(const std::string& method,
                                                        const std::string& base_url,
                                                        const std::string& path,
                                                        const std::optional<std::string>& token,
                                                        const std::string& body) {
  DT_ASSIGN_OR_RETURN(auto client, HttpClient::Create(base_url, {.ca_file = ca_file_}));
  std::vector<std::pair<std::string, std::string>> headers{
      {"Content-Type", "application/json"}, {"API-Version", std::string(kApiVersion)}};
  if (token) headers.emplace_back("Authorization", "Bearer " + *token);
  const std::string_view relative = std::string_view(path).substr(path.starts_with('/') ? 1 : 0);
  DT_ASSIGN_OR_RETURN(auto r, client->Send({.method = method,
                                            .path = std::string(relative),
                                            .body = body,
                                            .headers = std::move(headers)}));
  return pint::TransportResponse{.status = r.status, .body = std::move(r.body)};
}

void RegisterPintApi(Router& router, pint::PintService* p, identity::Directory& directory,
                     const Clock& clock) {
  const identity::RoleSet peers{Role::kPlatform};
  const identity::RoleSet admins{Role::kAdmin};
  AddDcsaRoute(router,
               {.method = "POST",
                .pattern = "/v3/envelopes",
                .roles = peers,
                .max_body = kMaxEnvelope,
                .json_body = true,
                .summary = "DCSA PINT: start an envelope transfer"},
               clock, kApiVersion, [p](Request& req) { return StartTransfer(p, req); });
  AddDcsaRoute(
      router,
      {.method = "PUT",
       .pattern = "/v3/envelopes/{envelopeReference}/additional-documents/{documentChecksum}",
       .roles = peers,
       .max_body = kMaxDocumentBody,
       .json_body = true,
       .summary = "DCSA PINT: transfer an additional document"},
      clock, kApiVersion, [p](Request& req) { return PutDocument(p, req); });
  AddDcsaRoute(router,
               {.method = "PUT",
                .pattern = "/v3/envelopes/{envelopeReference}/finish-transfer",
                .roles = peers,
                .max_body = 1024,
                .summary = "DCSA PINT: finish an envelope transfer"},
               clock, kApiVersion, [p](Request& req) { return FinishTransfer(p, req); });
  AddDcsaRoute(router,
               {.method = "POST",
                .pattern = "/v3/receiver-validation",
                .roles = peers,
                .max_body = 4096,
                .json_body = true,
                .summary = "DCSA PINT: validate a receiving party"},
               clock, kApiVersion, [p](Request& req) { return ValidateReceiver(p, req); });

  router.Add({.method = "GET",
              .pattern = "/v1/pint/platform",
              .access = Access::kPublic,
              .summary = "Our PINT platform code and public key"},
             [p](Request& req) { return Platform(p, req); });
  router.Add(
      {.method = "GET",
       .pattern = "/v1/pint/platforms",
       .summary = "Codes of the peer eBL platforms records can be sent to (any signed-in user)"},
      [p](Request& req) { return ListPlatforms(p, req); });
  router.Add({.method = "POST",
              .pattern = "/v1/pint/peers",
              .roles = admins,
              .json_body = true,
              .summary = "Register a peer eBL platform (returns its inbound token once)"},
             [p, &directory](Request& req) { return PutPeer(p, directory, req); });
  router.Add({.method = "GET",
              .pattern = "/v1/pint/peers",
              .roles = admins,
              .summary = "Peer eBL platforms"},
             [p](Request& req) { return ListPeers(p, req); });
  router.Add({.method = "PUT",
              .pattern = "/v1/pint/carriers/{code}",
              .roles = admins,
              .json_body = true,
              .summary = "Set a carrier's issuance manifest key"},
             [p, &directory](Request& req) { return PutCarrier(p, directory, req); });
  router.Add({.method = "GET",
              .pattern = "/v1/pint/carriers",
              .roles = admins,
              .summary = "Carriers whose issuance manifests we accept"},
             [p](Request& req) { return ListCarriers(p, req); });
  router.Add({.method = "POST",
              .pattern = "/v1/pint/parties",
              .roles = admins,
              .json_body = true,
              .summary = "Register a party on this platform that may receive eBLs"},
             [p](Request& req) { return PutParty(p, req); });
  router.Add({.method = "GET",
              .pattern = "/v1/pint/parties",
              .roles = admins,
              .summary = "Parties on this platform that may receive eBLs"},
             [p](Request& req) { return ListParties(p, req); });
  router.Add({.method = "POST",
              .pattern = "/v1/pint/ebls",
              .roles = {Role::kAdmin, Role::kCarrier},
              .max_body = 64u << 20,
              .json_body = true,
              .summary = "Record an eBL issued on this platform"},
             [p](Request& req) { return RecordIssued(p, req); });
  router.Add({.method = "GET",
              .pattern = "/v1/pint/ebls/{id}",
              .roles = {Role::kAdmin, Role::kCarrier},
              .summary = "An eBL we hold or held, with its transfer chain"},
             [p](Request& req) { return GetEbl(p, req); });
  router.Add({.method = "POST",
              .pattern = "/v1/pint/ebls/{id}/documents",
              .roles = {Role::kAdmin, Role::kCarrier},
              .max_body = 64u << 20,
              .json_body = true,
              .summary = "Attach additional documents to an eBL (they travel with its transfers)"},
             [p](Request& req) { return AttachDocuments(p, req); });
  router.Add({.method = "POST",
              .pattern = "/v1/pint/transfers",
              .roles = admins,
              .json_body = true,
              .summary = "Send an eBL we hold to a peer platform over PINT"},
             [p](Request& req) { return Send(p, req); });
}

}  // namespace digitrade::http::api
