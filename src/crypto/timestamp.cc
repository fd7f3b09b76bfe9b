#include "crypto/timestamp.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "crypto/internal/cert_impl.h"
#include "crypto/internal/cms_verify.h"

namespace digitrade::crypto {

namespace {

using internal::OpenSslError;
using internal::Owned;

const EVP_MD* Md(HashAlgorithm h) {
  switch (h) {
    case HashAlgorithm::kSha256:
      return EVP_sha256();
    case HashAlgorithm::kSha384:
      return EVP_sha384();
    case HashAlgorithm::kSha512:
      return EVP_sha512();
    case HashAlgorithm::kSm3:
      return EVP_sm3();
  }
  return EVP_sha256();
}

Result<HashAlgorithm> HashOf(const X509_ALGOR* alg) {
  switch (OBJ_obj2nid(alg->algorithm)) {
    case NID_sha256:
      return HashAlgorithm::kSha256;
    case NID_sha384:
      return HashAlgorithm::kSha384;
    case NID_sha512:
      return HashAlgorithm::kSha512;
    case NID_sm3:
      return HashAlgorithm::kSm3;
    default:
      return InvalidArgument("unsupported message imprint hash");
  }
}

// What the response context's callbacks read: the injected time and
// randomness of one Respond call.
struct CallbackData {
  UnixTime now = 0;
  Random* random = nullptr;
};

ASN1_INTEGER* SerialCallback(TS_RESP_CTX*, void* data) {
  auto* cb = static_cast<CallbackData*>(data);
  auto bytes = cb->random->Bytes(16);
  if (!bytes) return nullptr;
  (*bytes)[0] &= 0x7f;
  internal::Bn bn(BN_bin2bn(bytes->data(), static_cast<int>(bytes->size()), nullptr));
  return bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr;
}

int TimeCallback(TS_RESP_CTX*, void* data, long* sec, long* usec) {  // NOLINT(google-runtime-int)
  *sec = static_cast<long>(static_cast<CallbackData*>(data)->now);   // NOLINT(google-runtime-int)
  *usec = 0;
  return 1;
}

std::vector<std::uint8_t> OctetBytes(const ASN1_STRING* s) {
  return {ASN1_STRING_get0_data(s), ASN1_STRING_get0_data(s) + ASN1_STRING_length(s)};
}

}  // namespace

Result<std::vector<std::uint8_t>> MakeTimestampRequest(HashAlgorithm hash,
                                                       std::span<const std::uint8_t> digest,
                                                       Random& random) {
  if (digest.size() != DigestSize(hash))
    return InvalidArgument("digest size does not fit the hash");
  Owned<TS_REQ, TS_REQ_free> req(TS_REQ_new());
  Owned<TS_MSG_IMPRINT, TS_MSG_IMPRINT_free> imprint(TS_MSG_IMPRINT_new());
  Owned<X509_ALGOR, X509_ALGOR_free> alg(X509_ALGOR_new());
  DT_ASSIGN_OR_RETURN(auto nonce_bytes, random.Bytes(8));
  nonce_bytes[0] &= 0x7f;
  internal::Bn nonce_bn(BN_bin2bn(nonce_bytes.data(), 8, nullptr));
  Owned<ASN1_INTEGER, ASN1_INTEGER_free> nonce(BN_to_ASN1_INTEGER(nonce_bn.get(), nullptr));
  X509_ALGOR_set0(alg.get(), OBJ_nid2obj(EVP_MD_get_type(Md(hash))), V_ASN1_NULL, nullptr);
  if (!req || !imprint || !nonce || TS_REQ_set_version(req.get(), 1) != 1 ||
      TS_MSG_IMPRINT_set_algo(imprint.get(), alg.get()) != 1 ||
      TS_MSG_IMPRINT_set_msg(imprint.get(), const_cast<unsigned char*>(digest.data()),
                             static_cast<int>(digest.size())) != 1 ||
      TS_REQ_set_msg_imprint(req.get(), imprint.get()) != 1 ||
      TS_REQ_set_nonce(req.get(), nonce.get()) != 1 || TS_REQ_set_cert_req(req.get(), 1) != 1) {
    return Internal(OpenSslError("TimeStampReq"));
  }
  auto der = internal::EncodeDer(i2d_TS_REQ, req.get());
  if (der.empty()) return Internal(OpenSslError("TimeStampReq encoding"));
  return der;
}

Result<TimestampAuthority> TimestampAuthority::Create(PrivateKey key, Certificate certificate,
                                                      std::vector<Certificate> chain,
                                                      std::string policy_oid) {
  if (key.type() == KeyType::kSm2) return InvalidArgument("SM2 TSA keys are not supported");
  DT_ASSIGN_OR_RETURN(auto pub, certificate.public_key());
  if (!(pub == key.public_key())) return InvalidArgument("TSA key does not match its certificate");
  X509* x = internal::CertAccess::Get(certificate);
  if ((X509_get_extension_flags(x) & EXFLAG_XKUSAGE) == 0 ||
      (X509_get_extended_key_usage(x) & XKU_TIMESTAMP) == 0) {
    return InvalidArgument("TSA certificate lacks the timeStamping extended key usage");
  }
  Owned<ASN1_OBJECT, ASN1_OBJECT_free> policy(OBJ_txt2obj(policy_oid.c_str(), 1));
  if (!policy) return InvalidArgument(fmt::format("bad TSA policy OID {}", policy_oid));
  return TimestampAuthority(std::move(key), std::move(certificate), std::move(chain),
                            std::move(policy_oid));
}

Result<std::vector<std::uint8_t>> TimestampAuthority::Respond(std::span<const std::uint8_t> request,
                                                              UnixTime now, Random& random) const {
  Owned<TS_RESP_CTX, TS_RESP_CTX_free> ctx(TS_RESP_CTX_new());
  Owned<ASN1_OBJECT, ASN1_OBJECT_free> policy(OBJ_txt2obj(policy_.c_str(), 1));
  CallbackData data{now, &random};
  internal::X509Stack certs(sk_X509_new_null());
  for (const auto& c : chain_) {
    X509_up_ref(internal::CertAccess::Get(c));
    sk_X509_push(certs.get(), internal::CertAccess::Get(c));
  }
  if (!ctx ||
      TS_RESP_CTX_set_signer_cert(ctx.get(), internal::CertAccess::Get(certificate_)) != 1 ||
      TS_RESP_CTX_set_signer_key(ctx.get(), internal::KeyAccess::Get(key_)) != 1 ||
      TS_RESP_CTX_set_signer_digest(ctx.get(), EVP_sha256()) != 1 ||
      TS_RESP_CTX_set_ess_cert_id_digest(ctx.get(), EVP_sha256()) != 1 ||
      TS_RESP_CTX_set_def_policy(ctx.get(), policy.get()) != 1 ||
      TS_RESP_CTX_set_certs(ctx.get(), certs.get()) != 1) {
    return Internal(OpenSslError("TSA context"));
  }
  for (auto h : {HashAlgorithm::kSha256, HashAlgorithm::kSha384, HashAlgorithm::kSha512,
                 HashAlgorithm::kSm3}) {
    TS_RESP_CTX_add_md(ctx.get(), Md(h));
  }
  TS_RESP_CTX_set_serial_cb(ctx.get(), SerialCallback, &data);
  TS_RESP_CTX_set_time_cb(ctx.get(), TimeCallback, &data);
  auto bio = internal::ReadBio(request);
  Owned<TS_RESP, TS_RESP_free> resp(TS_RESP_create_response(ctx.get(), bio.get()));
  if (!resp) return Internal(OpenSslError("TS_RESP_create_response"));
  auto der = internal::EncodeDer(i2d_TS_RESP, resp.get());
  if (der.empty()) return Internal(OpenSslError("TimeStampResp encoding"));
  ERR_clear_error();
  return der;
}

Result<std::vector<std::uint8_t>> TimestampAuthority::Stamp(HashAlgorithm hash,
                                                            std::span<const std::uint8_t> data,
                                                            UnixTime now, Random& random) const {
  DT_ASSIGN_OR_RETURN(auto req, MakeTimestampRequest(hash, Hash(hash, data), random));
  DT_ASSIGN_OR_RETURN(auto resp, Respond(req, now, random));
  return TimestampTokenFromResponse(resp);
}

Result<std::vector<std::uint8_t>> TimestampTokenFromResponse(
    std::span<const std::uint8_t> response) {
  const unsigned char* p = response.data();
  Owned<TS_RESP, TS_RESP_free> resp(
      d2i_TS_RESP(nullptr, &p, static_cast<long>(response.size())));  // NOLINT
  if (!resp || p != response.data() + response.size()) {
    ERR_clear_error();
    return InvalidArgument("not a DER TimeStampResp");
  }
  TS_STATUS_INFO* status = TS_RESP_get_status_info(resp.get());
  const long s = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(status));  // NOLINT
  PKCS7* token = TS_RESP_get_token(resp.get());
  if ((s != 0 && s != 1) || token == nullptr) {
    return FailedPrecondition(fmt::format("the TSA did not grant the request (status {})", s));
  }
  auto der = internal::EncodeDer(i2d_PKCS7, token);
  if (der.empty()) return Internal(OpenSslError("token encoding"));
  return der;
}

Result<TimestampInfo> VerifyTimestampToken(std::span<const std::uint8_t> token,
                                           std::span<const std::uint8_t> data) {
  DT_ASSIGN_OR_RETURN(auto cms, internal::ParseSignedData(token));
  if (OBJ_obj2nid(CMS_get0_eContentType(cms.get())) != NID_id_smime_ct_TSTInfo) {
    return InvalidArgument("the token does not encapsulate a TSTInfo");
  }
  auto check = internal::CheckFirstSigner(cms.get(), std::nullopt);
  if (check.failure == SubIndication::kSigCryptoFailure ||
      check.failure == SubIndication::kHashFailure) {
    return Unauthenticated("timestamp token: " + check.message);
  }
  if (check.failure != SubIndication::kNone) {
    return InvalidArgument("timestamp token: " + check.message);
  }
  ASN1_OCTET_STRING** content = CMS_get0_content(cms.get());
  const auto tst_der = OctetBytes(*content);
  const unsigned char* p = tst_der.data();
  Owned<TS_TST_INFO, TS_TST_INFO_free> tst(
      d2i_TS_TST_INFO(nullptr, &p, static_cast<long>(tst_der.size())));  // NOLINT
  if (!tst) return InvalidArgument("malformed TSTInfo");
  TS_MSG_IMPRINT* imprint = TS_TST_INFO_get_msg_imprint(tst.get());
  DT_ASSIGN_OR_RETURN(auto hash, HashOf(TS_MSG_IMPRINT_get_algo(imprint)));
  const auto want = Hash(hash, data);
  const auto got = OctetBytes(TS_MSG_IMPRINT_get_msg(imprint));
  if (!ConstantTimeEquals(want, got)) {
    return Unauthenticated("the timestamp's message imprint does not match the data");
  }
  TimestampInfo info{.time = internal::ToUnixTime(TS_TST_INFO_get_time(tst.get())),
                     .hash = hash,
                     .serial_hex = internal::SerialToHex(TS_TST_INFO_get_serial(tst.get())),
                     .policy_oid = "",
                     .tsa = *check.signer,
                     .certificates = check.other_certificates};
  char oid[128];
  OBJ_obj2txt(oid, sizeof(oid), TS_TST_INFO_get_policy_id(tst.get()), 1);
  info.policy_oid = oid;
  return info;
}

}  // namespace digitrade::crypto
