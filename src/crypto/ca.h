// The built-in certification authority for the demo and tests: issues
// organisation certificates (SM2, ECDSA, Ed25519 or RSA keys), subordinate
// CAs, timestamp-authority certificates and CRLs.
//
// Certificates are X.509 v3 with basicConstraints, keyUsage,
// subjectKeyIdentifier and authorityKeyIdentifier; the issuer signs with
// DefaultAlgorithm(key type), except RSA which signs with PKCS#1 v1.5 and
// SHA-256 for the widest acceptance. SM2 issuers sign with SM2-with-SM3 and
// the default user ID, as `openssl verify` expects.
//
// Thread-safety: const methods may run concurrently. The CA holds its key;
// who stores that key (and how) is the caller's business.
#pragma once

#include <span>
#include <string>

#include "common/result.h"
#include "crypto/certificate.h"
#include "crypto/keys.h"
#include "crypto/random.h"

namespace digitrade::crypto {

struct DistinguishedName {
  std::string country;              // C, ISO 3166 alpha-2
  std::string organization;         // O
  std::string organizational_unit;  // OU
  std::string common_name;          // CN
  std::string serial_number;        // serialNumber: USCC, LEI or other registry id
};

struct Validity {
  UnixTime not_before = 0;
  UnixTime not_after = 0;
};

enum class CertificateProfile {
  kRootCa,             // self-signed CA (CreateRoot only)
  kSubordinateCa,      // CA, pathLen 0
  kOrganization,       // end entity: digitalSignature, nonRepudiation
  kTimestampAuthority  // end entity: extendedKeyUsage timeStamping (critical)
};

class CertificateAuthority {
 public:
  // A self-signed root CA. Errors: invalid_argument for an empty common
  // name or a validity that ends before it starts; internal.
  static Result<CertificateAuthority> CreateRoot(PrivateKey key, const DistinguishedName& subject,
                                                 Validity validity, Random& random);
  // An existing CA. Errors: invalid_argument if `key` is not the
  // certificate's key or the certificate is not a CA.
  static Result<CertificateAuthority> Load(PrivateKey key, Certificate certificate);

  // Issues a certificate for `subject_key`. Errors as CreateRoot, and
  // invalid_argument for kRootCa.
  Result<Certificate> Issue(const PublicKey& subject_key, const DistinguishedName& subject,
                            Validity validity, CertificateProfile profile, Random& random) const;

  // A v2 CRL listing `revoked` (serials as Certificate::SerialHex).
  // Errors: invalid_argument for a bad serial; internal.
  Result<Crl> IssueCrl(std::span<const RevokedEntry> revoked, UnixTime this_update,
                       UnixTime next_update) const;

  const Certificate& certificate() const { return certificate_; }
  const PrivateKey& key() const { return key_; }

 private:
  CertificateAuthority(PrivateKey key, Certificate certificate)
      : key_(std::move(key)), certificate_(std::move(certificate)) {}

  PrivateKey key_;
  Certificate certificate_;
};

}  // namespace digitrade::crypto
