// Private to crypto/: what certificate and CRL handles hold.
#pragma once

#include <openssl/x509.h>

#include "crypto/certificate.h"
#include "crypto/internal/openssl.h"

namespace digitrade::crypto::internal {

struct CertImpl {
  X509Ptr x509;
};
struct CrlImpl {
  X509CrlPtr crl;
};

struct CertAccess {
  static Certificate Make(X509Ptr x509);
  static Crl Make(X509CrlPtr crl);
  static X509* Get(const Certificate& c) { return c.impl_->x509.get(); }
  static X509_CRL* Get(const Crl& c) { return c.impl_->crl.get(); }
};

// ASN1_TIME to Unix seconds (0 if unparseable).
UnixTime ToUnixTime(const ASN1_TIME* t);
// Unix seconds to a new ASN1_TIME (owned by the caller's object).
ASN1_TIME* SetUnixTime(ASN1_TIME* t, UnixTime when);
std::string SerialToHex(const ASN1_INTEGER* serial);
std::string NameToString(const X509_NAME* name);

}  // namespace digitrade::crypto::internal
