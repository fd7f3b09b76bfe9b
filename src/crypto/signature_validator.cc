#include "crypto/signature_validator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "crypto/base64.h"
#include "crypto/chain.h"
#include "crypto/cms.h"
#include "crypto/internal/cert_impl.h"
#include "crypto/internal/cms_verify.h"
#include "crypto/internal/xmldsig_verify.h"
#include "crypto/jws.h"
#include "crypto/rfc3339.h"
#include "crypto/timestamp.h"

namespace digitrade::crypto {

namespace {

// The x5c chain of a JWS signature (RFC 7515 §4.1.6: standard base64 DER).
Result<std::vector<Certificate>> X5c(const JwsSignature& sig) {
  const auto* x5c = sig.protected_header.if_contains("x5c");
  if (x5c == nullptr) x5c = sig.header.if_contains("x5c");
  if (x5c == nullptr) return NotFound("the JWS carries no \"x5c\" certificate chain");
  if (!x5c->is_array() || x5c->as_array().empty()) {
    return InvalidArgument("JWS \"x5c\" must be a non-empty array");
  }
  std::vector<Certificate> out;
  for (const auto& v : x5c->as_array()) {
    if (!v.is_string()) return InvalidArgument("JWS \"x5c\" entries must be strings");
    auto der = Base64Decode(v.as_string());
    if (!der) return InvalidArgument("JWS \"x5c\": " + der.error().message());
    DT_ASSIGN_OR_RETURN(auto cert, Certificate::FromDer(*der));
    out.push_back(std::move(cert));
  }
  return out;
}

// The signature-time-stamp-token unsigned attribute, if any.
std::optional<std::vector<std::uint8_t>> SignatureTimestamp(CMS_SignerInfo* si) {
  const int idx = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
  if (idx < 0) return std::nullopt;
  const ASN1_TYPE* t = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, idx), 0);
  if (t == nullptr || t->type != V_ASN1_SEQUENCE) return std::vector<std::uint8_t>{};
  const ASN1_STRING* seq = t->value.sequence;
  return std::vector<std::uint8_t>(ASN1_STRING_get0_data(seq),
                                   ASN1_STRING_get0_data(seq) + ASN1_STRING_length(seq));
}

bool IsTimestampSigner(const Certificate& c) {
  X509* x = internal::CertAccess::Get(c);
  return (X509_get_extension_flags(x) & EXFLAG_XKUSAGE) != 0 &&
         (X509_get_extended_key_usage(x) & XKU_TIMESTAMP) != 0;
}

}  // namespace

SubIndication SubIndicationForError(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kUnauthenticated:
      return SubIndication::kSigCryptoFailure;
    case ErrorCode::kFailedPrecondition:
      return SubIndication::kCryptoConstraintsFailure;
    default:
      return SubIndication::kFormatFailure;
  }
}

bool SignatureValidator::Allowed(SignatureAlgorithm alg) const {
  const auto& a = policy_.allowed_algorithms;
  return a.empty() || std::find(a.begin(), a.end(), alg) != a.end();
}

void SignatureValidator::ValidateSigner(const Certificate& signer,
                                        std::vector<Certificate> intermediates,
                                        const ValidationInput& input,
                                        std::optional<UnixTime> proven_time,
                                        ValidationReport& report) const {
  report.signer = signer.Subject();
  report.signer_certificate = signer;
  ChainValidationRequest req{.leaf = signer,
                             .intermediates = std::move(intermediates),
                             .crls = input.crls,
                             .validation_time = input.validation_time,
                             .proven_signing_time = proven_time,
                             .require_revocation_info = policy_.require_revocation_info};
  if (report.signing_time && report.signing_time_source == "claimed") {
    req.claimed_signing_time = report.signing_time;
  }
  auto chain = ValidateChain(store_, req);
  report.trust_anchor = chain.anchor;
  for (auto& n : chain.notes) report.messages.push_back(std::move(n));
  if (!chain.ok()) {
    report.Fail(chain.sub_indication, chain.message);
    return;
  }
  report.indication = Indication::kTotalPassed;
  report.sub_indication = SubIndication::kNone;
}

ValidationReport SignatureValidator::Validate(std::span<const std::uint8_t> object,
                                              const ValidationInput& input) const {
  const std::string_view text(reinterpret_cast<const char*>(object.data()), object.size());
  const auto start = text.find_first_not_of(" \t\r\n\xef\xbb\xbf");
  const char first = start == std::string_view::npos ? '\0' : text[start];
  if (first == '<') return ValidateXml(text, input);
  if (first == '{') return ValidateJws(text, input);
  const bool jws_chars = std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == '\n' || c == '\r';
  });
  if (!text.empty() && jws_chars && std::count(text.begin(), text.end(), '.') == 2) {
    const auto end = text.find_last_not_of("\r\n");
    return ValidateJws(text.substr(0, end + 1), input);
  }
  // An RFC 3161 response (not itself CMS) or a bare token over the content.
  if (auto token = TimestampTokenFromResponse(object);
      token || token.error().code() == ErrorCode::kFailedPrecondition) {
    return ValidateTimestamp(
        object, input.detached_content.value_or(std::span<const std::uint8_t>()), input);
  }
  return ValidateCms(object, input);
}

ValidationReport SignatureValidator::ValidateJws(std::string_view text,
                                                 const ValidationInput& input) const {
  ValidationReport report;
  report.format = "JWS";
  report.validation_time = input.validation_time;
  auto parsed = ParseJws(text);
  if (!parsed) {
    report.Fail(SubIndication::kFormatFailure, parsed.error().message());
    return report;
  }
  const auto& sig = parsed->signatures.front();
  report.algorithm = sig.alg;
  if (const auto* t = sig.protected_header.if_contains("sigT"); t != nullptr && t->is_string()) {
    report.signing_time = ParseRfc3339(t->as_string());
    if (!report.signing_time) {
      report.Fail(SubIndication::kFormatFailure, "JWS \"sigT\" is not an RFC 3339 UTC time");
      return report;
    }
    report.signing_time_source = "claimed";
  }
  auto certs = X5c(sig);
  if (!certs) {
    report.Fail(certs.error().code() == ErrorCode::kNotFound
                    ? SubIndication::kNoSignerCertificateFound
                    : SubIndication::kFormatFailure,
                certs.error().message());
    return report;
  }
  auto key = certs->front().public_key();
  if (!key) {
    report.Fail(SubIndication::kCryptoConstraintsFailure, key.error().message());
    return report;
  }
  JwsVerifyOptions opts{.allowed = policy_.allowed_algorithms,
                        .detached_payload = input.detached_content};
  // Only the first signature is judged: JWS objects signed by several
  // parties are validated one signer at a time by the caller.
  parsed->signatures.resize(1);
  auto verified = VerifyJws(*parsed, *key, opts);
  if (!verified) {
    const auto& e = verified.error();
    const bool mismatch = e.code() == ErrorCode::kInvalidArgument &&
                          e.message().find("does not fit") != std::string::npos;
    report.signer = certs->front().Subject();
    report.signer_certificate = certs->front();
    report.Fail(mismatch ? SubIndication::kSigCryptoFailure : SubIndicationForError(e),
                e.message());
    return report;
  }
  std::vector<Certificate> intermediates(certs->begin() + 1, certs->end());
  ValidateSigner(certs->front(), std::move(intermediates), input, std::nullopt, report);
  return report;
}

ValidationReport SignatureValidator::ValidateCms(std::span<const std::uint8_t> input_cms,
                                                 const ValidationInput& input) const {
  ValidationReport report;
  report.format = "CMS";
  report.validation_time = input.validation_time;
  auto der = CmsToDer(input_cms);
  auto cms = der ? internal::ParseSignedData(*der) : std::unexpected(der.error());
  if (!cms) {
    report.Fail(SubIndication::kFormatFailure, cms.error().message());
    return report;
  }
  if (OBJ_obj2nid(CMS_get0_eContentType(cms->get())) == NID_id_smime_ct_TSTInfo) {
    // A timestamp token: the content given is what it stamps.
    return ValidateTimestamp(*der, input.detached_content.value_or(std::span<const std::uint8_t>()),
                             input);
  }
  auto check = internal::CheckFirstSigner(cms->get(), input.detached_content);
  report.algorithm = check.algorithm;
  if (check.signer) {
    report.signer = check.signer->Subject();
    report.signer_certificate = check.signer;
  }
  if (check.signing_time) {
    report.signing_time = check.signing_time;
    report.signing_time_source = "claimed";
  }
  if (check.failure != SubIndication::kNone) {
    report.Fail(check.failure, check.message);
    return report;
  }
  if (auto key = check.signer->public_key(); !key) {
    report.Fail(SubIndication::kCryptoConstraintsFailure, key.error().message());
    return report;
  } else if (key->type() == KeyType::kRsa && key->bits() < kMinRsaBits) {
    report.Fail(
        SubIndication::kCryptoConstraintsFailure,
        fmt::format("RSA key of {} bits is below the minimum of {}", key->bits(), kMinRsaBits));
    return report;
  }
  report.format = check.has_signing_certificate_v2 ? "CAdES-BES" : "CMS";
  if (!check.has_signing_certificate_v2) {
    report.messages.push_back("no signing-certificate-v2 attribute: plain CMS, not CAdES-BES");
  }
  std::optional<UnixTime> proven;
  if (auto token = SignatureTimestamp(check.signer_info)) {
    auto sig_value = CmsSignatureValue(*der);
    if (sig_value) proven = ProvenTime(*token, *sig_value, input, report);
    if (proven) {
      report.format = "CAdES-T";
      report.signing_time = proven;
      report.signing_time_source = "timestamp";
    }
  }
  ValidateSigner(*check.signer, std::move(check.other_certificates), input, proven, report);
  return report;
}

std::optional<UnixTime> SignatureValidator::ProvenTime(std::span<const std::uint8_t> token,
                                                       std::span<const std::uint8_t> data,
                                                       const ValidationInput& input,
                                                       ValidationReport& report) const {
  ValidationReport ts = ValidateTimestamp(token, data, input);
  if (!ts.passed()) {
    report.messages.push_back(fmt::format(
        "signature timestamp not accepted: {} {}: {}", IndicationName(ts.indication),
        SubIndicationName(ts.sub_indication), ts.messages.empty() ? "" : ts.messages.front()));
    return std::nullopt;
  }
  report.messages.push_back(
      fmt::format("signature timestamp by {} at {}", ts.signer, *ts.signing_time));
  return ts.signing_time;
}

ValidationReport SignatureValidator::ValidateTimestamp(std::span<const std::uint8_t> token,
                                                       std::span<const std::uint8_t> data,
                                                       const ValidationInput& input) const {
  ValidationReport report;
  report.format = "RFC3161";
  report.validation_time = input.validation_time;
  std::vector<std::uint8_t> bytes(token.begin(), token.end());
  if (auto inner = TimestampTokenFromResponse(token); inner) {
    bytes = *std::move(inner);
  } else if (inner.error().code() == ErrorCode::kFailedPrecondition) {
    report.Fail(SubIndication::kFormatFailure, inner.error().message());
    return report;
  }
  auto info = VerifyTimestampToken(bytes, data);
  if (!info) {
    const bool imprint = info.error().message().find("imprint") != std::string::npos;
    report.Fail(imprint ? SubIndication::kHashFailure : SubIndicationForError(info.error()),
                info.error().message());
    return report;
  }
  report.signing_time = info->time;
  report.signing_time_source = "timestamp";
  report.algorithm = std::string(HashName(info->hash));
  if (!IsTimestampSigner(info->tsa)) {
    report.signer = info->tsa.Subject();
    report.Fail(SubIndication::kChainConstraintsFailure,
                "the token's signer is not a timestamp authority (no timeStamping key usage)");
    return report;
  }
  // The TSA's certificate must have been valid when it stamped.
  ValidateSigner(info->tsa, info->certificates, input, info->time, report);
  return report;
}

ValidationReport SignatureValidator::ValidateXml(std::string_view xml,
                                                 const ValidationInput& input) const {
  ValidationReport report;
  report.format = "XMLDSig";
  report.validation_time = input.validation_time;
  auto check = internal::CheckEnvelopedSignature(xml);
  report.algorithm = check.algorithm;
  if (check.signer) {
    report.signer = check.signer->Subject();
    report.signer_certificate = check.signer;
  }
  if (check.signing_time) {
    report.format = "XAdES-B";
    report.signing_time = check.signing_time;
    report.signing_time_source = "claimed";
  }
  if (check.failure != SubIndication::kNone) {
    report.Fail(check.failure, check.message);
    return report;
  }
  if (auto key = check.signer->public_key();
      key && key->type() == KeyType::kRsa && key->bits() < kMinRsaBits) {
    report.Fail(
        SubIndication::kCryptoConstraintsFailure,
        fmt::format("RSA key of {} bits is below the minimum of {}", key->bits(), kMinRsaBits));
    return report;
  }
  ValidateSigner(*check.signer, std::move(check.other_certificates), input, std::nullopt, report);
  return report;
}

}  // namespace digitrade::crypto
