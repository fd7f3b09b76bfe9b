#include "crypto/internal/cms_verify.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ess.h>

#include "crypto/internal/cert_impl.h"

namespace digitrade::crypto::internal {

namespace {

CmsSignerCheck Failed(CmsSignerCheck c, SubIndication s, std::string message) {
  c.failure = s;
  c.message = std::move(message);
  ERR_clear_error();
  return c;
}

const ASN1_TYPE* SignedAttribute(CMS_SignerInfo* si, int nid) {
  const int idx = CMS_signed_get_attr_by_NID(si, nid, -1);
  if (idx < 0) return nullptr;
  X509_ATTRIBUTE* attr = CMS_signed_get_attr(si, idx);
  if (X509_ATTRIBUTE_count(attr) != 1) return nullptr;
  return X509_ATTRIBUTE_get0_type(attr, 0);
}

template <typename T>
using Decoder = T* (*)(T**, const unsigned char**, long);  // NOLINT(google-runtime-int)

template <typename T>
T* DecodeSequence(const ASN1_TYPE* t, Decoder<T> decode) {
  if (t == nullptr || t->type != V_ASN1_SEQUENCE) return nullptr;
  const unsigned char* p = t->value.sequence->data;
  return decode(nullptr, &p, t->value.sequence->length);
}

// The signing-certificate(-v2) attribute must name the signer certificate.
Status CheckSigningCertificate(CMS_SignerInfo* si, X509* signer, bool& has_v2) {
  Owned<ESS_SIGNING_CERT, ESS_SIGNING_CERT_free> v1(DecodeSequence<ESS_SIGNING_CERT>(
      SignedAttribute(si, NID_id_smime_aa_signingCertificate), d2i_ESS_SIGNING_CERT));
  Owned<ESS_SIGNING_CERT_V2, ESS_SIGNING_CERT_V2_free> v2(DecodeSequence<ESS_SIGNING_CERT_V2>(
      SignedAttribute(si, NID_id_smime_aa_signingCertificateV2), d2i_ESS_SIGNING_CERT_V2));
  has_v2 = v2 != nullptr;
  const bool present =
      CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificate, -1) >= 0 ||
      CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1) >= 0;
  if (!present) return {};
  if (!v1 && !v2) return InvalidArgument("malformed signing-certificate attribute");
  X509Stack chain(sk_X509_new_null());
  X509_up_ref(signer);
  sk_X509_push(chain.get(), signer);
  if (OSSL_ESS_check_signing_certs(v1.get(), v2.get(), chain.get(), 1) != 1) {
    return FailedPrecondition("the signing-certificate attribute names another certificate");
  }
  return {};
}

// Feeds the content through the CMS digest BIOs, then compares digests.
// The digest BIOs are freed; `content` stays the caller's.
int VerifyContentDigest(CMS_ContentInfo* cms, CMS_SignerInfo* si, BIO* content) {
  BIO* chain = CMS_dataInit(cms, content);
  if (chain == nullptr) return -1;
  char buf[4096];
  while (BIO_read(chain, buf, sizeof(buf)) > 0) {
  }
  const int rc = CMS_SignerInfo_verify_content(si, chain);
  while (chain != nullptr && chain != content) {
    BIO* next = BIO_pop(chain);
    BIO_free(chain);
    chain = next;
  }
  return rc;
}

}  // namespace

Result<CmsPtr> ParseSignedData(std::span<const std::uint8_t> der) {
  if (der.empty()) return InvalidArgument("empty CMS");
  if (der.size() > (64u << 20)) return ResourceExhausted("CMS too large");
  const unsigned char* p = der.data();
  CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));  // NOLINT
  if (!cms) return InvalidArgument(OpenSslError("not a DER CMS ContentInfo"));
  if (p != der.data() + der.size()) return InvalidArgument("trailing data after the CMS");
  if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
    return InvalidArgument("CMS content is not SignedData");
  }
  return cms;
}

CmsSignerCheck CheckFirstSigner(CMS_ContentInfo* cms,
                                std::optional<std::span<const std::uint8_t>> content) {
  CmsSignerCheck c;
  STACK_OF(CMS_SignerInfo)* sis = CMS_get0_SignerInfos(cms);
  if (sis == nullptr || sk_CMS_SignerInfo_num(sis) == 0) {
    return Failed(std::move(c), SubIndication::kFormatFailure, "CMS has no SignerInfo");
  }
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(sis, 0);
  c.signer_info = si;
  X509_ALGOR* sig_alg = nullptr;
  CMS_SignerInfo_get0_algs(si, nullptr, nullptr, nullptr, &sig_alg);
  c.algorithm = sig_alg ? OBJ_nid2ln(OBJ_obj2nid(sig_alg->algorithm)) : "unknown";
  X509Stack certs(CMS_get1_certs(cms));
  X509* signer = nullptr;
  for (int i = 0; certs && i < sk_X509_num(certs.get()); ++i) {
    X509* x = sk_X509_value(certs.get(), i);
    X509_up_ref(x);
    auto cert = CertAccess::Make(X509Ptr(x));
    if (signer == nullptr && CMS_SignerInfo_cert_cmp(si, x) == 0) {
      signer = x;
      c.signer = cert;
    } else {
      c.other_certificates.push_back(cert);
    }
  }
  if (signer == nullptr) {
    return Failed(std::move(c), SubIndication::kNoSignerCertificateFound,
                  "the signer's certificate is not in the CMS");
  }
  if (CMS_signed_get_attr_count(si) <= 0) {
    return Failed(std::move(c), SubIndication::kFormatFailure,
                  "CMS SignerInfo has no signed attributes");
  }
  CMS_SignerInfo_set1_signer_cert(si, signer);
  if (const ASN1_TYPE* t = SignedAttribute(si, NID_pkcs9_signingTime); t != nullptr) {
    if (t->type == V_ASN1_UTCTIME || t->type == V_ASN1_GENERALIZEDTIME) {
      c.signing_time = ToUnixTime(t->value.utctime);
    }
  }
  if (CMS_SignerInfo_verify(si) != 1) {
    return Failed(std::move(c), SubIndication::kSigCryptoFailure,
                  OpenSslError("CMS signature over the signed attributes does not verify"));
  }
  Bio data;
  if (content) {
    data = ReadBio(*content);
  } else {
    ASN1_OCTET_STRING** embedded = CMS_get0_content(cms);
    if (embedded == nullptr || *embedded == nullptr) {
      return Failed(std::move(c), SubIndication::kSignedDataNotFound,
                    "detached CMS and no content supplied");
    }
    data = ReadBio(std::span<const std::uint8_t>(
        ASN1_STRING_get0_data(*embedded), static_cast<std::size_t>(ASN1_STRING_length(*embedded))));
  }
  const int digest_ok = VerifyContentDigest(cms, si, data.get());
  if (digest_ok != 1) {
    return Failed(std::move(c), SubIndication::kHashFailure,
                  "the message digest does not match the content");
  }
  if (auto ess = CheckSigningCertificate(si, signer, c.has_signing_certificate_v2); !ess) {
    return Failed(std::move(c), SubIndication::kNoSignerCertificateFound, ess.error().message());
  }
  ERR_clear_error();
  return c;
}

}  // namespace digitrade::crypto::internal
