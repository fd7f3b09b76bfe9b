// RFC 3161 time-stamping: digitrade as a timestamp authority (TSA), and
// verification of timestamp tokens from any TSA.
//
// The TSA signs with ECDSA, RSA or Ed25519 (OpenSSL 3.0's RFC 3161 code
// cannot sign with SM2) and puts signing-certificate-v2 (SHA-256) in every
// token. Time and serial numbers come from the caller (injected clock and
// randomness). Tokens accept SHA-256/384/512 and SM3 message imprints.
//
// Trust in the TSA is decided like any signer's: SignatureValidator runs the
// TSA certificate through chain validation (and requires the timeStamping
// extended key usage). Thread-safety: a TimestampAuthority's const methods
// may run concurrently.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "crypto/certificate.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "crypto/random.h"

namespace digitrade::crypto {

// A DER TimeStampReq for `digest` (made with `hash`), asking for the TSA
// certificate, with a 64-bit random nonce. Errors: invalid_argument for a
// digest of the wrong size.
Result<std::vector<std::uint8_t>> MakeTimestampRequest(HashAlgorithm hash,
                                                       std::span<const std::uint8_t> digest,
                                                       Random& random);

class TimestampAuthority {
 public:
  // `certificate` must carry the critical timeStamping extended key usage
  // (CertificateProfile::kTimestampAuthority). Errors: invalid_argument.
  static Result<TimestampAuthority> Create(PrivateKey key, Certificate certificate,
                                           std::vector<Certificate> chain,
                                           std::string policy_oid = "1.3.6.1.4.1.65535.1.1");

  // Answers a DER TimeStampReq with a DER TimeStampResp: granted with a
  // token, or a rejection status for a bad request (that is still a
  // response, not an error). Errors: internal.
  Result<std::vector<std::uint8_t>> Respond(std::span<const std::uint8_t> request, UnixTime now,
                                            Random& random) const;

  // A TimeStampToken (DER ContentInfo) over `data`, hashed with `hash`.
  Result<std::vector<std::uint8_t>> Stamp(HashAlgorithm hash, std::span<const std::uint8_t> data,
                                          UnixTime now, Random& random) const;

  const Certificate& certificate() const { return certificate_; }

 private:
  TimestampAuthority(PrivateKey key, Certificate certificate, std::vector<Certificate> chain,
                     std::string policy)
      : key_(std::move(key)),
        certificate_(std::move(certificate)),
        chain_(std::move(chain)),
        policy_(std::move(policy)) {}

  PrivateKey key_;
  Certificate certificate_;
  std::vector<Certificate> chain_;
  std::string policy_;
};

// The token inside a DER TimeStampResp. Errors: failed_precondition when
// the TSA did not grant the request (with its status text);
// invalid_argument for malformed input.
Result<std::vector<std::uint8_t>> TimestampTokenFromResponse(
    std::span<const std::uint8_t> response);

struct TimestampInfo {
  UnixTime time = 0;
  HashAlgorithm hash = HashAlgorithm::kSha256;
  std::string serial_hex;
  std::string policy_oid;
  Certificate tsa;
  std::vector<Certificate> certificates;  // the others carried in the token
};

// Checks a DER TimeStampToken: its CMS signature, the signing-certificate
// binding, and that its message imprint is the hash of `data`. Says nothing
// about whether the TSA is trusted. Errors: invalid_argument (malformed,
// no TSA certificate, unsupported hash); unauthenticated (bad signature or
// the imprint does not match `data`).
Result<TimestampInfo> VerifyTimestampToken(std::span<const std::uint8_t> token,
                                           std::span<const std::uint8_t> data);

}  // namespace digitrade::crypto
