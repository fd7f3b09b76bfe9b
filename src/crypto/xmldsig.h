// Enveloped XML signatures (W3C XML Signature 1.1) with libxmlsec1, the
// basis of XAdES-B for UBL invoices: one ds:Signature, child of the root,
// whose single Reference has URI="" (the whole document) with the
// enveloped-signature and exclusive C14N transforms and SHA-256, and whose
// KeyInfo carries the signer's certificate (and chain) as X509Data.
//
// Keys: ECDSA P-256/P-384 and RSA PKCS#1 v1.5 (SHA-256). Debian 12's
// xmlsec1 1.2.37 has neither EdDSA, RSA-PSS nor SM2 signature methods.
//
// Verification (SignatureValidator::ValidateXml) accepts only that shape,
// so a signature cannot be made to cover a fragment (signature wrapping);
// no URI other than "" is ever dereferenced. XML is parsed without network,
// entities or DTDs (crypto/internal/xml.h).
//
// Thread-safety: free functions, safe to call concurrently; libxml2 and
// xmlsec are initialised once per process on first use.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "crypto/certificate.h"
#include "crypto/keys.h"

namespace digitrade::crypto {

// Signs `xml` in place of a copy and returns the signed document. Errors:
// invalid_argument (bad XML, unsupported key, key and certificate differ,
// already signed); internal.
Result<std::string> SignXmlEnveloped(std::string_view xml, const PrivateKey& key,
                                     const Certificate& certificate,
                                     const std::vector<Certificate>& chain = {});

}  // namespace digitrade::crypto
