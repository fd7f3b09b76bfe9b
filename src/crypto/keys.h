// The key facade: opaque handles for the platform's signature keys and the
// raw sign/verify operations every signature format builds on.
//
// Key types: Ed25519 (RFC 8032), ECDSA on P-256, P-384 and P-521 (FIPS 186-4), RSA
// (at least 2048 bits for signing and verification), SM2 (GB/T 32918) on its
// recommended curve. Keys import and export as PEM and DER (SPKI for public,
// PKCS#8 for private keys) and as JWK (RFC 7517, RFC 7518 §6, RFC 8037 for
// Ed25519; SM2 as {"kty":"EC","crv":"SM2"}).
//
// Signature encodings produced by Sign and expected by Verify:
//   Ed25519   64 raw bytes (RFC 8032)
//   ECDSA     DER Ecdsa-Sig-Value (X9.62, RFC 3279); Sign always emits low-S
//             (s <= n/2). Verify accepts high-S: neither X9.62, RFC 5480 nor
//             RFC 7518 forbids it, and rejecting would fail valid third-party
//             signatures.
//   RSA       raw modulus-size bytes; PSS uses MGF1 with the message digest and
//             a salt as long as the digest (RFC 7518 §3.5), on verify too.
//   SM2       DER SM2Signature SEQUENCE { r, s } (GB/T 35276) over SM3 with
//             the Z value of GB/T 32918.2 computed from the signer's user ID
//             (default "1234567812345678", GB/T 35276 §5.3).
// See ecdsa_encoding.h for the fixed-size r||s form JOSE uses.
//
// Ownership and thread-safety: PublicKey and PrivateKey are cheap to copy
// (they share one immutable OpenSSL key) and may be used from any number of
// threads at once. Private key material never leaves a PrivateKey except
// through the explicit To* export functions.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "crypto/hash.h"

namespace digitrade::crypto {

namespace internal {
struct KeyImpl;
struct KeyAccess;
}  // namespace internal

enum class KeyType { kEd25519, kEcP256, kEcP384, kRsa, kSm2, kEcP521 };

// "ed25519", "ec-p256", "ec-p384", "rsa", "sm2", "ec-p521".
std::string_view KeyTypeName(KeyType type);
Result<KeyType> ParseKeyType(std::string_view name);

enum class SignatureAlgorithm {
  kEd25519,
  kEcdsaP256Sha256,
  kEcdsaP384Sha384,
  kRsaPssSha256,
  kRsaPssSha384,
  kRsaPssSha512,
  kRsaPkcs1Sha256,
  kRsaPkcs1Sha384,
  kRsaPkcs1Sha512,
  kSm2Sm3,
  kEcdsaP521Sha512,  // ES512 (DCSA PINT tests it)
};

inline constexpr std::size_t kSignatureAlgorithmCount = 11;

// Stable names: "ed25519", "ecdsa-p256-sha256", "ecdsa-p384-sha384", "ecdsa-p521-sha512",
// "rsa-pss-sha256" ..., "rsa-pkcs1-sha256" ..., "sm2-sm3".
std::string_view SignatureAlgorithmName(SignatureAlgorithm alg);
Result<SignatureAlgorithm> ParseSignatureAlgorithm(std::string_view name);
// The key type `alg` needs (kRsa for every RSA algorithm).
KeyType KeyTypeFor(SignatureAlgorithm alg);
// The digest `alg` hashes the message with; Ed25519 reports SHA-512.
HashAlgorithm DigestFor(SignatureAlgorithm alg);
// The algorithm a key of `type` signs with when the caller does not choose
// (RSA: PSS with SHA-256).
SignatureAlgorithm DefaultAlgorithm(KeyType type);

// GB/T 35276 §5.3: the user ID used when the parties agreed on none.
inline constexpr std::string_view kSm2DefaultUserId = "1234567812345678";

// Smallest RSA modulus accepted for signing and verification.
inline constexpr int kMinRsaBits = 2048;

class PublicKey {
 public:
  // SPKI ("-----BEGIN PUBLIC KEY-----"). Errors: invalid_argument for
  // garbage, other PEM types and unsupported algorithms or curves.
  static Result<PublicKey> FromPem(std::string_view pem);
  // DER SubjectPublicKeyInfo. Errors as FromPem.
  static Result<PublicKey> FromDer(std::span<const std::uint8_t> der);
  // A public JWK (private members, if present, are ignored). Errors:
  // invalid_argument naming the bad member.
  static Result<PublicKey> FromJwk(const boost::json::object& jwk);
  static Result<PublicKey> FromJwkJson(std::string_view json);

  KeyType type() const;
  // Modulus size for RSA, field size otherwise (Ed25519: 256).
  int bits() const;

  std::string ToPem() const;
  std::vector<std::uint8_t> ToDer() const;
  // Public members only, in RFC 7638 member order.
  boost::json::object ToJwk() const;
  // RFC 7638 JWK thumbprint (SHA-256, base64url).
  std::string Thumbprint() const;

  // Checks `signature` (encoding above) over `message`. Errors:
  //   invalid_argument     `alg` does not fit this key (type or curve);
  //   failed_precondition  RSA modulus below kMinRsaBits;
  //   unauthenticated      the signature does not verify or is malformed.
  Status Verify(SignatureAlgorithm alg, std::span<const std::uint8_t> message,
                std::span<const std::uint8_t> signature,
                std::string_view sm2_user_id = kSm2DefaultUserId) const;

  friend bool operator==(const PublicKey& a, const PublicKey& b);

 private:
  friend struct internal::KeyAccess;
  std::shared_ptr<const internal::KeyImpl> impl_;
};

class PrivateKey {
 public:
  // A fresh key from OpenSSL's DRBG (seeded by the OS). `rsa_bits` applies to
  // kRsa only. Errors: invalid_argument for rsa_bits < kMinRsaBits or > 8192;
  // internal if OpenSSL fails.
  static Result<PrivateKey> Generate(KeyType type, int rsa_bits = 3072);
  // PKCS#8 ("-----BEGIN PRIVATE KEY-----"); traditional EC/RSA PEM also
  // accepted. Errors: invalid_argument.
  static Result<PrivateKey> FromPem(std::string_view pem);
  // DER PKCS#8 PrivateKeyInfo. Errors: invalid_argument.
  static Result<PrivateKey> FromDer(std::span<const std::uint8_t> der);
  // A private JWK ("d" and for RSA the CRT members). Errors: invalid_argument.
  static Result<PrivateKey> FromJwk(const boost::json::object& jwk);
  static Result<PrivateKey> FromJwkJson(std::string_view json);

  KeyType type() const;
  int bits() const;
  PublicKey public_key() const;

  // Exports of the secret: the caller is responsible for protecting them.
  std::string ToPem() const;
  std::vector<std::uint8_t> ToDer() const;
  boost::json::object ToJwk() const;

  // Signs `message` (encoding above). Errors: invalid_argument if `alg` does
  // not fit this key; failed_precondition for RSA below kMinRsaBits;
  // internal if OpenSSL fails.
  Result<std::vector<std::uint8_t>> Sign(SignatureAlgorithm alg,
                                         std::span<const std::uint8_t> message,
                                         std::string_view sm2_user_id = kSm2DefaultUserId) const;
  Result<std::vector<std::uint8_t>> Sign(SignatureAlgorithm alg, std::string_view message) const {
    return Sign(alg, {reinterpret_cast<const std::uint8_t*>(message.data()), message.size()});
  }

 private:
  friend struct internal::KeyAccess;
  std::shared_ptr<const internal::KeyImpl> impl_;
};

}  // namespace digitrade::crypto
