// Import of ETSI TS 119 612 XML trusted lists (the EU member states' and
// other schemes' lists of trust service providers) as a TrustList: every
// service whose current status is an approving one contributes its
// certificates as anchors, named after the service.
//
// The XML is outside input: parsed without network access, entity
// expansion or DTDs, and bounded (crypto/internal/xml.h). The list's own
// XML signature is checked by VerifyXmlSignature (crypto/xmldsig.h) when
// the caller has the scheme operator's certificate.
// Thread-safe free function.
#pragma once

#include <span>
#include <string_view>

#include "common/result.h"
#include "crypto/trust_list.h"

namespace digitrade::crypto {

struct EtsiTrustListInfo {
  std::string territory;      // SchemeTerritory ("EU", "SG", "CN", ...)
  std::string operator_name;  // SchemeOperatorName, English if present
  std::string sequence_number;
  std::size_t services_seen = 0;
  std::size_t services_imported = 0;
};

// Parses `xml`. The list is named `name` (or "ETSI TL <territory>
// #<sequence>" when empty) and its jurisdiction is the scheme territory.
// Errors: invalid_argument naming what is wrong (not XML, DOCTYPE, not a
// TrustServiceStatusList, no territory, a bad certificate in an approved
// service); resource_exhausted for oversized input.
Result<TrustList> ImportEtsiTrustList(std::string_view xml, std::string_view name = "",
                                      EtsiTrustListInfo* info = nullptr);

// Checks the list's enveloped XML signature (TS 119 612 §5.7) and that it
// was made with one of `scheme_operator_certificates` (as the list of
// trusted lists or the Official Journal publishes them). Returns the
// signing certificate. Errors: invalid_argument (no signature, or one of a
// shape we refuse); unauthenticated (the signature fails, or its signer is
// not one of the given certificates).
Result<Certificate> VerifyEtsiTrustListSignature(
    std::string_view xml, std::span<const Certificate> scheme_operator_certificates);

}  // namespace digitrade::crypto
