// JWK (RFC 7517) import and export for the key facade. EC members are
// fixed-size (RFC 7518 §6.2.1.2), RSA members minimal big-endian
// (§6.3), OKP per RFC 8037. SM2 uses kty "EC" with crv "SM2", the form
// other SM2-capable JOSE libraries use.
#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "common/json.h"
#include "crypto/base64.h"
#include "crypto/internal/key_impl.h"
#include "crypto/internal/openssl.h"

namespace digitrade::crypto::internal {

namespace {

using Bytes = std::vector<std::uint8_t>;
using ParamBld = Owned<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;

// RSA moduli above this are refused before any arithmetic (DoS bound).
constexpr std::size_t kMaxRsaBytes = 16384 / 8;

Result<Bytes> Member(const boost::json::object& jwk, std::string_view name) {
  DT_ASSIGN_OR_RETURN(auto text, json::RequiredString(jwk, name));
  auto bytes = Base64UrlDecode(text);
  if (!bytes) return InvalidArgument(fmt::format("JWK /{}: {}", name, bytes.error().message()));
  return *std::move(bytes);
}

Result<Bytes> FixedMember(const boost::json::object& jwk, std::string_view name, std::size_t size) {
  DT_ASSIGN_OR_RETURN(auto bytes, Member(jwk, name));
  if (bytes.size() != size) {
    return InvalidArgument(
        fmt::format("JWK /{}: expected {} bytes, found {}", name, size, bytes.size()));
  }
  return bytes;
}

Result<Bn> BnMember(const boost::json::object& jwk, std::string_view name) {
  DT_ASSIGN_OR_RETURN(auto bytes, Member(jwk, name));
  if (bytes.empty() || bytes.size() > kMaxRsaBytes) {
    return InvalidArgument(fmt::format("JWK /{}: bad length {}", name, bytes.size()));
  }
  return Bn(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
}

std::string B64(const Bytes& b) {
  return Base64UrlEncode(b);
}

Result<Pkey> FromData(const char* type, OSSL_PARAM_BLD* bld, bool want_private) {
  Owned<OSSL_PARAM, OSSL_PARAM_free> params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* out = nullptr;
  const int selection = want_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &out, selection, params.get()) != 1) {
    return InvalidArgument(OpenSslError("JWK does not describe a valid key"));
  }
  Pkey pkey(out);
  // Reject points off the curve and private keys that do not match the
  // public members: the JWK is outside input.
  PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  const int ok =
      want_private ? EVP_PKEY_pairwise_check(check.get()) : EVP_PKEY_public_check(check.get());
  if (ok != 1) return InvalidArgument(OpenSslError("JWK key fails validation"));
  return pkey;
}

Result<Pkey> OkpFromJwk(const boost::json::object& jwk, bool want_private) {
  DT_ASSIGN_OR_RETURN(auto crv, json::RequiredString(jwk, "crv"));
  if (crv != "Ed25519")
    return InvalidArgument(fmt::format("JWK /crv: unsupported OKP curve {}", crv));
  DT_ASSIGN_OR_RETURN(auto x, FixedMember(jwk, "x", 32));
  if (!want_private) {
    Pkey pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, x.data(), x.size()));
    if (!pkey) return InvalidArgument(OpenSslError("JWK /x"));
    return pkey;
  }
  DT_ASSIGN_OR_RETURN(auto d, FixedMember(jwk, "d", 32));
  Pkey pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, d.data(), d.size()));
  OPENSSL_cleanse(d.data(), d.size());
  if (!pkey) return InvalidArgument(OpenSslError("JWK /d"));
  Bytes derived(32);
  std::size_t len = derived.size();
  EVP_PKEY_get_raw_public_key(pkey.get(), derived.data(), &len);
  if (derived != x) return InvalidArgument("JWK /x does not match /d");
  return pkey;
}

Result<Pkey> EcFromJwk(const boost::json::object& jwk, bool want_private) {
  DT_ASSIGN_OR_RETURN(auto crv, json::RequiredString(jwk, "crv"));
  KeyType type;
  if (crv == "P-256") {
    type = KeyType::kEcP256;
  } else if (crv == "P-384") {
    type = KeyType::kEcP384;
  } else if (crv == "P-521") {
    type = KeyType::kEcP521;
  } else if (crv == "SM2") {
    type = KeyType::kSm2;
  } else {
    return InvalidArgument(fmt::format("JWK /crv: unsupported curve {}", crv));
  }
  const std::size_t n = FieldBytes(type);
  DT_ASSIGN_OR_RETURN(auto x, FixedMember(jwk, "x", n));
  DT_ASSIGN_OR_RETURN(auto y, FixedMember(jwk, "y", n));
  Bytes point{0x04};
  point.insert(point.end(), x.begin(), x.end());
  point.insert(point.end(), y.begin(), y.end());
  ParamBld bld(OSSL_PARAM_BLD_new());
  OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, GroupName(type), 0);
  OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  Bn d;
  if (want_private) {
    DT_ASSIGN_OR_RETURN(auto d_bytes, FixedMember(jwk, "d", n));
    d.reset(BN_secure_new());
    BN_bin2bn(d_bytes.data(), static_cast<int>(d_bytes.size()), d.get());
    OPENSSL_cleanse(d_bytes.data(), d_bytes.size());
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get());
  }
  return FromData(type == KeyType::kSm2 ? "SM2" : "EC", bld.get(), want_private);
}

Result<Pkey> RsaFromJwk(const boost::json::object& jwk, bool want_private) {
  ParamBld bld(OSSL_PARAM_BLD_new());
  std::vector<Bn> keep;
  auto push = [&](std::string_view member, const char* param) -> Status {
    DT_ASSIGN_OR_RETURN(auto bn, BnMember(jwk, member));
    OSSL_PARAM_BLD_push_BN(bld.get(), param, bn.get());
    keep.push_back(std::move(bn));
    return {};
  };
  DT_TRY(push("n", OSSL_PKEY_PARAM_RSA_N));
  DT_TRY(push("e", OSSL_PKEY_PARAM_RSA_E));
  if (want_private) {
    // RFC 7518 §6.3.2 lets a producer omit the CRT members; we need them
    // for a usable OpenSSL key and refuse keys without.
    DT_TRY(push("d", OSSL_PKEY_PARAM_RSA_D));
    DT_TRY(push("p", OSSL_PKEY_PARAM_RSA_FACTOR1));
    DT_TRY(push("q", OSSL_PKEY_PARAM_RSA_FACTOR2));
    DT_TRY(push("dp", OSSL_PKEY_PARAM_RSA_EXPONENT1));
    DT_TRY(push("dq", OSSL_PKEY_PARAM_RSA_EXPONENT2));
    DT_TRY(push("qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1));
  }
  return FromData("RSA", bld.get(), want_private);
}

Bytes BnBytes(const EVP_PKEY* pkey, const char* param, std::size_t pad) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, param, &bn) != 1) return {};
  Bn owned(bn);
  Bytes out(pad != 0 ? pad : static_cast<std::size_t>(BN_num_bytes(bn)));
  BN_bn2binpad(bn, out.data(), static_cast<int>(out.size()));
  return out;
}

Bytes RawKey(const EVP_PKEY* pkey, bool priv) {
  Bytes out(32);
  std::size_t len = out.size();
  const int rc = priv ? EVP_PKEY_get_raw_private_key(pkey, out.data(), &len)
                      : EVP_PKEY_get_raw_public_key(pkey, out.data(), &len);
  if (rc != 1) return {};
  out.resize(len);
  return out;
}

}  // namespace

Result<Pkey> PkeyFromJwk(const boost::json::object& jwk, bool want_private) {
  DT_ASSIGN_OR_RETURN(auto kty, json::RequiredString(jwk, "kty"));
  Result<Pkey> r = InvalidArgument("");
  if (kty == "OKP") {
    r = OkpFromJwk(jwk, want_private);
  } else if (kty == "EC") {
    r = EcFromJwk(jwk, want_private);
  } else if (kty == "RSA") {
    r = RsaFromJwk(jwk, want_private);
  } else {
    return InvalidArgument(fmt::format("JWK /kty: unsupported key type \"{}\"", kty));
  }
  ERR_clear_error();
  return r;
}

boost::json::object JwkFromPkey(const KeyImpl& key, bool include_private) {
  const EVP_PKEY* p = key.pkey.get();
  boost::json::object o;
  switch (key.type) {
    case KeyType::kEd25519:
      o["crv"] = "Ed25519";
      if (include_private) o["d"] = B64(RawKey(p, true));
      o["kty"] = "OKP";
      o["x"] = B64(RawKey(p, false));
      break;
    case KeyType::kEcP256:
    case KeyType::kEcP384:
    case KeyType::kEcP521:
    case KeyType::kSm2: {
      const std::size_t n = FieldBytes(key.type);
      o["crv"] = GroupName(key.type);
      if (include_private) o["d"] = B64(BnBytes(p, OSSL_PKEY_PARAM_PRIV_KEY, n));
      o["kty"] = "EC";
      o["x"] = B64(BnBytes(p, OSSL_PKEY_PARAM_EC_PUB_X, n));
      o["y"] = B64(BnBytes(p, OSSL_PKEY_PARAM_EC_PUB_Y, n));
      break;
    }
    case KeyType::kRsa:
      o["e"] = B64(BnBytes(p, OSSL_PKEY_PARAM_RSA_E, 0));
      o["kty"] = "RSA";
      o["n"] = B64(BnBytes(p, OSSL_PKEY_PARAM_RSA_N, 0));
      if (include_private) {
        o["d"] = B64(BnBytes(p, OSSL_PKEY_PARAM_RSA_D, 0));
        o["p"] = B64(BnBytes(p, OSSL_PKEY_PARAM_RSA_FACTOR1, 0));
        o["q"] = B64(BnBytes(p, OSSL_PKEY_PARAM_RSA_FACTOR2, 0));
        o["dp"] = B64(BnBytes(p, OSSL_PKEY_PARAM_RSA_EXPONENT1, 0));
        o["dq"] = B64(BnBytes(p, OSSL_PKEY_PARAM_RSA_EXPONENT2, 0));
        o["qi"] = B64(BnBytes(p, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, 0));
      }
      break;
  }
  ERR_clear_error();
  return o;
}

}  // namespace digitrade::crypto::internal
