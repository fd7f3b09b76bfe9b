// Validation of signed objects into ETSI TS 119 102-2 style reports: the
// one call behind "verify any e-document" (API, CLI, portal).
//
// Formats: JWS with the signer's certificate chain in "x5c" (claimed
// signing time in the JAdES "sigT" header, RFC 3339), CMS/CAdES
// (crypto/cms.h) and enveloped XMLDSig (crypto/xmldsig.h). The cryptographic
// check comes first (a forged signature is TOTAL_FAILED whatever its
// certificate), then the certificate path against the trust store at the
// validation time, with proof of existence from timestamps where the format
// carries one.
//
// Thread-safety: const methods may run concurrently; the TrustStore must
// outlive the validator and not change while it is used.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/certificate.h"
#include "crypto/keys.h"
#include "crypto/trust_list.h"
#include "crypto/validation_report.h"

namespace digitrade::crypto {

struct ValidationPolicy {
  // Signature algorithms accepted; empty means every supported one.
  std::vector<SignatureAlgorithm> allowed_algorithms;
  // Without revocation information for every certificate: INDETERMINATE.
  bool require_revocation_info = false;
};

struct ValidationInput {
  UnixTime validation_time = 0;
  std::vector<Crl> crls;
  // The signed content when the signature is detached (JWS, CMS).
  std::optional<std::span<const std::uint8_t>> detached_content;
};

class SignatureValidator {
 public:
  explicit SignatureValidator(const TrustStore& store, ValidationPolicy policy = {})
      : store_(store), policy_(std::move(policy)) {}

  // Any supported format, told apart by its first bytes: '{' or three
  // base64url parts: JWS; '<': XML; an RFC 3161 response or token:
  // timestamp over input.detached_content; otherwise CMS (DER or PEM).
  ValidationReport Validate(std::span<const std::uint8_t> signed_object,
                            const ValidationInput& input) const;

  ValidationReport ValidateJws(std::string_view jws, const ValidationInput& input) const;
  // CMS/CAdES (DER or PEM); a signature-time-stamp-token from a trusted TSA
  // proves the signing time.
  ValidationReport ValidateCms(std::span<const std::uint8_t> cms,
                               const ValidationInput& input) const;
  // An enveloped XMLDSig / XAdES-B document (crypto/xmldsig.h).
  ValidationReport ValidateXml(std::string_view xml, const ValidationInput& input) const;
  // An RFC 3161 token (or whole response) over `data`, with its TSA's trust.
  ValidationReport ValidateTimestamp(std::span<const std::uint8_t> token,
                                     std::span<const std::uint8_t> data,
                                     const ValidationInput& input) const;

  // Shared by every format once the signature itself has been checked:
  // runs path validation for `signer` and completes `report`.
  void ValidateSigner(const Certificate& signer, std::vector<Certificate> intermediates,
                      const ValidationInput& input, std::optional<UnixTime> proven_time,
                      ValidationReport& report) const;

  // The time a token over `data` proves, if it verifies and its TSA is
  // trusted; otherwise a note in `report` and nothing.
  std::optional<UnixTime> ProvenTime(std::span<const std::uint8_t> token,
                                     std::span<const std::uint8_t> data,
                                     const ValidationInput& input, ValidationReport& report) const;

  bool Allowed(SignatureAlgorithm alg) const;
  const ValidationPolicy& policy() const { return policy_; }

 private:
  const TrustStore& store_;
  ValidationPolicy policy_;
};

// Maps a facade error from signature checking to a sub-indication:
// unauthenticated -> SIG_CRYPTO_FAILURE, failed_precondition ->
// CRYPTO_CONSTRAINTS_FAILURE, anything else -> FORMAT_FAILURE.
SubIndication SubIndicationForError(const Error& error);

}  // namespace digitrade::crypto
