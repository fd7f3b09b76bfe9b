#include "crypto/jws.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "common/json.h"
#include "crypto/base64.h"
#include "crypto/ecdsa_encoding.h"
#include "crypto/jcs.h"

namespace digitrade::crypto {

namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::array<std::pair<SignatureAlgorithm, std::string_view>, 11> kJoseNames = {{
    {SignatureAlgorithm::kEd25519, "EdDSA"},
    {SignatureAlgorithm::kEcdsaP256Sha256, "ES256"},
    {SignatureAlgorithm::kEcdsaP384Sha384, "ES384"},
    {SignatureAlgorithm::kEcdsaP521Sha512, "ES512"},
    {SignatureAlgorithm::kRsaPssSha256, "PS256"},
    {SignatureAlgorithm::kRsaPssSha384, "PS384"},
    {SignatureAlgorithm::kRsaPssSha512, "PS512"},
    {SignatureAlgorithm::kRsaPkcs1Sha256, "RS256"},
    {SignatureAlgorithm::kRsaPkcs1Sha384, "RS384"},
    {SignatureAlgorithm::kRsaPkcs1Sha512, "RS512"},
    {SignatureAlgorithm::kSm2Sm3, kJwsSm2Algorithm},
}};

// Header parameters this implementation understands inside "crit".
constexpr std::array<std::string_view, 1> kUnderstoodCrit = {"b64"};

// Size of r and s in the JOSE form, or 0 if the signature is used as is.
std::size_t JoseScalarBytes(SignatureAlgorithm alg) {
  switch (alg) {
    case SignatureAlgorithm::kEcdsaP256Sha256:
    case SignatureAlgorithm::kSm2Sm3:
      return 32;
    case SignatureAlgorithm::kEcdsaP384Sha384:
      return 48;
    case SignatureAlgorithm::kEcdsaP521Sha512:
      return 66;
    default:
      return 0;
  }
}

std::string_view AsChars(std::span<const std::uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
std::span<const std::uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// The bytes the signature covers (RFC 7515 §5.1 step 5, RFC 7797 §3).
std::string SigningInput(std::string_view protected_b64, std::span<const std::uint8_t> payload,
                         bool b64) {
  std::string input(protected_b64);
  input += '.';
  if (b64) {
    input += Base64UrlEncode(payload);
  } else {
    input.append(AsChars(payload));
  }
  return input;
}

Result<std::string> ProtectedHeader(const JwsSigner& signer, const JwsOptions& options) {
  if (signer.key == nullptr) return InvalidArgument("JWS signer without a key");
  for (std::string_view reserved : {"alg", "b64", "crit"}) {
    if (signer.protected_header.contains(reserved) || signer.header.contains(reserved)) {
      return InvalidArgument(
          fmt::format("JWS header member \"{}\" is set by the signer", reserved));
    }
  }
  for (const auto& kv : signer.header) {
    if (signer.protected_header.contains(kv.key())) {
      return InvalidArgument(fmt::format("JWS header member \"{}\" given twice", kv.key()));
    }
  }
  boost::json::object h = signer.protected_header;
  h["alg"] = JwsAlgorithmName(signer.alg);
  if (!options.b64) {
    h["b64"] = false;
    h["crit"] = boost::json::array{"b64"};
  }
  return Base64UrlEncode(json::Serialize(h));
}

Result<std::string> SignOne(std::string_view protected_b64, std::span<const std::uint8_t> payload,
                            const JwsSigner& signer, bool b64) {
  const std::string input = SigningInput(protected_b64, payload, b64);
  DT_ASSIGN_OR_RETURN(auto sig, signer.key->Sign(signer.alg, AsBytes(input)));
  if (const std::size_t n = JoseScalarBytes(signer.alg); n != 0) {
    DT_ASSIGN_OR_RETURN(sig, EcdsaDerToRaw(sig, n));
  }
  return Base64UrlEncode(sig);
}

std::string PayloadText(std::span<const std::uint8_t> payload, const JwsOptions& options) {
  if (options.detached) return "";
  return options.b64 ? Base64UrlEncode(payload) : std::string(AsChars(payload));
}

// ---- parsing ----

Result<boost::json::object> DecodeHeader(std::string_view b64, const JwsLimits& limits) {
  if (b64.size() > limits.max_header_bytes) {
    return ResourceExhausted("JWS protected header exceeds the size limit");
  }
  auto bytes = Base64UrlDecode(b64);
  if (!bytes) return InvalidArgument("JWS protected header: " + bytes.error().message());
  auto v = ParseStrictJson(AsChars(*bytes), {.max_bytes = limits.max_header_bytes, .max_depth = 8});
  if (!v) return InvalidArgument("JWS protected header: " + v.error().message());
  if (!v->is_object()) return InvalidArgument("JWS protected header is not a JSON object");
  return std::move(v->as_object());
}

Status CheckCrit(const boost::json::object& prot, const boost::json::object& unprot) {
  if (unprot.contains("crit")) return InvalidArgument("JWS \"crit\" must be integrity protected");
  const auto* crit = prot.if_contains("crit");
  if (crit == nullptr) return {};
  if (!crit->is_array() || crit->as_array().empty()) {
    return InvalidArgument("JWS \"crit\" must be a non-empty array");
  }
  for (const auto& c : crit->as_array()) {
    if (!c.is_string()) return InvalidArgument("JWS \"crit\" entries must be strings");
    const std::string_view name = c.as_string();
    if (std::find(kUnderstoodCrit.begin(), kUnderstoodCrit.end(), name) == kUnderstoodCrit.end()) {
      return InvalidArgument(
          fmt::format("JWS \"crit\" names \"{}\", which is not understood", name));
    }
    if (!prot.contains(name)) {
      return InvalidArgument(fmt::format("JWS \"crit\" names \"{}\", which is absent", name));
    }
  }
  return {};
}

// Header rules of RFC 7515 §4 and RFC 7797 §3/§6 that need no key; returns b64.
Result<bool> CheckHeaders(JwsSignature& sig) {
  for (const auto& kv : sig.header) {
    if (sig.protected_header.contains(kv.key())) {
      return InvalidArgument(
          fmt::format("JWS header member \"{}\" is both protected and unprotected", kv.key()));
    }
  }
  DT_TRY(CheckCrit(sig.protected_header, sig.header));
  const auto* alg = sig.protected_header.if_contains("alg");
  if (alg == nullptr) {
    return InvalidArgument(sig.header.contains("alg")
                               ? "JWS \"alg\" must be in the protected header"
                               : "JWS header has no \"alg\"");
  }
  if (!alg->is_string()) return InvalidArgument("JWS \"alg\" must be a string");
  sig.alg = std::string(alg->as_string());
  if (sig.header.contains("b64")) return InvalidArgument("JWS \"b64\" must be protected");
  const auto* b64 = sig.protected_header.if_contains("b64");
  if (b64 == nullptr) return true;
  if (!b64->is_bool()) return InvalidArgument("JWS \"b64\" must be true or false");
  const auto& crit = sig.protected_header.if_contains("crit");
  if (crit == nullptr) return InvalidArgument("JWS \"b64\" must be listed in \"crit\" (RFC 7797)");
  return b64->as_bool();
}

Result<Bytes> DecodeSignature(std::string_view b64) {
  auto sig = Base64UrlDecode(b64);
  if (!sig) return InvalidArgument("JWS signature: " + sig.error().message());
  return *std::move(sig);
}

Status FinishSignature(ParsedJws& jws, JwsSignature sig, std::size_t index) {
  auto b64 = CheckHeaders(sig);
  if (!b64) return std::unexpected(b64.error().WithContext(fmt::format("signature {}", index)));
  if (index > 0 && *b64 != jws.b64) {
    return InvalidArgument("JWS signatures disagree on \"b64\" (RFC 7797 §3)");
  }
  jws.b64 = *b64;
  jws.signatures.push_back(std::move(sig));
  return {};
}

Result<ParsedJws> ParseCompact(std::string_view text, const JwsLimits& limits) {
  const auto first = text.find('.');
  const auto last = text.rfind('.');
  if (first == std::string_view::npos || first == last || text.find('.', first + 1) != last) {
    return InvalidArgument("JWS compact serialisation needs exactly three parts");
  }
  ParsedJws jws;
  jws.compact = true;
  JwsSignature sig;
  sig.protected_b64 = std::string(text.substr(0, first));
  DT_ASSIGN_OR_RETURN(sig.protected_header, DecodeHeader(sig.protected_b64, limits));
  DT_ASSIGN_OR_RETURN(sig.signature, DecodeSignature(text.substr(last + 1)));
  jws.payload = std::string(text.substr(first + 1, last - first - 1));
  jws.detached = jws.payload.empty();
  DT_TRY(FinishSignature(jws, std::move(sig), 0));
  return jws;
}

Result<JwsSignature> ParseJsonSignature(const boost::json::object& o, const JwsLimits& limits) {
  JwsSignature sig;
  DT_ASSIGN_OR_RETURN(auto prot, json::OptionalString(o, "protected"));
  if (!prot || prot->empty()) {
    return InvalidArgument("JWS signature without a protected header (\"alg\" must be protected)");
  }
  sig.protected_b64 = *prot;
  DT_ASSIGN_OR_RETURN(sig.protected_header, DecodeHeader(*prot, limits));
  if (const auto* h = o.if_contains("header"); h != nullptr) {
    if (!h->is_object()) return InvalidArgument("JWS /header: expected an object");
    sig.header = h->as_object();
  }
  DT_ASSIGN_OR_RETURN(auto s, json::RequiredString(o, "signature"));
  DT_ASSIGN_OR_RETURN(sig.signature, DecodeSignature(s));
  return sig;
}

Result<ParsedJws> ParseJson(std::string_view text, const JwsLimits& limits) {
  auto v = ParseStrictJson(text, {.max_bytes = limits.max_bytes, .max_depth = 16});
  if (!v) return InvalidArgument("JWS JSON serialisation: " + v.error().message());
  if (!v->is_object()) return InvalidArgument("JWS JSON serialisation must be an object");
  const auto& o = v->as_object();
  ParsedJws jws;
  DT_ASSIGN_OR_RETURN(auto payload, json::OptionalString(o, "payload"));
  jws.detached = !payload.has_value();
  jws.payload = payload.value_or("");
  const auto* sigs = o.if_contains("signatures");
  if (sigs == nullptr) {
    DT_ASSIGN_OR_RETURN(auto sig, ParseJsonSignature(o, limits));
    DT_TRY(FinishSignature(jws, std::move(sig), 0));
    return jws;
  }
  if (o.contains("signature") || o.contains("protected") || o.contains("header")) {
    return InvalidArgument("JWS mixes the general and flattened JSON forms");
  }
  if (!sigs->is_array() || sigs->as_array().empty()) {
    return InvalidArgument("JWS /signatures: expected a non-empty array");
  }
  if (sigs->as_array().size() > limits.max_signatures) {
    return ResourceExhausted("JWS has too many signatures");
  }
  for (std::size_t i = 0; i < sigs->as_array().size(); ++i) {
    const auto& s = sigs->as_array()[i];
    if (!s.is_object()) return InvalidArgument(fmt::format("JWS /signatures/{}: not an object", i));
    DT_ASSIGN_OR_RETURN(auto sig, ParseJsonSignature(s.as_object(), limits));
    DT_TRY(FinishSignature(jws, std::move(sig), i));
  }
  return jws;
}

Result<Bytes> PayloadBytes(const ParsedJws& jws, const JwsVerifyOptions& options) {
  if (jws.detached && options.detached_payload) {
    return Bytes(options.detached_payload->begin(), options.detached_payload->end());
  }
  // A compact JWS with an empty payload part may simply sign empty content.
  if (jws.detached && !jws.compact) {
    return InvalidArgument("JWS has a detached payload and none was supplied");
  }
  if (!jws.b64) return Bytes(jws.payload.begin(), jws.payload.end());
  auto bytes = Base64UrlDecode(jws.payload);
  if (!bytes) return InvalidArgument("JWS payload: " + bytes.error().message());
  return *std::move(bytes);
}

Status VerifyOne(const JwsSignature& sig, std::string_view input, const PublicKey& key,
                 SignatureAlgorithm alg) {
  if (KeyTypeFor(alg) != key.type()) {
    return InvalidArgument(fmt::format("JWS \"alg\": \"{}\" does not fit a {} key",
                                       JwsAlgorithmName(alg), KeyTypeName(key.type())));
  }
  Bytes signature = sig.signature;
  if (const std::size_t n = JoseScalarBytes(alg); n != 0) {
    auto der = EcdsaRawToDer(signature, n);
    if (!der) return Unauthenticated("JWS signature: " + der.error().message());
    signature = *std::move(der);
  }
  return key.Verify(alg, AsBytes(input), signature);
}

}  // namespace

std::string_view JwsAlgorithmName(SignatureAlgorithm alg) {
  for (const auto& [a, name] : kJoseNames) {
    if (a == alg) return name;
  }
  return "";
}

Result<SignatureAlgorithm> ParseJwsAlgorithm(std::string_view alg) {
  for (const auto& [a, name] : kJoseNames) {
    if (name == alg) return a;
  }
  if (alg == "none") return FailedPrecondition("JWS \"alg\": \"none\" (unsecured JWS) is refused");
  if (alg.starts_with("HS")) {
    return FailedPrecondition(fmt::format(
        "JWS \"alg\": \"{}\" is a MAC; it is refused because a public key is not a shared secret",
        alg));
  }
  return InvalidArgument(fmt::format("JWS \"alg\": \"{}\" is not supported", alg));
}

Result<std::string> SignJwsCompact(std::span<const std::uint8_t> payload, const JwsSigner& signer,
                                   const JwsOptions& options) {
  if (!signer.header.empty()) {
    return InvalidArgument("the JWS compact serialisation has no unprotected header");
  }
  if (!options.b64 && !options.detached && AsChars(payload).find('.') != std::string_view::npos) {
    return InvalidArgument("an unencoded compact JWS payload must not contain '.' (RFC 7797 §5.2)");
  }
  DT_ASSIGN_OR_RETURN(auto prot, ProtectedHeader(signer, options));
  DT_ASSIGN_OR_RETURN(auto sig, SignOne(prot, payload, signer, options.b64));
  return prot + "." + PayloadText(payload, options) + "." + sig;
}

Result<std::string> SignJwsJson(std::span<const std::uint8_t> payload,
                                std::span<const JwsSigner> signers, const JwsOptions& options) {
  if (signers.empty()) return InvalidArgument("a JWS needs at least one signer");
  boost::json::array sigs;
  for (const auto& signer : signers) {
    DT_ASSIGN_OR_RETURN(auto prot, ProtectedHeader(signer, options));
    DT_ASSIGN_OR_RETURN(auto sig, SignOne(prot, payload, signer, options.b64));
    boost::json::object entry;
    entry["protected"] = prot;
    if (!signer.header.empty()) entry["header"] = signer.header;
    entry["signature"] = sig;
    sigs.push_back(std::move(entry));
  }
  boost::json::object out;
  if (!options.detached) out["payload"] = PayloadText(payload, options);
  if (options.flattened && sigs.size() == 1) {
    for (auto& kv : sigs[0].as_object()) out[kv.key()] = kv.value();
  } else {
    out["signatures"] = std::move(sigs);
  }
  return json::Serialize(out);
}

Result<ParsedJws> ParseJws(std::string_view text, const JwsLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return ResourceExhausted(
        fmt::format("JWS of {} bytes exceeds the limit of {}", text.size(), limits.max_bytes));
  }
  const auto start = text.find_first_not_of(" \t\r\n");
  if (start != std::string_view::npos && text[start] == '{') return ParseJson(text, limits);
  return ParseCompact(text, limits);
}

Result<JwsVerified> VerifyJws(const ParsedJws& jws, const PublicKey& key,
                              const JwsVerifyOptions& options) {
  DT_ASSIGN_OR_RETURN(auto payload, PayloadBytes(jws, options));
  std::optional<Error> last;
  for (std::size_t i = 0; i < jws.signatures.size(); ++i) {
    const auto& sig = jws.signatures[i];
    auto alg = ParseJwsAlgorithm(sig.alg);
    if (alg && !options.allowed.empty() &&
        std::find(options.allowed.begin(), options.allowed.end(), *alg) == options.allowed.end()) {
      alg = FailedPrecondition(fmt::format("JWS \"alg\": \"{}\" is not allowed here", sig.alg));
    }
    // An embedded base64url payload is signed as sent: its own text (the
    // strict decoder admits only the canonical encoding, so encoding the
    // bytes again would give the same text).
    Status ok = !alg ? Status(std::unexpected(alg.error()))
                : !jws.detached && jws.b64
                    ? VerifyOne(sig, sig.protected_b64 + '.' + jws.payload, key, *alg)
                    : VerifyOne(sig, SigningInput(sig.protected_b64, payload, jws.b64), key, *alg);
    if (ok) {
      return JwsVerified{.alg = *alg,
                         .signature_index = i,
                         .protected_header = sig.protected_header,
                         .header = sig.header,
                         .payload = std::move(payload)};
    }
    last = ok.error();
  }
  return std::unexpected(*last);
}

Result<JwsVerified> VerifyJws(std::string_view jws, const PublicKey& key,
                              const JwsVerifyOptions& options) {
  DT_ASSIGN_OR_RETURN(auto parsed, ParseJws(jws));
  return VerifyJws(parsed, key, options);
}

}  // namespace digitrade::crypto
