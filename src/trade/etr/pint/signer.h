// PlatformSigner: this platform's PINT signing key, and the compact JWS it
// puts on chain entries, envelope manifests and signed responses.
//
// The protected header is {"alg", "kid"} with kid = the RFC 7638 thumbprint
// of the public key. Receivers pick the key by the entry's eblPlatform (not
// by kid), so kid is informative.
//
// Thread-safe: immutable once built.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "crypto/keys.h"

namespace digitrade::trade::etr::pint {

struct PlatformSigner {
  std::string platform_code;
  crypto::PrivateKey key;
  crypto::SignatureAlgorithm alg = crypto::SignatureAlgorithm::kRsaPssSha256;
};

// A signer from a PEM private key; `alg` is a JOSE name (PS256, ES256, ...)
// or empty for the key's default (RSA: PS256, P-256: ES256, P-384: ES384,
// P-521: ES512).
// Errors: invalid_argument (bad code, key, an algorithm PINT does not use or
// that does not fit the key).
Result<PlatformSigner> MakePlatformSigner(std::string platform_code,
                                          std::string_view private_key_pem,
                                          std::string_view alg = "");

// Compact JWS over the compact JSON serialisation of `payload`.
Result<std::string> SignJson(const crypto::PrivateKey& key, crypto::SignatureAlgorithm alg,
                             const boost::json::object& payload);
inline Result<std::string> SignJson(const PlatformSigner& s, const boost::json::object& payload) {
  return SignJson(s.key, s.alg, payload);
}

}  // namespace digitrade::trade::etr::pint
