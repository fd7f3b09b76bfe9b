#include "crypto/ca.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "crypto/internal/cert_impl.h"
#include "crypto/internal/key_impl.h"

namespace digitrade::crypto {

namespace {

using internal::CertAccess;
using internal::OpenSslError;

SignatureAlgorithm IssuerAlgorithm(KeyType type) {
  return type == KeyType::kRsa ? SignatureAlgorithm::kRsaPkcs1Sha256 : DefaultAlgorithm(type);
}

Status CheckRequest(const DistinguishedName& subject, Validity validity) {
  if (subject.common_name.empty())
    return InvalidArgument("certificate subject needs a common name");
  if (validity.not_after <= validity.not_before) {
    return InvalidArgument("certificate validity ends before it starts");
  }
  return {};
}

Status AddEntry(X509_NAME* name, const char* field, const std::string& value) {
  if (value.empty()) return {};
  if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(value.data()),
                                 static_cast<int>(value.size()), -1, 0) != 1) {
    return InvalidArgument(OpenSslError(fmt::format("subject {}", field)));
  }
  return {};
}

Status SetName(X509_NAME* name, const DistinguishedName& dn) {
  DT_TRY(AddEntry(name, "C", dn.country));
  DT_TRY(AddEntry(name, "O", dn.organization));
  DT_TRY(AddEntry(name, "OU", dn.organizational_unit));
  DT_TRY(AddEntry(name, "serialNumber", dn.serial_number));
  DT_TRY(AddEntry(name, "CN", dn.common_name));
  return {};
}

Status AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  internal::Owned<X509_EXTENSION, X509_EXTENSION_free> ext(
      X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return Internal(OpenSslError(fmt::format("extension {}", OBJ_nid2sn(nid))));
  }
  return {};
}

Status AddProfileExtensions(X509* cert, X509* issuer, CertificateProfile profile) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  DT_TRY(AddExtension(cert, &ctx, NID_subject_key_identifier, "hash"));
  DT_TRY(AddExtension(cert, &ctx, NID_authority_key_identifier, "keyid:always"));
  switch (profile) {
    case CertificateProfile::kRootCa:
      DT_TRY(AddExtension(cert, &ctx, NID_basic_constraints, "critical,CA:TRUE"));
      return AddExtension(cert, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
    case CertificateProfile::kSubordinateCa:
      DT_TRY(AddExtension(cert, &ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
      return AddExtension(cert, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
    case CertificateProfile::kOrganization:
      DT_TRY(AddExtension(cert, &ctx, NID_basic_constraints, "critical,CA:FALSE"));
      return AddExtension(cert, &ctx, NID_key_usage, "critical,digitalSignature,nonRepudiation");
    case CertificateProfile::kTimestampAuthority:
      DT_TRY(AddExtension(cert, &ctx, NID_basic_constraints, "critical,CA:FALSE"));
      DT_TRY(AddExtension(cert, &ctx, NID_key_usage, "critical,digitalSignature,nonRepudiation"));
      return AddExtension(cert, &ctx, NID_ext_key_usage, "critical,timeStamping");
  }
  return {};
}

Status SetRandomSerial(X509* cert, Random& random) {
  DT_ASSIGN_OR_RETURN(auto bytes, random.Bytes(16));
  bytes[0] &= 0x7f;  // positive
  bytes[0] |= 0x01;  // and exactly 16 bytes long
  internal::Bn bn(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) == nullptr) {
    return Internal(OpenSslError("serial number"));
  }
  return {};
}

// Signs with `key` using the CA's algorithm (SM2 user ID, PSS parameters).
template <typename Sign, typename T>
Status SignWith(const PrivateKey& key, T* object, Sign sign) {
  internal::MdCtx ctx(EVP_MD_CTX_new());
  const auto& impl = internal::KeyAccess::Impl(key);
  DT_TRY(internal::InitSignatureContext(ctx.get(), impl, IssuerAlgorithm(key.type()), true));
  if (sign(object, ctx.get()) <= 0) return Internal(OpenSslError("signing"));
  return {};
}

Result<Certificate> MakeCertificate(const PublicKey& subject_key, const DistinguishedName& subject,
                                    Validity validity, CertificateProfile profile,
                                    const PrivateKey& issuer_key, X509* issuer_cert,
                                    Random& random) {
  DT_TRY(CheckRequest(subject, validity));
  internal::X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) return Internal("X509_new");
  DT_TRY(SetRandomSerial(cert.get(), random));
  DT_TRY(SetName(X509_get_subject_name(cert.get()), subject));
  X509_set_issuer_name(cert.get(), issuer_cert != nullptr ? X509_get_subject_name(issuer_cert)
                                                          : X509_get_subject_name(cert.get()));
  internal::SetUnixTime(X509_getm_notBefore(cert.get()), validity.not_before);
  internal::SetUnixTime(X509_getm_notAfter(cert.get()), validity.not_after);
  if (X509_set_pubkey(cert.get(), internal::KeyAccess::Get(subject_key)) != 1) {
    return Internal(OpenSslError("X509_set_pubkey"));
  }
  X509* issuer = issuer_cert != nullptr ? issuer_cert : cert.get();
  DT_TRY(AddProfileExtensions(cert.get(), issuer, profile));
  DT_TRY(SignWith(issuer_key, cert.get(), X509_sign_ctx));
  return CertAccess::Make(std::move(cert));
}

}  // namespace

Result<CertificateAuthority> CertificateAuthority::CreateRoot(PrivateKey key,
                                                              const DistinguishedName& subject,
                                                              Validity validity, Random& random) {
  DT_ASSIGN_OR_RETURN(
      auto cert, MakeCertificate(key.public_key(), subject, validity, CertificateProfile::kRootCa,
                                 key, nullptr, random));
  return CertificateAuthority(std::move(key), std::move(cert));
}

Result<CertificateAuthority> CertificateAuthority::Load(PrivateKey key, Certificate certificate) {
  DT_ASSIGN_OR_RETURN(auto pub, certificate.public_key());
  if (!(pub == key.public_key())) {
    return InvalidArgument("the CA key does not match the CA certificate");
  }
  if (!certificate.IsCa()) return InvalidArgument("the certificate is not a CA certificate");
  return CertificateAuthority(std::move(key), std::move(certificate));
}

Result<Certificate> CertificateAuthority::Issue(const PublicKey& subject_key,
                                                const DistinguishedName& subject, Validity validity,
                                                CertificateProfile profile, Random& random) const {
  if (profile == CertificateProfile::kRootCa) {
    return InvalidArgument("a root CA certificate is made by CreateRoot");
  }
  return MakeCertificate(subject_key, subject, validity, profile, key_,
                         CertAccess::Get(certificate_), random);
}

Result<Crl> CertificateAuthority::IssueCrl(std::span<const RevokedEntry> revoked,
                                           UnixTime this_update, UnixTime next_update) const {
  internal::X509CrlPtr crl(X509_CRL_new());
  X509* issuer = CertAccess::Get(certificate_);
  if (!crl || X509_CRL_set_version(crl.get(), 1) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer)) != 1) {
    return Internal(OpenSslError("X509_CRL_new"));
  }
  internal::Owned<ASN1_TIME, ASN1_TIME_free> t(ASN1_TIME_new());
  internal::SetUnixTime(t.get(), this_update);
  X509_CRL_set1_lastUpdate(crl.get(), t.get());
  internal::SetUnixTime(t.get(), next_update);
  X509_CRL_set1_nextUpdate(crl.get(), t.get());
  for (const auto& r : revoked) {
    BIGNUM* raw = nullptr;
    if (r.serial_hex.empty() ||
        BN_hex2bn(&raw, r.serial_hex.c_str()) != static_cast<int>(r.serial_hex.size())) {
      BN_free(raw);
      return InvalidArgument(fmt::format("bad serial number \"{}\"", r.serial_hex));
    }
    internal::Bn bn(raw);
    internal::Owned<X509_REVOKED, X509_REVOKED_free> entry(X509_REVOKED_new());
    internal::Owned<ASN1_INTEGER, ASN1_INTEGER_free> serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    internal::SetUnixTime(t.get(), r.revoked_at);
    if (!entry || !serial || X509_REVOKED_set_serialNumber(entry.get(), serial.get()) != 1 ||
        X509_REVOKED_set_revocationDate(entry.get(), t.get()) != 1 ||
        X509_CRL_add0_revoked(crl.get(), entry.get()) != 1) {
      return Internal(OpenSslError("CRL entry"));
    }
    (void)entry.release();
  }
  X509_CRL_sort(crl.get());
  DT_TRY(SignWith(key_, crl.get(), X509_CRL_sign_ctx));
  return CertAccess::Make(std::move(crl));
}

}  // namespace digitrade::crypto
