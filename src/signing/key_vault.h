// Server-held signing keys of organisations, for users who want the
// platform to sign on their organisation's behalf. Private keys are
// generated here, sealed at rest with AES-256-GCM under the platform's key
// encryption key (bound to their key id), opened only to sign, and never
// returned. An optional certificate (from any CA) is attached per key and
// put into the signatures (JWS x5c, CMS, XML KeyInfo).
//
// Thread-safety: all methods may be called concurrently. The Database,
// Clock and Random must outlive the vault.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/certificate.h"
#include "crypto/keys.h"
#include "crypto/random.h"
#include "storage/database.h"
#include "storage/migrations.h"

namespace digitrade::signing {

struct SigningKeyInfo {
  std::string id;  // "sk_" + 20 hex
  std::string organisation_id;
  crypto::KeyType type = crypto::KeyType::kEcP256;
  boost::json::object public_jwk;
  std::string thumbprint;
  std::optional<std::string> certificate_pem;
  std::int64_t created_at = 0;  // Unix seconds
};

enum class SignatureFormat { kJws, kCms, kXml };
Result<SignatureFormat> ParseSignatureFormat(std::string_view name);

class KeyVault {
 public:
  // `kek` is the 32-byte key encryption key. Errors: invalid_argument.
  static Result<std::unique_ptr<KeyVault>> Create(storage::Database& db, const Clock& clock,
                                                  crypto::Random& random,
                                                  std::vector<std::uint8_t> kek);
  static std::vector<storage::Migration> Migrations();

  // A new key for `organisation_id`. Errors: invalid_argument (RSA is
  // generated at 3072 bits); those of the database.
  Result<SigningKeyInfo> CreateKey(const std::string& organisation_id, crypto::KeyType type);
  // Errors: not_found.
  Result<SigningKeyInfo> GetKey(const std::string& key_id);
  Result<std::vector<SigningKeyInfo>> ListKeys(const std::string& organisation_id);
  // Attaches a certificate (PEM, leaf first, chain after). Errors:
  // invalid_argument when the leaf's key is not this key; not_found.
  Result<SigningKeyInfo> SetCertificate(const std::string& key_id, std::string_view pem);

  // Signs `content` with the key: JWS compact (x5c and sigT when a
  // certificate is attached, kid = thumbprint otherwise; `detached`
  // leaves the payload out), detached CAdES-BES, or enveloped XMLDSig (both
  // need a certificate). Returns the signature bytes (text for JWS and
  // XML, DER for CMS). Errors: not_found; failed_precondition (no
  // certificate for CMS/XML); invalid_argument (the format cannot carry
  // this key type, bad XML); data_loss when the sealed key does not open.
  Result<std::vector<std::uint8_t>> Sign(const std::string& key_id, SignatureFormat format,
                                         std::span<const std::uint8_t> content, bool detached);

 private:
  KeyVault(storage::Database& db, const Clock& clock, crypto::Random& random,
           std::vector<std::uint8_t> kek)
      : db_(db), clock_(clock), random_(random), kek_(std::move(kek)) {}

  Result<crypto::PrivateKey> OpenKey(const std::string& key_id, const std::string& sealed_b64);
  std::int64_t Now() const;

  storage::Database& db_;
  const Clock& clock_;
  crypto::Random& random_;
  std::vector<std::uint8_t> kek_;
};

}  // namespace digitrade::signing
