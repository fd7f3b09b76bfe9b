// CMS SignedData (RFC 5652) as CAdES-BES (ETSI EN 319 122-1): detached
// signatures over documents with the signed attributes content-type,
// message-digest, signing-time and signing-certificate-v2 (RFC 5035), and
// optionally an RFC 3161 signature timestamp (CAdES-T) as the unsigned
// attribute signature-time-stamp-token.
//
// Keys: ECDSA P-256 (SHA-256), P-384 (SHA-384), RSA (SHA-256, PKCS#1 v1.5
// or PSS). Not offered in CMS: Ed25519 (RFC 8419) and SM2, because OpenSSL
// 3.0's CMS can neither produce nor check SignerInfos for them (and GM/T
// 0010 uses its own content-type OIDs for SM2); such keys sign JWS instead.
//
// Validation lives in SignatureValidator::ValidateCms (signature_validator.h).
// Thread-safe free functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/result.h"
#include "crypto/certificate.h"
#include "crypto/keys.h"

namespace digitrade::crypto {

struct CmsSignOptions {
  std::vector<Certificate> chain;  // intermediates to include
  UnixTime signing_time = 0;       // the signing-time attribute (injected clock)
  bool rsa_pss = false;            // RSA keys: RSASSA-PSS instead of PKCS#1 v1.5
};

// Detached CAdES-BES over `content`, DER-encoded ContentInfo. Errors:
// invalid_argument if `key` does not match `certificate` or is SM2 or
// Ed25519;
// failed_precondition for RSA below 2048 bits; internal.
Result<std::vector<std::uint8_t>> SignCmsDetached(std::span<const std::uint8_t> content,
                                                  const PrivateKey& key,
                                                  const Certificate& certificate,
                                                  const CmsSignOptions& options);

// Adds `token` (a DER TimeStampToken over the signature value, see
// TimestampSignatureValue) as the signature-time-stamp-token of the first
// SignerInfo. Errors: invalid_argument for malformed input.
Result<std::vector<std::uint8_t>> AddCmsSignatureTimestamp(std::span<const std::uint8_t> cms,
                                                           std::span<const std::uint8_t> token);

// The SignerInfo signature value of the first signer (what a CAdES-T
// timestamp covers). Errors: invalid_argument.
Result<std::vector<std::uint8_t>> CmsSignatureValue(std::span<const std::uint8_t> cms);

// DER from DER or PEM ("-----BEGIN CMS-----" / "PKCS7") input.
Result<std::vector<std::uint8_t>> CmsToDer(std::span<const std::uint8_t> input);

}  // namespace digitrade::crypto
