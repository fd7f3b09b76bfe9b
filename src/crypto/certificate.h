// X.509 certificates and CRLs (RFC 5280) as opaque, immutable handles.
//
// Parsing is strict about the container (one PEM block or one DER object,
// no trailing data) and bounded in size; what the certificate says is
// checked by chain validation (crypto/chain.h), not here.
//
// Ownership and thread-safety: handles share one immutable OpenSSL object;
// copies are cheap and usable from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "crypto/keys.h"

namespace digitrade::crypto {

namespace internal {
struct CertAccess;
struct CertImpl;
struct CrlImpl;
}  // namespace internal

// Seconds since the Unix epoch, UTC.
using UnixTime = std::int64_t;

// Largest certificate or CRL accepted, in bytes.
inline constexpr std::size_t kMaxCertificateBytes = 1 << 20;

class Certificate {
 public:
  // One "CERTIFICATE" PEM block. Errors: invalid_argument.
  static Result<Certificate> FromPem(std::string_view pem);
  // Every CERTIFICATE block in `pem`, in order. Errors: invalid_argument if
  // there is none or one is malformed.
  static Result<std::vector<Certificate>> ChainFromPem(std::string_view pem);
  // One DER certificate, nothing after it. Errors: invalid_argument.
  static Result<Certificate> FromDer(std::span<const std::uint8_t> der);

  std::string ToPem() const;
  std::vector<std::uint8_t> ToDer() const;

  // RFC 2253 distinguished names ("CN=Acme,O=Acme Ltd,C=CN").
  std::string Subject() const;
  std::string Issuer() const;
  // Attribute of the subject by short name ("CN", "O", "C",
  // "serialNumber"), empty if absent.
  std::string SubjectAttribute(std::string_view short_name) const;
  std::string SerialHex() const;
  UnixTime NotBefore() const;
  UnixTime NotAfter() const;
  bool IsCa() const;
  bool IsSelfIssued() const;
  // Lower-case hex SHA-256 of the DER encoding.
  std::string Sha256Fingerprint() const;
  // Errors: invalid_argument for key types the facade does not support.
  Result<PublicKey> public_key() const;
  // The algorithm the issuer signed this certificate with ("ecdsa-with-SHA256",
  // "SM2-with-SM3", ...), as OpenSSL names it.
  std::string SignatureAlgorithmName() const;

  friend bool operator==(const Certificate& a, const Certificate& b);

 private:
  friend struct internal::CertAccess;
  std::shared_ptr<const internal::CertImpl> impl_;
};

struct RevokedEntry {
  std::string serial_hex;
  UnixTime revoked_at = 0;
};

class Crl {
 public:
  static Result<Crl> FromPem(std::string_view pem);
  static Result<Crl> FromDer(std::span<const std::uint8_t> der);

  std::string ToPem() const;
  std::vector<std::uint8_t> ToDer() const;
  std::string Issuer() const;
  UnixTime ThisUpdate() const;
  std::optional<UnixTime> NextUpdate() const;
  // The entry for `serial_hex` (as Certificate::SerialHex), if revoked.
  std::optional<RevokedEntry> Find(std::string_view serial_hex) const;

 private:
  friend struct internal::CertAccess;
  std::shared_ptr<const internal::CrlImpl> impl_;
};

}  // namespace digitrade::crypto
