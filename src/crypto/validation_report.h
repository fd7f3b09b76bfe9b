// Signature validation reports modelled on ETSI TS 119 102-2: a main
// indication, a sub-indication saying why, and what the verifier learnt
// (signer, algorithm, signing time, trust anchor and the trust list and
// jurisdiction it came from). Plain value types; thread-compatible.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "crypto/certificate.h"

namespace digitrade::crypto {

// ETSI TS 119 102-1 §5.1.
enum class Indication { kTotalPassed, kTotalFailed, kIndeterminate };

// ETSI TS 119 102-1 §5.1 sub-indications used by this platform.
enum class SubIndication {
  kNone,
  // TOTAL_FAILED
  kFormatFailure,
  kHashFailure,
  kSigCryptoFailure,
  kRevoked,
  kNotYetValidAtSigningTime,  // reported as NOT_YET_VALID
  // INDETERMINATE
  kSigConstraintsFailure,
  kChainConstraintsFailure,
  kCertificateChainGeneralFailure,
  kCryptoConstraintsFailure,
  kExpired,
  kNotYetValid,
  kRevokedNoPoe,
  kOutOfBoundsNoPoe,
  kOutOfBoundsNotRevoked,
  kNoSignerCertificateFound,
  kNoCertificateChainFound,
  kTryLater,
  kSignedDataNotFound,
};

// "TOTAL_PASSED", "TOTAL_FAILED", "INDETERMINATE".
std::string_view IndicationName(Indication i);
// "HASH_FAILURE", "NO_CERTIFICATE_CHAIN_FOUND", ...; "" for kNone.
std::string_view SubIndicationName(SubIndication s);
// The indication a sub-indication belongs to.
Indication IndicationOf(SubIndication s);

struct TrustAnchorInfo {
  std::string subject;
  std::string fingerprint_sha256;
  std::string trust_list;    // name of the list that holds the anchor
  std::string jurisdiction;  // ISO 3166 code or scheme territory ("CN", "EU", "SG")
  std::string service_name;  // the TSP service, for ETSI lists
};

struct ValidationReport {
  Indication indication = Indication::kIndeterminate;
  SubIndication sub_indication = SubIndication::kNone;
  std::string format;     // "JWS", "CMS", "XMLDSig", "RFC3161"
  std::string algorithm;  // "ES256", "sm2-sm3", ...
  std::string signer;     // subject DN, or a key thumbprint when there is no certificate
  std::optional<Certificate> signer_certificate;
  std::optional<UnixTime> signing_time;
  std::string signing_time_source;  // "claimed" or "timestamp"
  std::optional<TrustAnchorInfo> trust_anchor;
  std::vector<std::string> messages;  // details, most important first
  UnixTime validation_time = 0;

  bool passed() const { return indication == Indication::kTotalPassed; }
  // Sets indication and sub-indication together and records `message`.
  void Fail(SubIndication s, std::string message);
  boost::json::object ToJson() const;
};

}  // namespace digitrade::crypto
