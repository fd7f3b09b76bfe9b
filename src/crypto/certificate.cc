#include "crypto/certificate.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "crypto/hash.h"
#include "crypto/internal/cert_impl.h"

namespace digitrade::crypto {

using internal::Bio;
using internal::CertAccess;
using internal::OpenSslError;

namespace internal {

Certificate CertAccess::Make(X509Ptr x509) {
  Certificate c;
  auto impl = std::make_shared<CertImpl>();
  impl->x509 = std::move(x509);
  c.impl_ = std::move(impl);
  return c;
}

Crl CertAccess::Make(X509CrlPtr crl) {
  Crl c;
  auto impl = std::make_shared<CrlImpl>();
  impl->crl = std::move(crl);
  c.impl_ = std::move(impl);
  return c;
}

UnixTime ToUnixTime(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<UnixTime>(timegm(&tm));
}

ASN1_TIME* SetUnixTime(ASN1_TIME* t, UnixTime when) {
  return ASN1_TIME_set(t, static_cast<time_t>(when));
}

std::string SerialToHex(const ASN1_INTEGER* serial) {
  Bn bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return "";
  char* hex = BN_bn2hex(bn.get());
  std::string out(hex);
  OPENSSL_free(hex);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::string NameToString(const X509_NAME* name) {
  Bio bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  return BioString(bio.get());
}

}  // namespace internal

namespace {

Status CheckSize(std::size_t n) {
  if (n == 0) return InvalidArgument("empty input");
  if (n > kMaxCertificateBytes) return ResourceExhausted("certificate or CRL too large");
  return {};
}

// One DER object of type T, nothing after it.
template <typename T, typename Owner>
Result<Owner> ParseDer(std::span<const std::uint8_t> der,
                       T* (*decode)(T**, const unsigned char**, long),  // NOLINT
                       std::string_view what) {
  DT_TRY(CheckSize(der.size()));
  const unsigned char* p = der.data();
  Owner obj(decode(nullptr, &p, static_cast<long>(der.size())));  // NOLINT
  if (!obj) return InvalidArgument(OpenSslError(fmt::format("not a DER {}", what)));
  if (p != der.data() + der.size())
    return InvalidArgument(fmt::format("trailing data after the {}", what));
  return obj;
}

template <typename T, typename Owner>
Result<Owner> ParsePem(std::string_view pem, T* (*read)(BIO*, T**, pem_password_cb*, void*),
                       std::string_view what) {
  DT_TRY(CheckSize(pem.size()));
  auto bio = internal::ReadBio(pem);
  Owner obj(read(bio.get(), nullptr, nullptr, nullptr));
  if (!obj) return InvalidArgument(OpenSslError(fmt::format("not a PEM {}", what)));
  return obj;
}

template <typename T>
std::string ToPemText(int (*write)(BIO*, const T*), const T* obj) {
  Bio bio(BIO_new(BIO_s_mem()));
  write(bio.get(), obj);
  return internal::BioString(bio.get());
}

}  // namespace

Result<Certificate> Certificate::FromPem(std::string_view pem) {
  DT_ASSIGN_OR_RETURN(auto x,
                      (ParsePem<X509, internal::X509Ptr>(pem, PEM_read_bio_X509, "certificate")));
  return CertAccess::Make(std::move(x));
}

Result<std::vector<Certificate>> Certificate::ChainFromPem(std::string_view pem) {
  DT_TRY(CheckSize(pem.size()));
  auto bio = internal::ReadBio(pem);
  std::vector<Certificate> out;
  while (true) {
    internal::X509Ptr x(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!x) break;
    out.push_back(CertAccess::Make(std::move(x)));
  }
  const auto err = ERR_peek_last_error();
  ERR_clear_error();
  if (ERR_GET_REASON(err) != PEM_R_NO_START_LINE || out.empty()) {
    return InvalidArgument("malformed or missing PEM certificate");
  }
  return out;
}

Result<Certificate> Certificate::FromDer(std::span<const std::uint8_t> der) {
  DT_ASSIGN_OR_RETURN(auto x, (ParseDer<X509, internal::X509Ptr>(der, d2i_X509, "certificate")));
  return CertAccess::Make(std::move(x));
}

std::string Certificate::ToPem() const {
  return ToPemText<X509>(PEM_write_bio_X509, impl_->x509.get());
}

std::vector<std::uint8_t> Certificate::ToDer() const {
  return internal::EncodeDer(i2d_X509, impl_->x509.get());
}

std::string Certificate::Subject() const {
  return internal::NameToString(X509_get_subject_name(impl_->x509.get()));
}
std::string Certificate::Issuer() const {
  return internal::NameToString(X509_get_issuer_name(impl_->x509.get()));
}

std::string Certificate::SubjectAttribute(std::string_view short_name) const {
  const int nid = OBJ_sn2nid(std::string(short_name).c_str());
  if (nid == NID_undef) return "";
  const X509_NAME* name = X509_get_subject_name(impl_->x509.get());
  const int idx = X509_NAME_get_index_by_NID(name, nid, -1);
  if (idx < 0) return "";
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  unsigned char* utf8 = nullptr;
  const int n = ASN1_STRING_to_UTF8(&utf8, data);
  if (n < 0) return "";
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

std::string Certificate::SerialHex() const {
  return internal::SerialToHex(X509_get0_serialNumber(impl_->x509.get()));
}
UnixTime Certificate::NotBefore() const {
  return internal::ToUnixTime(X509_get0_notBefore(impl_->x509.get()));
}
UnixTime Certificate::NotAfter() const {
  return internal::ToUnixTime(X509_get0_notAfter(impl_->x509.get()));
}
bool Certificate::IsCa() const {
  return X509_check_ca(impl_->x509.get()) > 0;
}
bool Certificate::IsSelfIssued() const {
  return X509_NAME_cmp(X509_get_subject_name(impl_->x509.get()),
                       X509_get_issuer_name(impl_->x509.get())) == 0;
}

std::string Certificate::Sha256Fingerprint() const {
  return ToHex(Hash(HashAlgorithm::kSha256, ToDer()));
}

Result<PublicKey> Certificate::public_key() const {
  EVP_PKEY* key = X509_get_pubkey(impl_->x509.get());
  if (key == nullptr) return InvalidArgument(OpenSslError("certificate public key"));
  return internal::KeyAccess::MakePublic(internal::Pkey(key));
}

std::string Certificate::SignatureAlgorithmName() const {
  const int nid = X509_get_signature_nid(impl_->x509.get());
  return nid == NID_undef ? "unknown" : OBJ_nid2ln(nid);
}

bool operator==(const Certificate& a, const Certificate& b) {
  return X509_cmp(a.impl_->x509.get(), b.impl_->x509.get()) == 0;
}

// ---- Crl ----

Result<Crl> Crl::FromPem(std::string_view pem) {
  DT_ASSIGN_OR_RETURN(
      auto crl, (ParsePem<X509_CRL, internal::X509CrlPtr>(pem, PEM_read_bio_X509_CRL, "CRL")));
  return CertAccess::Make(std::move(crl));
}

Result<Crl> Crl::FromDer(std::span<const std::uint8_t> der) {
  DT_ASSIGN_OR_RETURN(auto crl,
                      (ParseDer<X509_CRL, internal::X509CrlPtr>(der, d2i_X509_CRL, "CRL")));
  return CertAccess::Make(std::move(crl));
}

std::string Crl::ToPem() const {
  return ToPemText<X509_CRL>(PEM_write_bio_X509_CRL, impl_->crl.get());
}

std::vector<std::uint8_t> Crl::ToDer() const {
  return internal::EncodeDer(i2d_X509_CRL, impl_->crl.get());
}

std::string Crl::Issuer() const {
  return internal::NameToString(X509_CRL_get_issuer(impl_->crl.get()));
}
UnixTime Crl::ThisUpdate() const {
  return internal::ToUnixTime(X509_CRL_get0_lastUpdate(impl_->crl.get()));
}
std::optional<UnixTime> Crl::NextUpdate() const {
  const ASN1_TIME* t = X509_CRL_get0_nextUpdate(impl_->crl.get());
  if (t == nullptr) return std::nullopt;
  return internal::ToUnixTime(t);
}

std::optional<RevokedEntry> Crl::Find(std::string_view serial_hex) const {
  const STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(impl_->crl.get());
  for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
    const X509_REVOKED* r = sk_X509_REVOKED_value(revoked, i);
    const auto serial = internal::SerialToHex(X509_REVOKED_get0_serialNumber(r));
    if (serial == serial_hex) {
      return RevokedEntry{serial, internal::ToUnixTime(X509_REVOKED_get0_revocationDate(r))};
    }
  }
  return std::nullopt;
}

}  // namespace digitrade::crypto
