// Private to crypto/: checking the first SignerInfo of a CMS SignedData,
// shared by CAdES validation and RFC 3161 token verification.
#pragma once

#include <openssl/cms.h>

#include <optional>
#include <vector>

#include "crypto/certificate.h"
#include "crypto/internal/openssl.h"
#include "crypto/validation_report.h"

namespace digitrade::crypto::internal {

using CmsPtr = Owned<CMS_ContentInfo, CMS_ContentInfo_free>;

// DER ContentInfo to a SignedData. Errors: invalid_argument.
Result<CmsPtr> ParseSignedData(std::span<const std::uint8_t> der);

struct CmsSignerCheck {
  SubIndication failure = SubIndication::kNone;  // kNone: signature good
  std::string message;
  std::optional<Certificate> signer;
  std::vector<Certificate> other_certificates;
  std::optional<UnixTime> signing_time;  // signed attribute, if any
  std::string algorithm;                 // signature algorithm name
  bool has_signing_certificate_v2 = false;
  CMS_SignerInfo* signer_info = nullptr;  // owned by the CMS
};

// Checks the first SignerInfo: signer certificate among the included ones,
// signature over the signed attributes, message digest of `content` (the
// detached content, or the encapsulated one if null), and the
// signing-certificate(-v2) binding when present.
CmsSignerCheck CheckFirstSigner(CMS_ContentInfo* cms,
                                std::optional<std::span<const std::uint8_t>> content);

}  // namespace digitrade::crypto::internal
