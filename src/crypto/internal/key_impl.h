// Private to crypto/: what a key handle holds. See keys.h for the contract.
#pragma once

#include <array>
#include <mutex>

#include "crypto/internal/openssl.h"
#include "crypto/keys.h"

namespace digitrade::crypto::internal {

struct KeyImpl {
  Pkey pkey;
  KeyType type = KeyType::kEd25519;
  bool has_private = false;
  Bn order;  // group order for ECDSA keys (low-S normalisation), else null

  // Initialised sign/verify contexts per algorithm, made once on first use
  // and copied for each operation: setting a context up (algorithm fetches,
  // RSA-PSS and SM2 parameters) costs more than copying one. The templates
  // are only read after std::call_once, so sharing them is thread-safe.
  struct CachedContext {
    std::once_flag once;
    MdCtx ctx;
  };
  mutable std::array<CachedContext, 2 * kSignatureAlgorithmCount> contexts;
};

// Field (scalar) size in bytes of an EC or SM2 key type, 32 for Ed25519.
std::size_t FieldBytes(KeyType type);
// The OpenSSL group name of an EC or SM2 key type ("P-256", "P-384", "SM2").
const char* GroupName(KeyType type);

// Prepares `ctx` for signing (or verifying) with `alg`: digest, RSA-PSS
// parameters, SM2 user ID. Errors: internal.
Status InitSignatureContext(EVP_MD_CTX* ctx, const KeyImpl& key, SignatureAlgorithm alg, bool sign,
                            std::string_view sm2_id = kSm2DefaultUserId);

// JWK conversion (jwk.cc).
Result<Pkey> PkeyFromJwk(const boost::json::object& jwk, bool want_private);
boost::json::object JwkFromPkey(const KeyImpl& key, bool include_private);

}  // namespace digitrade::crypto::internal
