#include "http/api/signatures_api.h"

#include <fmt/format.h>

#include <boost/json/array.hpp>
#include <chrono>

#include "common/json.h"
#include "crypto/base64.h"
#include "crypto/signature_validator.h"
#include "http/api/api_util.h"

namespace digitrade::http::api {

namespace {

// Signed documents can be large; the route's max_body bounds the request.
constexpr std::size_t kMaxSignedBody = 16 << 20;

// {"signature": text | "signature_base64": b64, "content_base64"?: b64,
//  "validation_time"?: unix seconds}
Result<Response> Verify(trust::TrustRegistry& registry, const Clock& clock, Request& req) {
  DT_ASSIGN_OR_RETURN(auto body, json::ParseObject(req.body, {.max_bytes = kMaxSignedBody}));
  DT_TRY(json::RejectUnknownMembers(
      body, {"signature", "signature_base64", "content_base64", "validation_time"}));
  DT_ASSIGN_OR_RETURN(auto object, TextOrBase64(body, "signature", "signature_base64"));
  std::vector<std::uint8_t> content;
  crypto::ValidationInput input;
  if (body.contains("content_base64")) {
    DT_ASSIGN_OR_RETURN(auto c, json::RequiredString(body, "content_base64"));
    auto bytes = crypto::Base64Decode(c);
    if (!bytes) return InvalidArgument("/content_base64: " + bytes.error().message());
    content = *std::move(bytes);
    input.detached_content = content;
  }
  DT_ASSIGN_OR_RETURN(auto at, json::OptionalInt(body, "validation_time"));
  input.validation_time = at.value_or(
      std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count());
  const auto store = registry.Snapshot();
  const auto report = crypto::SignatureValidator(*store).Validate(object, input);
  return Response::Json(200, report.ToJson());
}

boost::json::object TrustListJson(const crypto::TrustList& list) {
  boost::json::array anchors;
  for (const auto& a : list.anchors()) {
    anchors.push_back(boost::json::object{{"subject", a.certificate.Subject()},
                                          {"sha256", a.certificate.Sha256Fingerprint()},
                                          {"service", a.service_name},
                                          {"not_after", a.certificate.NotAfter()}});
  }
  boost::json::object o{{"name", list.name()},
                        {"jurisdiction", list.jurisdiction()},
                        {"anchors", std::move(anchors)}};
  o["next_update"] =
      list.next_update() ? boost::json::value(*list.next_update()) : boost::json::value(nullptr);
  return o;
}

Result<Response> ListTrustLists(trust::TrustRegistry& registry, Request&) {
  boost::json::array items;
  for (const auto& l : registry.Snapshot()->lists()) items.push_back(TrustListJson(l));
  return Response::Json(200, ListEnvelope(std::move(items), ""));
}

// {"content": ETSI XML or PEM, "name"?: ..., "jurisdiction"?: ...}
Result<Response> ImportTrustList(trust::TrustRegistry& registry, Request& req) {
  DT_ASSIGN_OR_RETURN(auto body, json::ParseObject(req.body, {.max_bytes = kMaxSignedBody}));
  DT_TRY(json::RejectUnknownMembers(body,
                                    {"content", "name", "jurisdiction", "scheme_operators_pem"}));
  DT_ASSIGN_OR_RETURN(auto content, json::RequiredString(body, "content"));
  DT_ASSIGN_OR_RETURN(auto name, json::OptionalString(body, "name"));
  DT_ASSIGN_OR_RETURN(auto jurisdiction, json::OptionalString(body, "jurisdiction"));
  DT_ASSIGN_OR_RETURN(auto operators_pem, json::OptionalString(body, "scheme_operators_pem"));
  std::vector<crypto::Certificate> operators;
  if (operators_pem) {
    DT_ASSIGN_OR_RETURN(operators, crypto::Certificate::ChainFromPem(*operators_pem));
  }
  DT_ASSIGN_OR_RETURN(
      auto list, registry.Import(content, name.value_or(""), jurisdiction.value_or(""), operators));
  return Created(TrustListJson(list), "/v1/trust-lists");
}

// RFC 3161 §3.4: a DER TimeStampReq in, a DER TimeStampResp out. A bad
// request still gets a TimeStampResp (status rejection), as the RFC wants.
Result<Response> Timestamp(const crypto::TimestampAuthority* tsa, const Clock& clock,
                           crypto::Random& random, Request& req) {
  if (tsa == nullptr) {
    return FailedPrecondition(
        "no timestamp authority is configured (DIGITRADE_TSA_KEY, DIGITRADE_TSA_CERT)");
  }
  const auto type = req.Header("content-type");
  if (!type || type->find("application/timestamp-query") == std::string_view::npos) {
    return InvalidArgument("send the request as application/timestamp-query");
  }
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
  const std::span<const std::uint8_t> body(reinterpret_cast<const std::uint8_t*>(req.body.data()),
                                           req.body.size());
  DT_ASSIGN_OR_RETURN(auto resp, tsa->Respond(body, now, random));
  return Response::Text(200, std::string(resp.begin(), resp.end()), "application/timestamp-reply");
}

}  // namespace

void RegisterSignaturesApi(Router& router, trust::TrustRegistry& registry, const Clock& clock,
                           const crypto::TimestampAuthority* tsa, crypto::Random& random) {
  router.Add({.method = "POST",
              .pattern = "/v1/timestamp",
              .max_body = 64 << 10,
              .summary = "RFC 3161 timestamp authority"},
             [tsa, &clock, &random](Request& req) { return Timestamp(tsa, clock, random, req); });
  router.Add({.method = "POST",
              .pattern = "/v1/signatures/verify",
              .max_body = kMaxSignedBody,
              .json_body = true,
              .summary = "Validate a signed document (JWS, CMS/CAdES, XMLDSig)"},
             [&registry, &clock](Request& req) { return Verify(registry, clock, req); });
  router.Add({.method = "GET", .pattern = "/v1/trust-lists", .summary = "Trust lists"},
             [&registry](Request& req) { return ListTrustLists(registry, req); });
  router.Add({.method = "POST",
              .pattern = "/v1/trust-lists",
              .roles = {identity::Role::kAdmin},
              .max_body = kMaxSignedBody,
              .json_body = true,
              .summary = "Import a trust list (ETSI TS 119 612 XML or PEM)"},
             [&registry](Request& req) { return ImportTrustList(registry, req); });
}

}  // namespace digitrade::http::api
