#include "crypto/keys.h"

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <array>
#include <cstring>

#include "common/json.h"
#include "crypto/base64.h"
#include "crypto/internal/key_impl.h"
#include "crypto/internal/openssl.h"

namespace digitrade::crypto {

using internal::Bn;
using internal::KeyImpl;
using internal::MdCtx;
using internal::OpenSslError;
using internal::Pkey;

namespace {

struct AlgorithmInfo {
  SignatureAlgorithm alg;
  std::string_view name;
  KeyType key;
  HashAlgorithm hash;
  const char* md;  // OpenSSL digest name; null for Ed25519 (no pre-hash)
  int padding;     // RSA padding mode, 0 otherwise
};

constexpr std::array<AlgorithmInfo, kSignatureAlgorithmCount> kAlgorithms = {{
    {SignatureAlgorithm::kEd25519, "ed25519", KeyType::kEd25519, HashAlgorithm::kSha512, nullptr,
     0},
    {SignatureAlgorithm::kEcdsaP256Sha256, "ecdsa-p256-sha256", KeyType::kEcP256,
     HashAlgorithm::kSha256, "SHA256", 0},
    {SignatureAlgorithm::kEcdsaP384Sha384, "ecdsa-p384-sha384", KeyType::kEcP384,
     HashAlgorithm::kSha384, "SHA384", 0},
    {SignatureAlgorithm::kRsaPssSha256, "rsa-pss-sha256", KeyType::kRsa, HashAlgorithm::kSha256,
     "SHA256", RSA_PKCS1_PSS_PADDING},
    {SignatureAlgorithm::kRsaPssSha384, "rsa-pss-sha384", KeyType::kRsa, HashAlgorithm::kSha384,
     "SHA384", RSA_PKCS1_PSS_PADDING},
    {SignatureAlgorithm::kRsaPssSha512, "rsa-pss-sha512", KeyType::kRsa, HashAlgorithm::kSha512,
     "SHA512", RSA_PKCS1_PSS_PADDING},
    {SignatureAlgorithm::kRsaPkcs1Sha256, "rsa-pkcs1-sha256", KeyType::kRsa, HashAlgorithm::kSha256,
     "SHA256", RSA_PKCS1_PADDING},
    {SignatureAlgorithm::kRsaPkcs1Sha384, "rsa-pkcs1-sha384", KeyType::kRsa, HashAlgorithm::kSha384,
     "SHA384", RSA_PKCS1_PADDING},
    {SignatureAlgorithm::kRsaPkcs1Sha512, "rsa-pkcs1-sha512", KeyType::kRsa, HashAlgorithm::kSha512,
     "SHA512", RSA_PKCS1_PADDING},
    {SignatureAlgorithm::kSm2Sm3, "sm2-sm3", KeyType::kSm2, HashAlgorithm::kSm3, "SM3", 0},
    {SignatureAlgorithm::kEcdsaP521Sha512, "ecdsa-p521-sha512", KeyType::kEcP521,
     HashAlgorithm::kSha512, "SHA512", 0},
}};

const AlgorithmInfo& Info(SignatureAlgorithm alg) {
  for (const auto& a : kAlgorithms) {
    if (a.alg == alg) return a;
  }
  return kAlgorithms[0];
}

constexpr std::array<std::pair<KeyType, std::string_view>, 6> kKeyTypeNames = {{
    {KeyType::kEd25519, "ed25519"},
    {KeyType::kEcP256, "ec-p256"},
    {KeyType::kEcP384, "ec-p384"},
    {KeyType::kRsa, "rsa"},
    {KeyType::kSm2, "sm2"},
    {KeyType::kEcP521, "ec-p521"},
}};

// OpenSSL 3.0 may decode an SM2-curve key as a plain "EC" key; signing with
// SM2 semantics needs the SM2 key manager, so such keys are re-imported.
Result<Pkey> AsSm2(EVP_PKEY* ec, bool with_private) {
  OSSL_PARAM* params = nullptr;
  const int selection = with_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
  if (EVP_PKEY_todata(ec, selection, &params) != 1) return Internal(OpenSslError("SM2 export"));
  internal::PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
  EVP_PKEY* out = nullptr;
  const bool ok = ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
                  EVP_PKEY_fromdata(ctx.get(), &out, selection, params) == 1;
  OSSL_PARAM_free(params);
  if (!ok) return Internal(OpenSslError("SM2 import"));
  return Pkey(out);
}

Result<std::shared_ptr<const KeyImpl>> MakeImpl(Pkey pkey, bool has_private) {
  if (!pkey) return InvalidArgument("no key");
  DT_ASSIGN_OR_RETURN(const KeyType type, internal::ClassifyKey(pkey.get()));
  if (type == KeyType::kSm2 && !EVP_PKEY_is_a(pkey.get(), "SM2")) {
    DT_ASSIGN_OR_RETURN(pkey, AsSm2(pkey.get(), has_private));
  }
  auto impl = std::make_shared<KeyImpl>();
  impl->type = type;
  impl->has_private = has_private;
  if (type == KeyType::kEcP256 || type == KeyType::kEcP384 || type == KeyType::kEcP521) {
    const int nid = type == KeyType::kEcP256   ? NID_X9_62_prime256v1
                    : type == KeyType::kEcP384 ? NID_secp384r1
                                               : NID_secp521r1;
    internal::Owned<EC_GROUP, EC_GROUP_free> group(EC_GROUP_new_by_curve_name(nid));
    if (!group) return Internal(OpenSslError("EC group"));
    impl->order.reset(BN_dup(EC_GROUP_get0_order(group.get())));
  }
  impl->pkey = std::move(pkey);
  return std::shared_ptr<const KeyImpl>(std::move(impl));
}

Status CheckUsable(const KeyImpl& key, SignatureAlgorithm alg) {
  const auto& info = Info(alg);
  if (info.key != key.type) {
    return InvalidArgument(
        fmt::format("algorithm {} does not fit a {} key", info.name, KeyTypeName(key.type)));
  }
  if (key.type == KeyType::kRsa && EVP_PKEY_get_bits(key.pkey.get()) < kMinRsaBits) {
    return FailedPrecondition(fmt::format("RSA key of {} bits is below the minimum of {}",
                                          EVP_PKEY_get_bits(key.pkey.get()), kMinRsaBits));
  }
  return {};
}

}  // namespace

namespace internal {

Status InitSignatureContext(EVP_MD_CTX* ctx, const KeyImpl& key, SignatureAlgorithm alg, bool sign,
                            std::string_view sm2_id) {
  const auto& info = Info(alg);
  EVP_PKEY_CTX* pctx = nullptr;
  const int rc =
      sign
          ? EVP_DigestSignInit_ex(ctx, &pctx, info.md, nullptr, nullptr, key.pkey.get(), nullptr)
          : EVP_DigestVerifyInit_ex(ctx, &pctx, info.md, nullptr, nullptr, key.pkey.get(), nullptr);
  if (rc != 1) return Internal(OpenSslError("signature init"));
  // OpenSSL 3.0 accepts the SM2 distinguishing ID only after init (it is
  // hashed into Z on the first update).
  if (info.key == KeyType::kSm2 &&
      EVP_PKEY_CTX_set1_id(pctx, sm2_id.data(), static_cast<int>(sm2_id.size())) != 1) {
    return Internal(OpenSslError("SM2 user ID"));
  }
  if (info.padding == RSA_PKCS1_PSS_PADDING) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, info.md, nullptr) != 1) {
      return Internal(OpenSslError("RSA-PSS parameters"));
    }
  } else if (info.padding == RSA_PKCS1_PADDING) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
      return Internal(OpenSslError("RSA padding"));
    }
  }
  return {};
}

}  // namespace internal

namespace {

// A ready context for `alg` on `key`: a copy of the key's cached template
// for the default SM2 user ID, a fresh one otherwise.
Status PrepareContext(EVP_MD_CTX* out, const KeyImpl& key, SignatureAlgorithm alg, bool sign,
                      std::string_view sm2_id) {
  if (sm2_id == kSm2DefaultUserId) {
    auto& cached = key.contexts[static_cast<std::size_t>(alg) * 2 + (sign ? 1 : 0)];
    std::call_once(cached.once, [&] {
      MdCtx tmpl(EVP_MD_CTX_new());
      if (tmpl && internal::InitSignatureContext(tmpl.get(), key, alg, sign, sm2_id)) {
        cached.ctx = std::move(tmpl);
      }
      ERR_clear_error();
    });
    if (cached.ctx && EVP_MD_CTX_copy_ex(out, cached.ctx.get()) == 1) return {};
    ERR_clear_error();
  }
  return internal::InitSignatureContext(out, key, alg, sign, sm2_id);
}

// ECDSA signatures (r, s) and (r, n - s) both verify; emitting only the
// low one makes our signatures non-malleable for whoever requires that.
Result<std::vector<std::uint8_t>> LowS(std::vector<std::uint8_t> der, const BIGNUM* order) {
  const unsigned char* p = der.data();
  internal::Owned<ECDSA_SIG, ECDSA_SIG_free> sig(
      d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));  // NOLINT(google-runtime-int)
  if (!sig) return Internal(OpenSslError("ECDSA signature decode"));
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  Bn half(BN_dup(order));
  if (!half || BN_rshift1(half.get(), half.get()) != 1) return Internal("BN_rshift1");
  if (BN_cmp(s, half.get()) <= 0) return der;
  Bn new_s(BN_new());
  Bn new_r(BN_dup(r));
  if (!new_s || !new_r || BN_sub(new_s.get(), order, s) != 1 ||
      ECDSA_SIG_set0(sig.get(), new_r.get(), new_s.get()) != 1) {
    return Internal(OpenSslError("ECDSA low-S"));
  }
  (void)new_r.release();
  (void)new_s.release();
  auto result = internal::EncodeDer(i2d_ECDSA_SIG, sig.get());
  if (result.empty()) return Internal(OpenSslError("ECDSA signature encode"));
  return result;
}

int NoPassword(char*, int, int, void*) {
  return -1;
}

Result<boost::json::object> ParseJwk(std::string_view json) {
  return json::ParseObject(json, {.max_bytes = std::size_t{64} << 10, .max_depth = 4});
}

}  // namespace

std::string_view KeyTypeName(KeyType type) {
  for (const auto& [t, name] : kKeyTypeNames) {
    if (t == type) return name;
  }
  return "unknown";
}

Result<KeyType> ParseKeyType(std::string_view name) {
  for (const auto& [t, n] : kKeyTypeNames) {
    if (n == name) return t;
  }
  return InvalidArgument(
      fmt::format("unknown key type \"{}\" (expected ed25519, ec-p256, "
                  "ec-p384, rsa or sm2)",
                  name));
}

std::string_view SignatureAlgorithmName(SignatureAlgorithm alg) {
  return Info(alg).name;
}

Result<SignatureAlgorithm> ParseSignatureAlgorithm(std::string_view name) {
  for (const auto& a : kAlgorithms) {
    if (a.name == name) return a.alg;
  }
  return InvalidArgument(fmt::format("unknown signature algorithm \"{}\"", name));
}

KeyType KeyTypeFor(SignatureAlgorithm alg) {
  return Info(alg).key;
}
HashAlgorithm DigestFor(SignatureAlgorithm alg) {
  return Info(alg).hash;
}

SignatureAlgorithm DefaultAlgorithm(KeyType type) {
  switch (type) {
    case KeyType::kEd25519:
      return SignatureAlgorithm::kEd25519;
    case KeyType::kEcP256:
      return SignatureAlgorithm::kEcdsaP256Sha256;
    case KeyType::kEcP384:
      return SignatureAlgorithm::kEcdsaP384Sha384;
    case KeyType::kEcP521:
      return SignatureAlgorithm::kEcdsaP521Sha512;
    case KeyType::kRsa:
      return SignatureAlgorithm::kRsaPssSha256;
    case KeyType::kSm2:
      return SignatureAlgorithm::kSm2Sm3;
  }
  return SignatureAlgorithm::kEd25519;
}

namespace internal {

std::size_t FieldBytes(KeyType type) {
  if (type == KeyType::kEcP521) return 66;
  return type == KeyType::kEcP384 ? 48 : 32;
}

const char* GroupName(KeyType type) {
  switch (type) {
    case KeyType::kEcP256:
      return "P-256";
    case KeyType::kEcP384:
      return "P-384";
    case KeyType::kEcP521:
      return "P-521";
    case KeyType::kSm2:
      return "SM2";
    default:
      return "";
  }
}

Result<KeyType> ClassifyKey(const EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "ED25519")) return KeyType::kEd25519;
  if (EVP_PKEY_is_a(pkey, "RSA")) return KeyType::kRsa;
  if (EVP_PKEY_is_a(pkey, "SM2")) return KeyType::kSm2;
  if (!EVP_PKEY_is_a(pkey, "EC")) {
    return InvalidArgument(
        fmt::format("unsupported key algorithm {}", EVP_PKEY_get0_type_name(pkey)));
  }
  char group[64] = {};
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                     &len) != 1) {
    ERR_clear_error();
    return InvalidArgument("EC key without a named curve (explicit parameters are not accepted)");
  }
  const std::string_view g(group, len);
  if (g == "prime256v1" || g == "P-256") return KeyType::kEcP256;
  if (g == "secp384r1" || g == "P-384") return KeyType::kEcP384;
  if (g == "secp521r1" || g == "P-521") return KeyType::kEcP521;
  if (g == "SM2") return KeyType::kSm2;
  return InvalidArgument(fmt::format("unsupported elliptic curve {}", g));
}

Result<PublicKey> KeyAccess::MakePublic(Pkey pkey) {
  PublicKey k;
  DT_ASSIGN_OR_RETURN(k.impl_, MakeImpl(std::move(pkey), false));
  return k;
}

Result<PrivateKey> KeyAccess::MakePrivate(Pkey pkey) {
  PrivateKey k;
  DT_ASSIGN_OR_RETURN(k.impl_, MakeImpl(std::move(pkey), true));
  return k;
}

EVP_PKEY* KeyAccess::Get(const PublicKey& key) {
  return key.impl_->pkey.get();
}
EVP_PKEY* KeyAccess::Get(const PrivateKey& key) {
  return key.impl_->pkey.get();
}
const KeyImpl& KeyAccess::Impl(const PrivateKey& key) {
  return *key.impl_;
}
const KeyImpl& KeyAccess::Impl(const PublicKey& key) {
  return *key.impl_;
}

}  // namespace internal

// ---- PublicKey ----

Result<PublicKey> PublicKey::FromPem(std::string_view pem) {
  auto bio = internal::ReadBio(pem);
  Pkey pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassword, nullptr));
  if (!pkey) return InvalidArgument(OpenSslError("not a PEM public key (SPKI)"));
  return internal::KeyAccess::MakePublic(std::move(pkey));
}

Result<PublicKey> PublicKey::FromDer(std::span<const std::uint8_t> der) {
  const unsigned char* p = der.data();
  Pkey pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));  // NOLINT
  if (!pkey) return InvalidArgument(OpenSslError("not a DER public key (SPKI)"));
  if (p != der.data() + der.size()) return InvalidArgument("trailing data after the DER key");
  return internal::KeyAccess::MakePublic(std::move(pkey));
}

Result<PublicKey> PublicKey::FromJwk(const boost::json::object& jwk) {
  DT_ASSIGN_OR_RETURN(auto pkey, internal::PkeyFromJwk(jwk, false));
  return internal::KeyAccess::MakePublic(std::move(pkey));
}

Result<PublicKey> PublicKey::FromJwkJson(std::string_view json) {
  DT_ASSIGN_OR_RETURN(auto obj, ParseJwk(json));
  return FromJwk(obj);
}

KeyType PublicKey::type() const {
  return impl_->type;
}
int PublicKey::bits() const {
  return EVP_PKEY_get_bits(impl_->pkey.get());
}

std::string PublicKey::ToPem() const {
  internal::Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), impl_->pkey.get());
  return internal::BioString(bio.get());
}

std::vector<std::uint8_t> PublicKey::ToDer() const {
  return internal::EncodeDer(i2d_PUBKEY, impl_->pkey.get());
}

boost::json::object PublicKey::ToJwk() const {
  return internal::JwkFromPkey(*impl_, false);
}

std::string PublicKey::Thumbprint() const {
  return Base64UrlEncode(Sha256(json::Serialize(ToJwk())));
}

Status PublicKey::Verify(SignatureAlgorithm alg, std::span<const std::uint8_t> message,
                         std::span<const std::uint8_t> signature,
                         std::string_view sm2_user_id) const {
  DT_TRY(CheckUsable(*impl_, alg));
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) return Internal("EVP_MD_CTX_new");
  DT_TRY(PrepareContext(ctx.get(), *impl_, alg, false, sm2_user_id));
  if (EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                       message.size()) != 1) {
    ERR_clear_error();
    return Unauthenticated(
        fmt::format("{} signature does not verify", SignatureAlgorithmName(alg)));
  }
  return {};
}

bool operator==(const PublicKey& a, const PublicKey& b) {
  if (!a.impl_ || !b.impl_) return a.impl_ == b.impl_;
  return EVP_PKEY_eq(a.impl_->pkey.get(), b.impl_->pkey.get()) == 1;
}

// ---- PrivateKey ----

Result<PrivateKey> PrivateKey::Generate(KeyType type, int rsa_bits) {
  EVP_PKEY* raw = nullptr;
  switch (type) {
    case KeyType::kEd25519:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    case KeyType::kEcP256:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyType::kEcP384:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case KeyType::kEcP521:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
      break;
    case KeyType::kSm2:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2");
      break;
    case KeyType::kRsa:
      if (rsa_bits < kMinRsaBits || rsa_bits > 8192) {
        return InvalidArgument(
            fmt::format("RSA key size {} outside {}..8192", rsa_bits, kMinRsaBits));
      }
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(rsa_bits));
      break;
  }
  if (raw == nullptr) return Internal(OpenSslError("key generation"));
  return internal::KeyAccess::MakePrivate(Pkey(raw));
}

Result<PrivateKey> PrivateKey::FromPem(std::string_view pem) {
  auto bio = internal::ReadBio(pem);
  Pkey pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr));
  if (!pkey) return InvalidArgument(OpenSslError("not an unencrypted PEM private key"));
  return internal::KeyAccess::MakePrivate(std::move(pkey));
}

Result<PrivateKey> PrivateKey::FromDer(std::span<const std::uint8_t> der) {
  const unsigned char* p = der.data();
  internal::Owned<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free> p8(
      d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));  // NOLINT
  if (!p8) return InvalidArgument(OpenSslError("not a DER PKCS#8 private key"));
  if (p != der.data() + der.size()) return InvalidArgument("trailing data after the DER key");
  Pkey pkey(EVP_PKCS82PKEY(p8.get()));
  if (!pkey) return InvalidArgument(OpenSslError("unusable PKCS#8 private key"));
  return internal::KeyAccess::MakePrivate(std::move(pkey));
}

Result<PrivateKey> PrivateKey::FromJwk(const boost::json::object& jwk) {
  DT_ASSIGN_OR_RETURN(auto pkey, internal::PkeyFromJwk(jwk, true));
  return internal::KeyAccess::MakePrivate(std::move(pkey));
}

Result<PrivateKey> PrivateKey::FromJwkJson(std::string_view json) {
  DT_ASSIGN_OR_RETURN(auto obj, ParseJwk(json));
  return FromJwk(obj);
}

KeyType PrivateKey::type() const {
  return impl_->type;
}
int PrivateKey::bits() const {
  return EVP_PKEY_get_bits(impl_->pkey.get());
}

PublicKey PrivateKey::public_key() const {
  // Round trip through SPKI so the public handle holds no private material.
  const auto der = internal::EncodeDer(i2d_PUBKEY, impl_->pkey.get());
  const unsigned char* p = der.data();
  Pkey pub(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));  // NOLINT
  auto k = internal::KeyAccess::MakePublic(std::move(pub));
  return *std::move(k);
}

std::string PrivateKey::ToPem() const {
  internal::Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), impl_->pkey.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return internal::BioString(bio.get());
}

std::vector<std::uint8_t> PrivateKey::ToDer() const {
  internal::Owned<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free> p8(
      EVP_PKEY2PKCS8(impl_->pkey.get()));
  unsigned char* out = nullptr;
  const int n = p8 ? i2d_PKCS8_PRIV_KEY_INFO(p8.get(), &out) : 0;
  if (n <= 0) return {};
  std::vector<std::uint8_t> der(out, out + n);
  OPENSSL_clear_free(out, static_cast<std::size_t>(n));
  return der;
}

boost::json::object PrivateKey::ToJwk() const {
  return internal::JwkFromPkey(*impl_, true);
}

Result<std::vector<std::uint8_t>> PrivateKey::Sign(SignatureAlgorithm alg,
                                                   std::span<const std::uint8_t> message,
                                                   std::string_view sm2_user_id) const {
  DT_TRY(CheckUsable(*impl_, alg));
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) return Internal("EVP_MD_CTX_new");
  DT_TRY(PrepareContext(ctx.get(), *impl_, alg, true, sm2_user_id));
  std::size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1) {
    return Internal(OpenSslError("signature size"));
  }
  std::vector<std::uint8_t> sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1) {
    return Internal(OpenSslError("sign"));
  }
  sig.resize(len);
  if (impl_->order) return LowS(std::move(sig), impl_->order.get());
  return sig;
}

}  // namespace digitrade::crypto
