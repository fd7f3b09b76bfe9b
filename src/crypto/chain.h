// X.509 certification path validation (RFC 5280 §6, by OpenSSL) against a
// TrustStore, with CRL revocation checking and the ETSI TS 119 102-1 rules
// for time: a certificate that has expired (or been revoked) since is still
// good for a signature proven to exist before that (proof of existence, from
// a timestamp); a merely claimed signing time is no such proof.
//
// Any certificate in a trust list is an anchor (partial chains allowed), as
// ETSI lists name issuing CAs, not only roots. Thread-safe free function.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crypto/certificate.h"
#include "crypto/trust_list.h"
#include "crypto/validation_report.h"

namespace digitrade::crypto {

struct ChainValidationRequest {
  Certificate leaf;
  std::vector<Certificate> intermediates;  // untrusted, in any order
  std::vector<Crl> crls;                   // for the leaf and intermediates
  UnixTime validation_time = 0;            // normally now
  std::optional<UnixTime> claimed_signing_time;
  std::optional<UnixTime> proven_signing_time;  // proof of existence
  // Without a CRL for each non-anchor certificate, the result is
  // INDETERMINATE/TRY_LATER instead of a pass with a "not checked" note.
  bool require_revocation_info = false;
};

struct ChainValidationResult {
  SubIndication sub_indication = SubIndication::kNone;
  std::string message;
  std::vector<std::string> notes;  // informational, e.g. "revocation not checked"
  std::vector<Certificate> chain;  // leaf first, anchor last (when built)
  std::optional<TrustAnchorInfo> anchor;
  bool ok() const { return sub_indication == SubIndication::kNone; }
};

ChainValidationResult ValidateChain(const TrustStore& store, const ChainValidationRequest& request);

}  // namespace digitrade::crypto
