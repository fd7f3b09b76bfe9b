#include "crypto/validation_report.h"

#include <array>

namespace digitrade::crypto {

namespace {

struct SubInfo {
  SubIndication sub;
  std::string_view name;
  Indication indication;
};

constexpr std::array<SubInfo, 19> kSubs = {{
    {SubIndication::kNone, "", Indication::kTotalPassed},
    {SubIndication::kFormatFailure, "FORMAT_FAILURE", Indication::kTotalFailed},
    {SubIndication::kHashFailure, "HASH_FAILURE", Indication::kTotalFailed},
    {SubIndication::kSigCryptoFailure, "SIG_CRYPTO_FAILURE", Indication::kTotalFailed},
    {SubIndication::kRevoked, "REVOKED", Indication::kTotalFailed},
    {SubIndication::kNotYetValidAtSigningTime, "NOT_YET_VALID", Indication::kTotalFailed},
    {SubIndication::kSigConstraintsFailure, "SIG_CONSTRAINTS_FAILURE", Indication::kIndeterminate},
    {SubIndication::kChainConstraintsFailure, "CHAIN_CONSTRAINTS_FAILURE",
     Indication::kIndeterminate},
    {SubIndication::kCertificateChainGeneralFailure, "CERTIFICATE_CHAIN_GENERAL_FAILURE",
     Indication::kIndeterminate},
    {SubIndication::kCryptoConstraintsFailure, "CRYPTO_CONSTRAINTS_FAILURE",
     Indication::kIndeterminate},
    {SubIndication::kExpired, "EXPIRED", Indication::kIndeterminate},
    {SubIndication::kNotYetValid, "NOT_YET_VALID", Indication::kIndeterminate},
    {SubIndication::kRevokedNoPoe, "REVOKED_NO_POE", Indication::kIndeterminate},
    {SubIndication::kOutOfBoundsNoPoe, "OUT_OF_BOUNDS_NO_POE", Indication::kIndeterminate},
    {SubIndication::kOutOfBoundsNotRevoked, "OUT_OF_BOUNDS_NOT_REVOKED",
     Indication::kIndeterminate},
    {SubIndication::kNoSignerCertificateFound, "NO_SIGNING_CERTIFICATE_FOUND",
     Indication::kIndeterminate},
    {SubIndication::kNoCertificateChainFound, "NO_CERTIFICATE_CHAIN_FOUND",
     Indication::kIndeterminate},
    {SubIndication::kTryLater, "TRY_LATER", Indication::kIndeterminate},
    {SubIndication::kSignedDataNotFound, "SIGNED_DATA_NOT_FOUND", Indication::kIndeterminate},
}};

const SubInfo& Info(SubIndication s) {
  for (const auto& i : kSubs) {
    if (i.sub == s) return i;
  }
  return kSubs[0];
}

}  // namespace

std::string_view IndicationName(Indication i) {
  switch (i) {
    case Indication::kTotalPassed:
      return "TOTAL_PASSED";
    case Indication::kTotalFailed:
      return "TOTAL_FAILED";
    case Indication::kIndeterminate:
      return "INDETERMINATE";
  }
  return "INDETERMINATE";
}

std::string_view SubIndicationName(SubIndication s) {
  return Info(s).name;
}
Indication IndicationOf(SubIndication s) {
  return Info(s).indication;
}

void ValidationReport::Fail(SubIndication s, std::string message) {
  indication = IndicationOf(s);
  sub_indication = s;
  messages.insert(messages.begin(), std::move(message));
}

boost::json::object ValidationReport::ToJson() const {
  boost::json::object o;
  o["indication"] = IndicationName(indication);
  if (sub_indication != SubIndication::kNone) {
    o["subIndication"] = SubIndicationName(sub_indication);
  }
  o["format"] = format;
  if (!algorithm.empty()) o["algorithm"] = algorithm;
  if (!signer.empty()) o["signer"] = signer;
  if (signer_certificate) {
    o["signerCertificate"] =
        boost::json::object{{"subject", signer_certificate->Subject()},
                            {"issuer", signer_certificate->Issuer()},
                            {"serialNumber", signer_certificate->SerialHex()},
                            {"sha256", signer_certificate->Sha256Fingerprint()},
                            {"notBefore", signer_certificate->NotBefore()},
                            {"notAfter", signer_certificate->NotAfter()}};
  }
  if (signing_time) {
    o["signingTime"] = *signing_time;
    o["signingTimeSource"] = signing_time_source;
  }
  if (trust_anchor) {
    o["trustAnchor"] = boost::json::object{{"subject", trust_anchor->subject},
                                           {"sha256", trust_anchor->fingerprint_sha256},
                                           {"trustList", trust_anchor->trust_list},
                                           {"jurisdiction", trust_anchor->jurisdiction},
                                           {"service", trust_anchor->service_name}};
  }
  boost::json::array msgs;
  for (const auto& m : messages) msgs.emplace_back(m);
  o["messages"] = std::move(msgs);
  o["validationTime"] = validation_time;
  return o;
}

}  // namespace digitrade::crypto
