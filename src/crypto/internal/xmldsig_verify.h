// Private to crypto/: the cryptographic half of XMLDSig validation.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "crypto/certificate.h"
#include "crypto/validation_report.h"

namespace digitrade::crypto::internal {

struct XmlSignatureCheck {
  SubIndication failure = SubIndication::kNone;
  std::string message;
  std::string algorithm;  // SignatureMethod URI
  std::optional<Certificate> signer;
  std::vector<Certificate> other_certificates;
  std::optional<UnixTime> signing_time;  // xades:SigningTime, if present
};

XmlSignatureCheck CheckEnvelopedSignature(std::string_view xml);

}  // namespace digitrade::crypto::internal
