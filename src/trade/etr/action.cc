#include "trade/etr/action.h"

#include <fmt/format.h>

#include <boost/json/array.hpp>

#include "crypto/base64.h"
#include "crypto/certificate.h"
#include "crypto/jcs.h"

namespace digitrade::trade::etr {

namespace json = boost::json;

namespace {

constexpr std::string_view kCodeListName = "organisation";

Result<std::string> OptionalText(const json::object& o, std::string_view key,
                                 std::string_view where) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::string();
  if (!v->is_string()) return InvalidArgument(fmt::format("{}.{}: expected a string", where, key));
  return std::string(v->get_string());
}

Status CheckMembers(const json::object& o, std::initializer_list<std::string_view> allowed,
                    std::string_view where) {
  for (const auto& [k, v] : o) {
    bool known = false;
    for (auto a : allowed) known = known || a == std::string_view(k);
    if (!known)
      return InvalidArgument(fmt::format("{}: unknown member \"{}\"", where, std::string_view(k)));
  }
  return {};
}

// Takes the transaction and the issuance out of `o` (parsed for this).
Result<ActionPayload> PayloadFromJson(json::object& o, const SchemaSet& pint,
                                      std::string_view platform_code, bool allow_foreign) {
  DT_TRY(CheckMembers(o, {"recordId", "sequence", "previousActionHash", "transaction", "issuance"},
                      "$"));
  ActionPayload p;
  const auto* rid = o.if_contains("recordId");
  if (rid == nullptr || !rid->is_string() || rid->get_string().empty()) {
    return InvalidArgument("$.recordId: a non-empty string is required");
  }
  p.record_id = std::string(rid->get_string());
  const auto* seq = o.if_contains("sequence");
  // Strict JSON parsing yields doubles; a sequence must be a whole number.
  if (seq == nullptr || !seq->is_double() || seq->get_double() < 0 || seq->get_double() > 9.0e15 ||
      static_cast<double>(static_cast<std::int64_t>(seq->get_double())) != seq->get_double()) {
    return InvalidArgument("$.sequence: a non-negative integer is required");
  }
  p.sequence = static_cast<std::int64_t>(seq->get_double());
  DT_ASSIGN_OR_RETURN(p.previous_hash, OptionalText(o, "previousActionHash", "$"));
  if (!o.contains("previousActionHash"))
    return InvalidArgument("$.previousActionHash: required (null for ISSUE)");
  auto* tx = o.if_contains("transaction");
  if (tx == nullptr || !tx->is_object())
    return InvalidArgument("$.transaction: an object is required");
  DT_ASSIGN_OR_RETURN(auto violations, pint.Validate("Transaction", *tx, 20));
  if (!violations.empty()) {
    for (auto& v : violations) v.path = "$.transaction" + v.path.substr(1);
    return std::unexpected(ViolationsError("the transaction", violations));
  }
  p.transaction = std::move(tx->get_object());
  DT_ASSIGN_OR_RETURN(p.code, ParseActionCode(p.transaction.at("actionCode").get_string()));
  p.actor_id = LocalPartyId(p.transaction.at("actor").get_object(), platform_code);
  if (const auto* r = p.transaction.if_contains("recipient"); r != nullptr && r->is_object()) {
    p.recipient_id = LocalPartyId(r->get_object(), platform_code);
    const auto* platform = r->get_object().if_contains("eblPlatform");
    if (p.recipient_id.empty() && allow_foreign && platform != nullptr && platform->is_string() &&
        platform->get_string() != platform_code) {
      p.recipient_id = ForeignPartyId(r->get_object());
      p.recipient_foreign = true;
    }
    if (p.recipient_id.empty()) {
      return InvalidArgument(fmt::format(
          "$.transaction.recipient: names no party of this platform ({})", platform_code));
    }
  }
  DT_ASSIGN_OR_RETURN(p.reason_code, OptionalText(p.transaction, "reasonCode", "$.transaction"));
  DT_ASSIGN_OR_RETURN(p.comments, OptionalText(p.transaction, "comments", "$.transaction"));
  p.action_date_time = std::string(p.transaction.at("actionDateTime").get_string());
  if (auto* iss = o.if_contains("issuance")) {
    if (!iss->is_object()) return InvalidArgument("$.issuance: an object is required");
    p.issuance = std::move(iss->get_object());
  }
  if ((p.code == ActionCode::kIssue) != p.issuance.has_value()) {
    return InvalidArgument("$.issuance: present exactly when the action code is ISSUE");
  }
  return p;
}

}  // namespace

json::object LocalParty(std::string_view platform_code, std::string_view organisation_id,
                        std::string_view name) {
  return {{"partyName", name},
          {"eblPlatform", platform_code},
          {"identifyingCodes", json::array{json::object{{"codeListProvider", platform_code},
                                                        {"codeListName", kCodeListName},
                                                        {"partyCode", organisation_id}}}}};
}

std::string LocalPartyId(const json::object& party, std::string_view platform_code) {
  const auto* codes = party.if_contains("identifyingCodes");
  if (codes == nullptr || !codes->is_array()) return {};
  for (const auto& c : codes->get_array()) {
    if (!c.is_object()) continue;
    const auto* provider = c.get_object().if_contains("codeListProvider");
    const auto* code = c.get_object().if_contains("partyCode");
    if (provider != nullptr && code != nullptr && provider->is_string() && code->is_string() &&
        provider->get_string() == platform_code) {
      return std::string(code->get_string());
    }
  }
  return {};
}

std::string ForeignPartyId(const json::object& party) {
  auto text = [](const json::object& o, std::string_view k) {
    const auto* v = o.if_contains(k);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  std::string provider, code;
  if (const auto* codes = party.if_contains("identifyingCodes");
      codes != nullptr && codes->is_array() && !codes->get_array().empty() &&
      codes->get_array()[0].is_object()) {
    provider = text(codes->get_array()[0].get_object(), "codeListProvider");
    code = text(codes->get_array()[0].get_object(), "partyCode");
  }
  return fmt::format("{}/{}/{}", text(party, "eblPlatform"), provider, code);
}

Result<std::string> SerializePayload(const ActionPayload& p) {
  json::object o{
      {"recordId", p.record_id}, {"sequence", p.sequence}, {"transaction", p.transaction}};
  o["previousActionHash"] =
      p.previous_hash.empty() ? json::value(nullptr) : json::value(p.previous_hash);
  if (p.issuance) o["issuance"] = *p.issuance;
  return crypto::CanonicalizeJson(o);
}

Result<std::string> HeaderKeyThumbprint(const json::object& header) {
  if (const auto* kid = header.if_contains("kid"); kid != nullptr && kid->is_string()) {
    return std::string(kid->get_string());
  }
  const auto* x5c = header.if_contains("x5c");
  if (x5c == nullptr) return std::string();
  if (!x5c->is_array() || x5c->get_array().empty() || !x5c->get_array()[0].is_string()) {
    return InvalidArgument("JWS header x5c: an array of base64 certificates is required");
  }
  DT_ASSIGN_OR_RETURN(auto der, crypto::Base64Decode(x5c->get_array()[0].get_string()));
  DT_ASSIGN_OR_RETURN(auto cert, crypto::Certificate::FromDer(der));
  DT_ASSIGN_OR_RETURN(auto key, cert.public_key());
  return key.Thumbprint();
}

Result<SignedAction> ParseSignedAction(std::string_view jws, const SchemaSet& pint,
                                       std::string_view platform_code,
                                       bool allow_foreign_recipient) {
  if (jws.size() > kMaxActionJwsBytes) {
    return ResourceExhausted(
        fmt::format("a signed action is at most {} bytes", kMaxActionJwsBytes));
  }
  if (jws.empty() || jws.front() == '{') return InvalidArgument("a signed action is a compact JWS");
  SignedAction out;
  DT_ASSIGN_OR_RETURN(out.jws, crypto::ParseJws(jws, {.max_bytes = kMaxActionJwsBytes}));
  if (out.jws.detached || !out.jws.b64) {
    return InvalidArgument("a signed action embeds its payload, base64url-encoded");
  }
  DT_ASSIGN_OR_RETURN(auto bytes, crypto::Base64UrlDecode(out.jws.payload));
  out.payload_bytes.assign(bytes.begin(), bytes.end());
  auto parsed = crypto::ParseStrictJson(out.payload_bytes,
                                        {.max_bytes = kMaxActionJwsBytes, .max_depth = 16});
  if (!parsed) return std::unexpected(parsed.error().WithContext("action payload"));
  if (!parsed->is_object()) return InvalidArgument("action payload: a JSON object is required");
  DT_ASSIGN_OR_RETURN(out.payload, PayloadFromJson(parsed->get_object(), pint, platform_code,
                                                   allow_foreign_recipient));
  DT_ASSIGN_OR_RETURN(out.key_thumbprint,
                      HeaderKeyThumbprint(out.jws.signatures.front().protected_header));
  return out;
}

}  // namespace digitrade::trade::etr
