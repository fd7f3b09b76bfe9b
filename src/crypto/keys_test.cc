#include "crypto/keys.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/json.h"
#include "crypto/base64.h"
#include "crypto/ecdsa_encoding.h"
#include "crypto/test_util.h"

namespace digitrade::crypto {
namespace {

using testing::AsBytes;

using testing::kAllAlgorithms;
constexpr auto& kAllTypes = testing::kAllKeyTypes;

const PrivateKey& KeyOf(KeyType type) {
  return testing::TestKey(type);
}

TEST(Keys, SignVerifyEveryAlgorithm) {
  const std::string msg = "bill of lading 42";
  for (auto alg : kAllAlgorithms) {
    SCOPED_TRACE(SignatureAlgorithmName(alg));
    const auto& key = KeyOf(KeyTypeFor(alg));
    auto sig = key.Sign(alg, msg);
    ASSERT_TRUE(sig) << sig.error().ToString();
    const auto pub = key.public_key();
    EXPECT_TRUE(pub.Verify(alg, AsBytes(msg), *sig));
    auto tampered = *sig;
    tampered[tampered.size() / 2] ^= 0x01;
    auto r = pub.Verify(alg, AsBytes(msg), tampered);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
    r = pub.Verify(alg, AsBytes("bill of lading 43"), *sig);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
    r = pub.Verify(alg, AsBytes(msg), std::span(*sig).first(sig->size() - 1));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
  }
}

TEST(Keys, KeyAlgorithmMismatchIsRejected) {
  for (auto alg : kAllAlgorithms) {
    for (auto type : kAllTypes) {
      if (KeyTypeFor(alg) == type) continue;
      SCOPED_TRACE(std::string(SignatureAlgorithmName(alg)) + " with " +
                   std::string(KeyTypeName(type)));
      auto s = KeyOf(type).Sign(alg, "x");
      ASSERT_FALSE(s);
      EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
      auto v = KeyOf(type).public_key().Verify(alg, AsBytes("x"), std::vector<std::uint8_t>(64));
      ASSERT_FALSE(v);
      EXPECT_EQ(v.error().code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST(Keys, Sm2UserIdIsPartOfTheSignature) {
  const auto& key = KeyOf(KeyType::kSm2);
  auto sig = key.Sign(SignatureAlgorithm::kSm2Sm3, AsBytes("m"), "ALICE123@YAHOO.COM").value();
  EXPECT_TRUE(key.public_key().Verify(SignatureAlgorithm::kSm2Sm3, AsBytes("m"), sig,
                                      "ALICE123@YAHOO.COM"));
  auto r = key.public_key().Verify(SignatureAlgorithm::kSm2Sm3, AsBytes("m"), sig);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
  // The signature is DER (GB/T 35276): it converts to a 64-byte r||s.
  EXPECT_EQ(EcdsaDerToRaw(sig, 32).value().size(), 64u);
}

TEST(Keys, RsaBelow2048IsRefused) {
  auto key = PrivateKey::FromPem(testing::ReadTestData("rsa1024.pem"));
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(key->bits(), 1024);
  auto s = key->Sign(SignatureAlgorithm::kRsaPssSha256, "x");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kFailedPrecondition);
  auto v = key->public_key().Verify(SignatureAlgorithm::kRsaPkcs1Sha256, AsBytes("x"),
                                    std::vector<std::uint8_t>(128));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code(), ErrorCode::kFailedPrecondition);
  auto g = PrivateKey::Generate(KeyType::kRsa, 1024);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().code(), ErrorCode::kInvalidArgument);
}

TEST(Keys, UnsupportedCurveIsRefused) {
  auto key = PrivateKey::FromPem(testing::ReadTestData("secp256k1.pem"));
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(key.error().message().find("secp256k1"), std::string::npos) << key.error().message();
  auto jwk = PublicKey::FromJwkJson(R"({"kty":"EC","crv":"secp256k1","x":"AA","y":"AA"})");
  ASSERT_FALSE(jwk);
  EXPECT_NE(jwk.error().message().find("/crv"), std::string::npos);
}

TEST(Keys, PemDerJwkRoundTrip) {
  for (auto type : kAllTypes) {
    SCOPED_TRACE(KeyTypeName(type));
    const auto& key = KeyOf(type);
    const auto pub = key.public_key();
    auto from_pem = PublicKey::FromPem(pub.ToPem());
    ASSERT_TRUE(from_pem) << from_pem.error().ToString();
    EXPECT_EQ(from_pem->type(), type);
    EXPECT_TRUE(*from_pem == pub);
    auto from_der = PublicKey::FromDer(pub.ToDer());
    ASSERT_TRUE(from_der);
    EXPECT_TRUE(*from_der == pub);
    auto from_jwk = PublicKey::FromJwk(pub.ToJwk());
    ASSERT_TRUE(from_jwk) << from_jwk.error().ToString();
    EXPECT_TRUE(*from_jwk == pub);
    EXPECT_EQ(from_jwk->Thumbprint(), pub.Thumbprint());

    for (auto loaded : {PrivateKey::FromPem(key.ToPem()), PrivateKey::FromDer(key.ToDer()),
                        PrivateKey::FromJwk(key.ToJwk())}) {
      ASSERT_TRUE(loaded) << loaded.error().ToString();
      EXPECT_EQ(loaded->type(), type);
      EXPECT_TRUE(loaded->public_key() == pub);
      const auto alg = DefaultAlgorithm(type);
      auto sig = loaded->Sign(alg, "round trip").value();
      EXPECT_TRUE(pub.Verify(alg, AsBytes("round trip"), sig));
    }
    EXPECT_FALSE(pub.ToJwk().contains("d"));
    EXPECT_TRUE(key.ToJwk().contains("d"));
  }
}

TEST(Keys, PublicKeyOfAnotherKeyDiffers) {
  auto other = PrivateKey::Generate(KeyType::kEcP256).value();
  EXPECT_FALSE(other.public_key() == KeyOf(KeyType::kEcP256).public_key());
}

// RFC 8037 Appendix A.1-A.4: the Ed25519 JWK, its RFC 7638 thumbprint and
// the signature over the example JWS signing input.
TEST(Keys, Rfc8037Vectors) {
  const auto key = PrivateKey::FromJwkJson(
      R"({"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",)"
      R"("x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})");
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(key->public_key().Thumbprint(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  const std::string input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
  auto sig = key->Sign(SignatureAlgorithm::kEd25519, input).value();
  EXPECT_EQ(
      Base64UrlEncode(sig),
      "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg");
}

// RFC 7515 Appendix A.3: a published ES256 signature (r||s) verifies; the
// same signature with one bit flipped does not.
TEST(Keys, Rfc7515Es256VectorVerifies) {
  const auto key = PublicKey::FromJwkJson(
      R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)"
      R"("y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"})");
  ASSERT_TRUE(key) << key.error().ToString();
  const std::string input =
      "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxl"
      "LmNvbS9pc19yb290Ijp0cnVlfQ";
  auto raw = Base64UrlDecode(
                 "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-"
                 "Kg6NU1Q")
                 .value();
  auto der = EcdsaRawToDer(raw, 32).value();
  EXPECT_TRUE(key->Verify(SignatureAlgorithm::kEcdsaP256Sha256, AsBytes(input), der));
  raw[63] ^= 1;
  EXPECT_FALSE(key->Verify(SignatureAlgorithm::kEcdsaP256Sha256, AsBytes(input),
                           EcdsaRawToDer(raw, 32).value()));
}

// GB/T 32918.5-2017 (GM/T 0003.5-2012) Annex A: the signature example on
// the recommended SM2 curve with user ID 1234567812345678. The key pair
// imports and agrees with itself, and the published (r, s) over "message
// digest" verifies; with another message or user ID it does not.
TEST(Keys, Sm2GbT32918Vector) {
  auto b64 = [](std::string_view hex) { return Base64UrlEncode(FromHex(hex).value()); };
  boost::json::object jwk{
      {"kty", "EC"},
      {"crv", "SM2"},
      {"d", b64("3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8")},
      {"x", b64("09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020")},
      {"y", b64("ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13")}};
  auto key = PrivateKey::FromJwk(jwk);
  ASSERT_TRUE(key) << key.error().ToString();
  const auto pub = key->public_key();
  const auto raw = FromHex(
                       "f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3"
                       "b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa")
                       .value();
  const auto der = EcdsaRawToDer(raw, 32).value();
  EXPECT_TRUE(pub.Verify(SignatureAlgorithm::kSm2Sm3, AsBytes("message digest"), der));
  EXPECT_FALSE(pub.Verify(SignatureAlgorithm::kSm2Sm3, AsBytes("message digesT"), der));
  EXPECT_FALSE(pub.Verify(SignatureAlgorithm::kSm2Sm3, AsBytes("message digest"), der, "ALICE"));
  // The same key signs (randomised k) what the same key verifies.
  auto ours = key->Sign(SignatureAlgorithm::kSm2Sm3, "message digest").value();
  EXPECT_TRUE(pub.Verify(SignatureAlgorithm::kSm2Sm3, AsBytes("message digest"), ours));
}

// n - s as big-endian bytes, for building the high-S twin of a signature.
std::vector<std::uint8_t> Subtract(const std::vector<std::uint8_t>& n,
                                   std::span<const std::uint8_t> s) {
  std::vector<std::uint8_t> out(n.size());
  int borrow = 0;
  for (std::size_t i = n.size(); i-- > 0;) {
    int d = n[i] - s[i] - borrow;
    borrow = d < 0 ? 1 : 0;
    out[i] = static_cast<std::uint8_t>(d + (borrow ? 256 : 0));
  }
  return out;
}

TEST(Keys, EcdsaSignsLowSAndVerifiesHighS) {
  const auto n =
      FromHex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551").value();
  const auto half =
      FromHex("7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8").value();
  const auto& key = KeyOf(KeyType::kEcP256);
  for (int i = 0; i < 32; ++i) {
    auto sig = key.Sign(SignatureAlgorithm::kEcdsaP256Sha256, "low s").value();
    auto raw = EcdsaDerToRaw(sig, 32).value();
    std::vector<std::uint8_t> s(raw.begin() + 32, raw.end());
    ASSERT_LE(ToHex(s), ToHex(half)) << "signature " << i << " has a high S";
    // (r, n - s) is the malleated twin: valid, and accepted on verification.
    auto twin = raw;
    auto high = Subtract(n, s);
    std::copy(high.begin(), high.end(), twin.begin() + 32);
    EXPECT_GT(ToHex(high), ToHex(half));
    EXPECT_TRUE(key.public_key().Verify(SignatureAlgorithm::kEcdsaP256Sha256, AsBytes("low s"),
                                        EcdsaRawToDer(twin, 32).value()));
  }
}

TEST(Keys, GarbageInputIsRejected) {
  for (std::string_view bad : {"", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
                               "not a key", "\x30\x03\x02\x01\x01"}) {
    auto p = PublicKey::FromPem(bad);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_FALSE(PublicKey::FromDer(AsBytes(bad)));
    EXPECT_FALSE(PrivateKey::FromPem(bad));
    EXPECT_FALSE(PrivateKey::FromDer(AsBytes(bad)));
  }
  // A public PEM is not a private key, and a DER key with trailing bytes is
  // refused.
  EXPECT_FALSE(PrivateKey::FromPem(KeyOf(KeyType::kEcP256).public_key().ToPem()));
  auto der = KeyOf(KeyType::kEcP256).public_key().ToDer();
  der.push_back(0);
  EXPECT_FALSE(PublicKey::FromDer(der));
}

TEST(Keys, BadJwksAreRejected) {
  const auto pub = KeyOf(KeyType::kEcP256).public_key().ToJwk();
  auto off_curve = pub;
  auto y = Base64UrlDecode(std::string(off_curve["y"].as_string())).value();
  y[31] ^= 1;
  off_curve["y"] = Base64UrlEncode(y);
  EXPECT_FALSE(PublicKey::FromJwk(off_curve));
  auto short_x = pub;
  short_x["x"] = "AAAA";
  EXPECT_FALSE(PublicKey::FromJwk(short_x));
  auto no_kty = pub;
  no_kty.erase("kty");
  EXPECT_FALSE(PublicKey::FromJwk(no_kty));
  auto oct = pub;
  oct["kty"] = "oct";
  auto r = PublicKey::FromJwk(oct);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("/kty"), std::string::npos);
  // A private JWK whose d belongs to another key.
  auto mismatched = KeyOf(KeyType::kEcP256).ToJwk();
  mismatched["d"] = PrivateKey::Generate(KeyType::kEcP256).value().ToJwk()["d"];
  EXPECT_FALSE(PrivateKey::FromJwk(mismatched));
  auto ed = KeyOf(KeyType::kEd25519).ToJwk();
  ed["x"] = KeyOf(KeyType::kEd25519).ToJwk()["d"];
  EXPECT_FALSE(PrivateKey::FromJwk(ed));
  EXPECT_FALSE(PublicKey::FromJwkJson("{"));
}

// Keys share cached contexts between threads: many threads signing and
// verifying with the same handles must all get correct answers.
TEST(Keys, ConcurrentUseOfOneKey) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&failures, t] {
      for (int i = 0; i < 25; ++i) {
        for (auto alg : kAllAlgorithms) {
          const auto& key = KeyOf(KeyTypeFor(alg));
          const std::string msg = "message " + std::to_string(t * 100 + i);
          auto sig = key.Sign(alg, msg);
          if (!sig || !key.public_key().Verify(alg, AsBytes(msg), *sig) ||
              key.public_key().Verify(alg, AsBytes(msg + "!"), *sig)) {
            ++failures;
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(Keys, NamesRoundTrip) {
  for (auto alg : kAllAlgorithms) {
    EXPECT_EQ(ParseSignatureAlgorithm(SignatureAlgorithmName(alg)).value(), alg);
  }
  for (auto t : kAllTypes) EXPECT_EQ(ParseKeyType(KeyTypeName(t)).value(), t);
  EXPECT_FALSE(ParseSignatureAlgorithm("none"));
}

}  // namespace
}  // namespace digitrade::crypto
