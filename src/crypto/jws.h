// JSON Web Signature (RFC 7515): compact and JSON serialisations (general
// and flattened), detached payloads (Appendix F) and unencoded payloads
// (RFC 7797, "b64": false with "crit").
//
// Algorithms (RFC 7518, RFC 8037): EdDSA (Ed25519), ES256, ES384, ES512, PS256,
// PS384, PS512, RS256, RS384, RS512, and "SM2" for SM2 with SM3 and the
// default user ID (not registered with IANA; see docs/signatures.md for why
// this name and this encoding). ECDSA and SM2 signatures are the fixed-size
// r||s of RFC 7518 §3.4.
//
// Refused on verification, each with a precise error: "none" and the MAC
// algorithms HS256/384/512 (failed_precondition: a public key is no shared
// secret), algorithms outside the caller's allow-list (failed_precondition),
// a key that does not fit the algorithm (invalid_argument), RSA keys below
// 2048 bits (failed_precondition), unknown "crit" members, duplicate header
// names, "alg" outside the protected header (invalid_argument), and
// signatures that do not verify (unauthenticated).
//
// Thread-safe free functions over caller-owned values.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "crypto/keys.h"

namespace digitrade::crypto {

// The JOSE "alg" value for SM2 with SM3 used by this platform.
inline constexpr std::string_view kJwsSm2Algorithm = "SM2";

// "EdDSA", "ES256", ..., "SM2".
std::string_view JwsAlgorithmName(SignatureAlgorithm alg);
// Errors: failed_precondition for "none" and HS*; invalid_argument for
// names we do not know.
Result<SignatureAlgorithm> ParseJwsAlgorithm(std::string_view alg);

// ---- producing ----

struct JwsSigner {
  const PrivateKey* key = nullptr;  // not owned; must outlive the call
  SignatureAlgorithm alg = SignatureAlgorithm::kEd25519;
  // Extra protected members (kid, typ, cty, x5c, jwk, ...). "alg", "b64"
  // and "crit" are set by the signer and must not be given here.
  boost::json::object protected_header;
  // Unprotected members (JSON serialisation only).
  boost::json::object header;
};

struct JwsOptions {
  bool detached = false;  // leave the payload out (the verifier supplies it)
  bool b64 = true;        // false: RFC 7797 unencoded payload
  bool flattened = true;  // JSON serialisation with one signer: flattened form
};

// Compact serialisation. With b64 = false the payload must be detached or
// contain no '.'. Errors: invalid_argument for bad options or headers;
// those of PrivateKey::Sign.
Result<std::string> SignJwsCompact(std::span<const std::uint8_t> payload, const JwsSigner& signer,
                                   const JwsOptions& options = {});
// JSON serialisation; the general form unless `options.flattened` and there
// is exactly one signer. Errors as SignJwsCompact.
Result<std::string> SignJwsJson(std::span<const std::uint8_t> payload,
                                std::span<const JwsSigner> signers, const JwsOptions& options = {});

// ---- consuming ----

struct JwsSignature {
  std::string protected_b64;  // as transmitted
  boost::json::object protected_header;
  boost::json::object header;  // unprotected (JSON serialisation)
  std::string alg;             // the "alg" value as written
  std::vector<std::uint8_t> signature;
};

struct ParsedJws {
  bool compact = false;
  bool detached = false;
  bool b64 = true;
  std::string payload;  // as transmitted (base64url text, or raw bytes when b64 is false)
  std::vector<JwsSignature> signatures;
};

struct JwsLimits {
  std::size_t max_bytes = 16 << 20;
  std::size_t max_header_bytes = 64 << 10;
  std::size_t max_signatures = 16;
};

// Parses either serialisation (JSON if the text starts with '{') and checks
// the header rules above that do not need a key. Errors: invalid_argument
// naming the problem; resource_exhausted above the limits.
Result<ParsedJws> ParseJws(std::string_view text, const JwsLimits& limits = {});

struct JwsVerifyOptions {
  // Algorithms the caller accepts; empty means every supported one.
  std::vector<SignatureAlgorithm> allowed;
  // The payload bytes of a detached JWS (ignored if the JWS embeds one).
  std::optional<std::span<const std::uint8_t>> detached_payload;
};

struct JwsVerified {
  SignatureAlgorithm alg = SignatureAlgorithm::kEd25519;
  std::size_t signature_index = 0;
  boost::json::object protected_header;
  boost::json::object header;
  std::vector<std::uint8_t> payload;
};

// Verifies the signature(s) of `jws` with `key`: succeeds on the first
// signature that verifies. Errors as listed at the top of this header;
// invalid_argument when a detached payload is needed and missing.
Result<JwsVerified> VerifyJws(const ParsedJws& jws, const PublicKey& key,
                              const JwsVerifyOptions& options = {});
Result<JwsVerified> VerifyJws(std::string_view jws, const PublicKey& key,
                              const JwsVerifyOptions& options = {});

}  // namespace digitrade::crypto
