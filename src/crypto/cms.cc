#include "crypto/cms.h"

#include <fmt/format.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "crypto/internal/cert_impl.h"
#include "crypto/internal/cms_verify.h"

namespace digitrade::crypto {

namespace {

using internal::CmsPtr;
using internal::OpenSslError;

const EVP_MD* DigestFor(KeyType type) {
  switch (type) {
    case KeyType::kEcP384:
      return EVP_sha384();
    case KeyType::kEcP521:
      return EVP_sha512();
    default:
      return EVP_sha256();
  }
}

Result<std::vector<std::uint8_t>> ToDer(CMS_ContentInfo* cms) {
  auto der = internal::EncodeDer(i2d_CMS_ContentInfo, cms);
  if (der.empty()) return Internal(OpenSslError("CMS encoding"));
  return der;
}

Status AddSigningCertificateV2(CMS_SignerInfo* si, X509* cert) {
  internal::Owned<ESS_SIGNING_CERT_V2, ESS_SIGNING_CERT_V2_free> sc(
      OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), cert, nullptr, 0));
  const auto der = internal::EncodeDer(i2d_ESS_SIGNING_CERT_V2, sc.get());
  if (der.empty() ||
      CMS_signed_add1_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, V_ASN1_SEQUENCE,
                                  der.data(), static_cast<int>(der.size())) != 1) {
    return Internal(OpenSslError("signing-certificate-v2"));
  }
  return {};
}

Status AddSigningTime(CMS_SignerInfo* si, UnixTime when) {
  internal::Owned<ASN1_TIME, ASN1_TIME_free> t(ASN1_TIME_new());
  internal::SetUnixTime(t.get(), when);
  // RFC 5652 §11.3: UTCTime through 2049, GeneralizedTime after.
  const int type = ASN1_STRING_type(t.get());
  if (CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, type, t.get(), -1) != 1) {
    return Internal(OpenSslError("signing-time"));
  }
  return {};
}

Status ConfigureKey(CMS_SignerInfo* si, const PrivateKey& key, const CmsSignOptions& options) {
  if (key.type() != KeyType::kRsa) return {};
  if (key.bits() < kMinRsaBits) {
    return FailedPrecondition(
        fmt::format("RSA key of {} bits is below the minimum of {}", key.bits(), kMinRsaBits));
  }
  EVP_PKEY_CTX* pctx = CMS_SignerInfo_get0_pkey_ctx(si);
  const int padding = options.rsa_pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING;
  if (pctx == nullptr || EVP_PKEY_CTX_set_rsa_padding(pctx, padding) != 1 ||
      (options.rsa_pss && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)) {
    return Internal(OpenSslError("RSA parameters"));
  }
  return {};
}

}  // namespace

Result<std::vector<std::uint8_t>> SignCmsDetached(std::span<const std::uint8_t> content,
                                                  const PrivateKey& key,
                                                  const Certificate& certificate,
                                                  const CmsSignOptions& options) {
  if (key.type() == KeyType::kSm2 || key.type() == KeyType::kEd25519) {
    return InvalidArgument(fmt::format(
        "{} is not supported in CMS (OpenSSL 3.0); sign as JWS instead", KeyTypeName(key.type())));
  }
  DT_ASSIGN_OR_RETURN(auto cert_key, certificate.public_key());
  if (!(cert_key == key.public_key())) {
    return InvalidArgument("the signing key does not match the certificate");
  }
  constexpr unsigned kFlags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
  CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, kFlags));
  if (!cms) return Internal(OpenSslError("CMS_sign"));
  X509* x = internal::CertAccess::Get(certificate);
  CMS_SignerInfo* si = CMS_add1_signer(cms.get(), x, internal::KeyAccess::Get(key),
                                       DigestFor(key.type()), kFlags | CMS_KEY_PARAM);
  if (si == nullptr) return Internal(OpenSslError("CMS_add1_signer"));
  DT_TRY(ConfigureKey(si, key, options));
  DT_TRY(AddSigningTime(si, options.signing_time));
  DT_TRY(AddSigningCertificateV2(si, x));
  for (const auto& c : options.chain) CMS_add1_cert(cms.get(), internal::CertAccess::Get(c));
  auto bio = internal::ReadBio(content);
  if (CMS_final(cms.get(), bio.get(), nullptr, CMS_DETACHED | CMS_BINARY) != 1) {
    return Internal(OpenSslError("CMS_final"));
  }
  return ToDer(cms.get());
}

Result<std::vector<std::uint8_t>> CmsSignatureValue(std::span<const std::uint8_t> cms_der) {
  DT_ASSIGN_OR_RETURN(auto cms, internal::ParseSignedData(cms_der));
  STACK_OF(CMS_SignerInfo)* sis = CMS_get0_SignerInfos(cms.get());
  if (sis == nullptr || sk_CMS_SignerInfo_num(sis) == 0) return InvalidArgument("no SignerInfo");
  ASN1_OCTET_STRING* sig = CMS_SignerInfo_get0_signature(sk_CMS_SignerInfo_value(sis, 0));
  return std::vector<std::uint8_t>(ASN1_STRING_get0_data(sig),
                                   ASN1_STRING_get0_data(sig) + ASN1_STRING_length(sig));
}

Result<std::vector<std::uint8_t>> AddCmsSignatureTimestamp(std::span<const std::uint8_t> cms_der,
                                                           std::span<const std::uint8_t> token) {
  DT_ASSIGN_OR_RETURN(auto cms, internal::ParseSignedData(cms_der));
  DT_TRY(internal::ParseSignedData(token));  // a token is itself SignedData
  STACK_OF(CMS_SignerInfo)* sis = CMS_get0_SignerInfos(cms.get());
  if (sis == nullptr || sk_CMS_SignerInfo_num(sis) == 0) return InvalidArgument("no SignerInfo");
  if (CMS_unsigned_add1_attr_by_NID(sk_CMS_SignerInfo_value(sis, 0), NID_id_smime_aa_timeStampToken,
                                    V_ASN1_SEQUENCE, token.data(),
                                    static_cast<int>(token.size())) != 1) {
    return Internal(OpenSslError("signature-time-stamp-token"));
  }
  return ToDer(cms.get());
}

Result<std::vector<std::uint8_t>> CmsToDer(std::span<const std::uint8_t> input) {
  const std::string_view text = internal::Chars(input);
  if (text.find("-----BEGIN") == std::string_view::npos) {
    return std::vector<std::uint8_t>(input.begin(), input.end());
  }
  auto bio = internal::ReadBio(input);
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;  // NOLINT(google-runtime-int): OpenSSL's type
  if (PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) {
    return InvalidArgument(OpenSslError("not a PEM CMS"));
  }
  const std::string label = name;
  std::vector<std::uint8_t> der(data, data + len);
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  if (label != "CMS" && label != "PKCS7") {
    return InvalidArgument("PEM block \"" + label + "\" is not a CMS");
  }
  return der;
}

}  // namespace digitrade::crypto
