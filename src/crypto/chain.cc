#include "crypto/chain.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "crypto/internal/cert_impl.h"

namespace digitrade::crypto {

namespace {

using internal::CertAccess;
using internal::Owned;
using internal::X509Stack;

// OpenSSL 3.0 checks SM2 certificate signatures with an empty user ID unless
// told otherwise; GB/T 35276 and GM/T 0015 sign certificates with the
// default ID. A private copy carries that ID, leaving shared handles as
// they are.
internal::X509Ptr ForVerification(const Certificate& c) {
  X509* x = CertAccess::Get(c);
  if (X509_get_signature_nid(x) != NID_SM2_with_SM3) {
    X509_up_ref(x);
    return internal::X509Ptr(x);
  }
  internal::X509Ptr copy(X509_dup(x));
  ASN1_OCTET_STRING* id = ASN1_OCTET_STRING_new();
  if (!copy || id == nullptr ||
      ASN1_OCTET_STRING_set(id, reinterpret_cast<const unsigned char*>(kSm2DefaultUserId.data()),
                            static_cast<int>(kSm2DefaultUserId.size())) != 1) {
    ASN1_OCTET_STRING_free(id);
    X509_up_ref(x);
    return internal::X509Ptr(x);
  }
  X509_set0_distinguishing_id(copy.get(), id);
  return copy;
}

struct PathResult {
  int error = X509_V_OK;
  int depth = 0;  // of the certificate the error is about
  std::vector<Certificate> chain;
};

// Builds and checks the path at `when`; revocation is checked separately.
PathResult BuildPath(const TrustStore& store, const ChainValidationRequest& req, UnixTime when) {
  PathResult out;
  Owned<X509_STORE, X509_STORE_free> st(X509_STORE_new());
  for (const auto& list : store.lists()) {
    for (const auto& a : list.anchors()) {
      X509_STORE_add_cert(st.get(), ForVerification(a.certificate).get());
    }
  }
  X509Stack untrusted(sk_X509_new_null());
  for (const auto& c : req.intermediates)
    sk_X509_push(untrusted.get(), ForVerification(c).release());
  const internal::X509Ptr leaf = ForVerification(req.leaf);
  Owned<X509_STORE_CTX, X509_STORE_CTX_free> ctx(X509_STORE_CTX_new());
  if (X509_STORE_CTX_init(ctx.get(), st.get(), leaf.get(), untrusted.get()) != 1) {
    out.error = X509_V_ERR_UNSPECIFIED;
    return out;
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(when));
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  const int rc = X509_verify_cert(ctx.get());
  ERR_clear_error();
  out.error = rc == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx.get());
  out.depth = X509_STORE_CTX_get_error_depth(ctx.get());
  X509Stack chain(X509_STORE_CTX_get1_chain(ctx.get()));
  for (int i = 0; chain && i < sk_X509_num(chain.get()); ++i) {
    X509* x = sk_X509_value(chain.get(), i);
    X509_up_ref(x);
    out.chain.push_back(CertAccess::Make(internal::X509Ptr(x)));
  }
  return out;
}

SubIndication MapPathError(int error) {
  switch (error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return SubIndication::kNoCertificateChainFound;
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return SubIndication::kOutOfBoundsNoPoe;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return SubIndication::kNotYetValid;
    case X509_V_ERR_INVALID_CA:
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
    case X509_V_ERR_INVALID_PURPOSE:
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
    case X509_V_ERR_INVALID_EXTENSION:
    case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
      return SubIndication::kChainConstraintsFailure;
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_KEY_TOO_SMALL:
    case X509_V_ERR_CA_MD_TOO_WEAK:
      return SubIndication::kCryptoConstraintsFailure;
    default:
      return SubIndication::kCertificateChainGeneralFailure;
  }
}

std::string Describe(const PathResult& p, const ChainValidationRequest& req) {
  const std::string about = p.depth < static_cast<int>(p.chain.size())
                                ? p.chain[static_cast<std::size_t>(p.depth)].Subject()
                                : req.leaf.Subject();
  return fmt::format("certificate path: {} (depth {}: {})", X509_verify_cert_error_string(p.error),
                     p.depth, about);
}

bool CrlSignedBy(const Crl& crl, const Certificate& issuer) {
  X509_CRL* x = CertAccess::Get(crl);
  if (X509_CRL_get_signature_nid(x) != NID_SM2_with_SM3) {
    EVP_PKEY* key = X509_get0_pubkey(CertAccess::Get(issuer));
    const bool ok = key != nullptr && X509_CRL_verify(x, key) == 1;
    ERR_clear_error();
    return ok;
  }
  // X509_CRL_verify has no way to pass the SM2 user ID (see ForVerification).
  auto key = issuer.public_key();
  if (!key) return false;
  unsigned char* tbs = nullptr;
  const int n = i2d_re_X509_CRL_tbs(x, &tbs);
  const ASN1_BIT_STRING* sig = nullptr;
  X509_CRL_get0_signature(x, &sig, nullptr);
  const bool ok =
      n > 0 && sig != nullptr &&
      key->Verify(SignatureAlgorithm::kSm2Sm3, {tbs, static_cast<std::size_t>(n)},
                  {ASN1_STRING_get0_data(sig), static_cast<std::size_t>(ASN1_STRING_length(sig))})
          .has_value();
  OPENSSL_free(tbs);
  return ok;
}

// A CRL issued and signed by `issuer`, if one was supplied.
const Crl* FindCrl(const std::vector<Crl>& crls, const Certificate& issuer) {
  for (const auto& crl : crls) {
    if (crl.Issuer() == issuer.Subject() && CrlSignedBy(crl, issuer)) return &crl;
  }
  return nullptr;
}

// Revocation of every non-anchor certificate of `chain`.
void CheckRevocation(const ChainValidationRequest& req, ChainValidationResult& out) {
  for (std::size_t i = 0; i + 1 < out.chain.size(); ++i) {
    const auto& cert = out.chain[i];
    const Crl* crl = FindCrl(req.crls, out.chain[i + 1]);
    if (crl == nullptr) {
      const std::string what = "no CRL from " + out.chain[i + 1].Subject();
      if (req.require_revocation_info) {
        out.sub_indication = SubIndication::kTryLater;
        out.message = "revocation status unknown: " + what;
        return;
      }
      out.notes.push_back("revocation not checked: " + what);
      continue;
    }
    const auto entry = crl->Find(cert.SerialHex());
    if (!entry) continue;
    const std::string when = fmt::format("{} revoked at {}", cert.Subject(), entry->revoked_at);
    if (req.proven_signing_time && *req.proven_signing_time < entry->revoked_at) {
      out.notes.push_back(when + ", after the proven signing time");
      continue;
    }
    if (req.claimed_signing_time && *req.claimed_signing_time < entry->revoked_at) {
      out.sub_indication = SubIndication::kRevokedNoPoe;
      out.message = when + "; no proof that the signature existed before";
    } else {
      out.sub_indication = SubIndication::kRevoked;
      out.message = when;
    }
    return;
  }
}

}  // namespace

ChainValidationResult ValidateChain(const TrustStore& store, const ChainValidationRequest& req) {
  ChainValidationResult out;
  if (req.claimed_signing_time && *req.claimed_signing_time < req.leaf.NotBefore()) {
    out.sub_indication = SubIndication::kNotYetValidAtSigningTime;
    out.message = "the signing time precedes the signer certificate's validity";
    return out;
  }
  PathResult path = BuildPath(store, req, req.validation_time);
  if (path.error == X509_V_ERR_CERT_HAS_EXPIRED && req.proven_signing_time) {
    // Expired now, but the signature provably existed earlier: judge the
    // path at that time instead (ETSI TS 119 102-1 §5.6.2.4).
    PathResult then = BuildPath(store, req, *req.proven_signing_time);
    if (then.error == X509_V_OK) {
      out.notes.push_back(fmt::format("certificate expired since; signature proven to exist at {}",
                                      *req.proven_signing_time));
      path = std::move(then);
    }
  }
  out.chain = path.chain;
  if (path.error != X509_V_OK) {
    out.sub_indication = MapPathError(path.error);
    out.message = Describe(path, req);
    if (out.sub_indication == SubIndication::kOutOfBoundsNoPoe) {
      out.message += "; no proof of existence before expiry";
    }
    return out;
  }
  if (!out.chain.empty()) out.anchor = store.Find(out.chain.back());
  CheckRevocation(req, out);
  return out;
}

}  // namespace digitrade::crypto
