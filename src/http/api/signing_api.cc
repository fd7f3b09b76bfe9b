#include "http/api/signing_api.h"

#include <fmt/format.h>

#include <boost/json/array.hpp>

#include "common/json.h"
#include "crypto/base64.h"
#include "http/api/api_util.h"

namespace digitrade::http::api {

namespace {

constexpr std::size_t kMaxContent = 16 << 20;

boost::json::object KeyJson(const signing::SigningKeyInfo& k) {
  boost::json::object o{{"id", k.id},
                        {"organisation_id", k.organisation_id},
                        {"type", crypto::KeyTypeName(k.type)},
                        {"public_jwk", k.public_jwk},
                        {"thumbprint", k.thumbprint}};
  o["certificate_pem"] =
      k.certificate_pem ? boost::json::value(*k.certificate_pem) : boost::json::value(nullptr);
  return o;
}

Result<signing::KeyVault*> Vault(signing::KeyVault* vault) {
  if (vault == nullptr) {
    return FailedPrecondition(
        "server-side signing is not configured: set DIGITRADE_KEK (32 bytes, base64)");
  }
  return vault;
}

Result<Response> CreateKey(signing::KeyVault* v, Request& req) {
  DT_ASSIGN_OR_RETURN(auto vault, Vault(v));
  const std::string org(req.Param("id"));
  DT_TRY(RequireMember(req, org, "use its keys"));
  DT_ASSIGN_OR_RETURN(auto body, JsonBody(req));
  DT_TRY(json::RejectUnknownMembers(body, {"type"}));
  DT_ASSIGN_OR_RETURN(auto type_name, json::RequiredString(body, "type"));
  DT_ASSIGN_OR_RETURN(auto type, crypto::ParseKeyType(type_name));
  DT_ASSIGN_OR_RETURN(auto info, vault->CreateKey(org, type));
  return Created(KeyJson(info), "/v1/organisations/" + org + "/signing-keys");
}

Result<Response> ListKeys(signing::KeyVault* v, Request& req) {
  DT_ASSIGN_OR_RETURN(auto vault, Vault(v));
  const std::string org(req.Param("id"));
  DT_TRY(RequireMember(req, org, "use its keys"));
  DT_ASSIGN_OR_RETURN(auto keys, vault->ListKeys(org));
  boost::json::array items;
  for (const auto& k : keys) items.push_back(KeyJson(k));
  return Response::Json(200, ListEnvelope(std::move(items), ""));
}

Result<Response> SetCertificate(signing::KeyVault* v, Request& req) {
  DT_ASSIGN_OR_RETURN(auto vault, Vault(v));
  DT_ASSIGN_OR_RETURN(auto info, vault->GetKey(std::string(req.Param("id"))));
  DT_TRY(RequireMember(req, info.organisation_id, "use its keys"));
  DT_ASSIGN_OR_RETURN(auto body, JsonBody(req));
  DT_TRY(json::RejectUnknownMembers(body, {"certificate_pem"}));
  DT_ASSIGN_OR_RETURN(auto pem, json::RequiredString(body, "certificate_pem"));
  DT_ASSIGN_OR_RETURN(info, vault->SetCertificate(info.id, pem));
  return Response::Json(200, KeyJson(info));
}

// {"key_id", "format": jws|cms|xml, "content" | "content_base64", "detached"?}
Result<Response> Sign(signing::KeyVault* v, Request& req) {
  DT_ASSIGN_OR_RETURN(auto vault, Vault(v));
  DT_ASSIGN_OR_RETURN(auto body, json::ParseObject(req.body, {.max_bytes = kMaxContent}));
  DT_TRY(json::RejectUnknownMembers(body,
                                    {"key_id", "format", "content", "content_base64", "detached"}));
  DT_ASSIGN_OR_RETURN(auto key_id, json::RequiredString(body, "key_id"));
  DT_ASSIGN_OR_RETURN(auto format_name, json::RequiredString(body, "format"));
  DT_ASSIGN_OR_RETURN(auto format, signing::ParseSignatureFormat(format_name));
  DT_ASSIGN_OR_RETURN(auto content, TextOrBase64(body, "content", "content_base64"));
  DT_ASSIGN_OR_RETURN(auto detached, json::OptionalBool(body, "detached"));
  DT_ASSIGN_OR_RETURN(auto info, vault->GetKey(key_id));
  DT_TRY(RequireMember(req, info.organisation_id, "use its keys"));
  DT_ASSIGN_OR_RETURN(auto sig, vault->Sign(key_id, format, content, detached.value_or(false)));
  boost::json::object out{{"format", format_name}, {"key_id", key_id}};
  if (format == signing::SignatureFormat::kCms) {
    out["signature_base64"] = crypto::Base64Encode(sig);
  } else {
    out["signature"] = std::string(sig.begin(), sig.end());
  }
  return Response::Json(200, out);
}

}  // namespace

void RegisterSigningApi(Router& router, signing::KeyVault* vault) {
  router.Add({.method = "POST",
              .pattern = "/v1/organisations/{id}/signing-keys",
              .json_body = true,
              .summary = "Create a server-held signing key for an organisation"},
             [vault](Request& req) { return CreateKey(vault, req); });
  router.Add({.method = "GET",
              .pattern = "/v1/organisations/{id}/signing-keys",
              .summary = "An organisation's signing keys (public parts)"},
             [vault](Request& req) { return ListKeys(vault, req); });
  router.Add({.method = "PUT",
              .pattern = "/v1/signing-keys/{id}/certificate",
              .json_body = true,
              .summary = "Attach a certificate to a signing key"},
             [vault](Request& req) { return SetCertificate(vault, req); });
  router.Add({.method = "POST",
              .pattern = "/v1/signatures/sign",
              .max_body = kMaxContent,
              .json_body = true,
              .summary = "Sign with an organisation's server-held key"},
             [vault](Request& req) { return Sign(vault, req); });
}

}  // namespace digitrade::http::api
