#include "crypto/jws.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/json.h"
#include "crypto/base64.h"
#include "crypto/ecdsa_encoding.h"
#include "crypto/test_util.h"

namespace digitrade::crypto {
namespace {

using testing::AsBytes;

constexpr auto& kJwsAlgorithms = testing::kAllAlgorithms;

const PrivateKey& KeyFor(SignatureAlgorithm alg) {
  return testing::TestKeyFor(alg);
}

JwsSigner SignerFor(SignatureAlgorithm alg) {
  return {.key = &KeyFor(alg), .alg = alg};
}

void ExpectError(const Result<JwsVerified>& r, ErrorCode code, std::string_view text) {
  ASSERT_FALSE(r) << "verified unexpectedly";
  EXPECT_EQ(r.error().code(), code) << r.error().ToString();
  EXPECT_NE(r.error().message().find(text), std::string::npos) << r.error().ToString();
}

const std::string kPayload = R"({"ebl":"DTRD-1","action":"transfer"})";

TEST(Jws, EveryAlgorithmEveryForm) {
  const JwsOptions forms[] = {{},
                              {.detached = true},
                              {.detached = true, .b64 = false},
                              {.b64 = false},
                              {.flattened = false}};
  for (auto alg : kJwsAlgorithms) {
    const auto pub = KeyFor(alg).public_key();
    for (const auto& form : forms) {
      SCOPED_TRACE(::testing::Message() << JwsAlgorithmName(alg) << " detached=" << form.detached
                                        << " b64=" << form.b64);
      const JwsSigner signer = SignerFor(alg);
      auto compact = SignJwsCompact(AsBytes(kPayload), signer, form);
      auto json = SignJwsJson(AsBytes(kPayload), std::span(&signer, 1), form);
      for (const auto* jws : {&compact, &json}) {
        ASSERT_TRUE(*jws) << jws->error().ToString();
        JwsVerifyOptions opts;
        if (form.detached) opts.detached_payload = AsBytes(kPayload);
        auto v = VerifyJws(**jws, pub, opts);
        ASSERT_TRUE(v) << v.error().ToString() << "\n" << **jws;
        EXPECT_EQ(testing::AsString(v->payload), kPayload);
        EXPECT_EQ(v->alg, alg);
        if (form.detached) {
          const std::string other = kPayload + " ";
          opts.detached_payload = AsBytes(other);
          ExpectError(VerifyJws(**jws, pub, opts), ErrorCode::kUnauthenticated, "does not verify");
        }
      }
    }
  }
}

TEST(Jws, UnencodedCompactPayloadMustNotContainDots) {
  auto bad =
      SignJwsCompact(AsBytes("a.b"), SignerFor(SignatureAlgorithm::kEd25519), {.b64 = false});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("'.'"), std::string::npos);
  auto ok = SignJwsCompact(AsBytes("$.02"), SignerFor(SignatureAlgorithm::kEd25519),
                           {.detached = true, .b64 = false});
  ASSERT_TRUE(ok);
  const auto parsed = ParseJws(*ok).value();
  EXPECT_FALSE(parsed.b64);
  EXPECT_EQ(parsed.signatures[0].protected_header.at("crit").as_array().size(), 1u);
}

// RFC 7515 A.3 and RFC 8037 A.4 as whole JWS objects.
TEST(Jws, PublishedExamplesVerify) {
  const auto es =
      PublicKey::FromJwkJson(
          R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)"
          R"("y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"})")
          .value();
  auto v = VerifyJws(
      "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxl"
      "LmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSA"
      "pmWQxfKTUJqPP3-Kg6NU1Q",
      es);
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(testing::AsString(v->payload),
            "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}");
  const auto ed =
      PublicKey::FromJwkJson(
          R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})")
          .value();
  auto v2 = VerifyJws(
      "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvM"
      "g3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg",
      ed);
  ASSERT_TRUE(v2) << v2.error().ToString();
  EXPECT_EQ(testing::AsString(v2->payload), "Example of Ed25519 signing");
}

std::string B64(std::string_view s) {
  return Base64UrlEncode(s);
}

// A compact JWS whose protected header is `header` and whose signature is
// a real one by `alg`'s key over that header: for header-rule tests.
std::string Forge(std::string_view header, SignatureAlgorithm alg = SignatureAlgorithm::kEd25519) {
  const std::string input = B64(header) + "." + B64(kPayload);
  auto sig = KeyFor(alg).Sign(alg, input).value();
  if (KeyTypeFor(alg) == KeyType::kEcP256) sig = EcdsaDerToRaw(sig, 32).value();
  return input + "." + Base64UrlEncode(sig);
}

TEST(Jws, RefusesNoneAndMacs) {
  const auto pub = KeyFor(SignatureAlgorithm::kEd25519).public_key();
  ExpectError(VerifyJws(B64(R"({"alg":"none"})") + "." + B64(kPayload) + ".", pub),
              ErrorCode::kFailedPrecondition, "\"none\"");
  // HS256 keyed with the public key's bytes: the classic key-confusion forgery.
  const std::string input = B64(R"({"alg":"HS256"})") + "." + B64(kPayload);
  ExpectError(VerifyJws(input + "." + B64("mac over input with the PEM as key"), pub),
              ErrorCode::kFailedPrecondition, "public key is not a shared secret");
  ExpectError(VerifyJws(Forge(R"({"alg":"FOO1"})"), pub), ErrorCode::kInvalidArgument,
              "not supported");
}

TEST(Jws, RefusesKeyAlgorithmMismatchAndWrongCurve) {
  const auto jws = Forge(R"({"alg":"ES256"})", SignatureAlgorithm::kEcdsaP256Sha256);
  ExpectError(VerifyJws(jws, KeyFor(SignatureAlgorithm::kEd25519).public_key()),
              ErrorCode::kInvalidArgument, "does not fit");
  // ES256 named, P-384 key given.
  ExpectError(VerifyJws(jws, KeyFor(SignatureAlgorithm::kEcdsaP384Sha384).public_key()),
              ErrorCode::kInvalidArgument, "does not fit a ec-p384 key");
  // SM2 and ECDSA P-256 share a field size but not a curve.
  ExpectError(VerifyJws(jws, KeyFor(SignatureAlgorithm::kSm2Sm3).public_key()),
              ErrorCode::kInvalidArgument, "does not fit a sm2 key");
  // RS256 with an EC key.
  ExpectError(VerifyJws(Forge(R"({"alg":"RS256"})", SignatureAlgorithm::kRsaPkcs1Sha256),
                        KeyFor(SignatureAlgorithm::kEcdsaP256Sha256).public_key()),
              ErrorCode::kInvalidArgument, "does not fit");
}

TEST(Jws, RefusesAlgorithmsOutsideTheAllowList) {
  const auto jws = Forge(R"({"alg":"EdDSA"})");
  ExpectError(VerifyJws(jws, KeyFor(SignatureAlgorithm::kEd25519).public_key(),
                        {.allowed = {SignatureAlgorithm::kSm2Sm3}}),
              ErrorCode::kFailedPrecondition, "not allowed");
}

TEST(Jws, RefusesRsaBelow2048Bits) {
  // A genuine RS256 signature made by the openssl CLI with a 1024-bit key.
  testing::TempDir dir;
  const std::string input = B64(R"({"alg":"RS256"})") + "." + B64(kPayload);
  testing::WriteFile(dir.File("key.pem"), testing::ReadTestData("rsa1024.pem"));
  testing::WriteFile(dir.File("in"), input);
  auto r = testing::RunCommand("openssl dgst -sha256 -sign " + dir.File("key.pem") + " -out " +
                               dir.File("sig") + " " + dir.File("in"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto jws = input + "." + Base64UrlEncode(testing::ReadFile(dir.File("sig")));
  const auto key = PrivateKey::FromPem(testing::ReadTestData("rsa1024.pem")).value().public_key();
  ExpectError(VerifyJws(jws, key), ErrorCode::kFailedPrecondition, "below the minimum of 2048");
}

TEST(Jws, RefusesTamperedAndTruncated) {
  const auto alg = SignatureAlgorithm::kEcdsaP256Sha256;
  const auto pub = KeyFor(alg).public_key();
  const auto jws = SignJwsCompact(AsBytes(kPayload), SignerFor(alg)).value();
  ASSERT_TRUE(VerifyJws(jws, pub));
  const auto dot1 = jws.find('.');
  const auto dot2 = jws.rfind('.');
  // Every single-character change in the payload or signature part.
  for (std::size_t i = dot1 + 1; i < jws.size(); i += 7) {
    if (i == dot2) continue;
    std::string t = jws;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    auto r = VerifyJws(t, pub);
    ASSERT_FALSE(r) << "position " << i;
  }
  // A different protected header (kid added) breaks the signature.
  const auto forged = B64(R"({"alg":"ES256","kid":"x"})") + jws.substr(dot1);
  ExpectError(VerifyJws(forged, pub), ErrorCode::kUnauthenticated, "does not verify");
  // 85 base64url characters cannot be a whole number of bytes.
  ExpectError(VerifyJws(jws.substr(0, jws.size() - 1), pub), ErrorCode::kInvalidArgument,
              "JWS signature: ");
  auto sig = Base64UrlDecode(jws.substr(dot2 + 1)).value();
  sig.pop_back();
  ExpectError(VerifyJws(jws.substr(0, dot2 + 1) + Base64UrlEncode(sig), pub),
              ErrorCode::kUnauthenticated, "must be 64 bytes");
  ExpectError(VerifyJws(jws.substr(0, dot2), pub), ErrorCode::kInvalidArgument, "three parts");
  ExpectError(VerifyJws(jws + ".x", pub), ErrorCode::kInvalidArgument, "three parts");
  ExpectError(VerifyJws("", pub), ErrorCode::kInvalidArgument, "three parts");
}

TEST(Jws, EnforcesHeaderRules) {
  const auto pub = KeyFor(SignatureAlgorithm::kEd25519).public_key();
  ExpectError(VerifyJws(Forge(R"({"alg":"EdDSA","crit":["exp"],"exp":1})"), pub),
              ErrorCode::kInvalidArgument, "not understood");
  ExpectError(VerifyJws(Forge(R"({"alg":"EdDSA","crit":["b64"]})"), pub),
              ErrorCode::kInvalidArgument, "absent");
  ExpectError(VerifyJws(Forge(R"({"alg":"EdDSA","b64":false})"), pub), ErrorCode::kInvalidArgument,
              "must be listed in \"crit\"");
  ExpectError(VerifyJws(Forge(R"({"alg":"EdDSA","crit":[]})"), pub), ErrorCode::kInvalidArgument,
              "non-empty array");
  ExpectError(VerifyJws(Forge(R"({"alg":"EdDSA","alg":"none"})"), pub), ErrorCode::kInvalidArgument,
              "duplicate member name");
  ExpectError(VerifyJws(Forge(R"(["alg","EdDSA"])"), pub), ErrorCode::kInvalidArgument,
              "not a JSON object");
  ExpectError(VerifyJws(Forge(R"({"typ":"JWT"})"), pub), ErrorCode::kInvalidArgument, "no \"alg\"");
  ExpectError(VerifyJws("!!!." + B64(kPayload) + ".AAAA", pub), ErrorCode::kInvalidArgument,
              "protected header");
  // JSON serialisation: alg only in the unprotected header; a member both
  // protected and unprotected; crit unprotected.
  const auto compact = Forge(R"({"kid":"k"})");
  const auto parts = compact.substr(compact.rfind('.') + 1);
  const auto prot = compact.substr(0, compact.find('.'));
  auto flat = [&](std::string_view header) {
    return fmt::format(R"({{"payload":"{}","protected":"{}","header":{},"signature":"{}"}})",
                       B64(kPayload), prot, header, parts);
  };
  ExpectError(VerifyJws(flat(R"({"alg":"EdDSA"})"), pub), ErrorCode::kInvalidArgument,
              "must be in the protected header");
  ExpectError(VerifyJws(flat(R"({"kid":"k"})"), pub), ErrorCode::kInvalidArgument,
              "both protected and unprotected");
  ExpectError(VerifyJws(flat(R"({"crit":["b64"]})"), pub), ErrorCode::kInvalidArgument,
              "integrity protected");
  ExpectError(VerifyJws(R"({"payload":"x","signatures":[]})", pub), ErrorCode::kInvalidArgument,
              "non-empty array");
  ExpectError(VerifyJws(R"({"payload":"x","signatures":[1]})", pub), ErrorCode::kInvalidArgument,
              "not an object");
  ExpectError(VerifyJws("{\"payload\":", pub), ErrorCode::kInvalidArgument, "JSON");
}

TEST(Jws, SignerRefusesReservedHeaderMembers) {
  JwsSigner s = SignerFor(SignatureAlgorithm::kEd25519);
  s.protected_header["alg"] = "none";
  EXPECT_FALSE(SignJwsCompact(AsBytes("x"), s));
  s.protected_header = {{"kid", "a"}};
  s.header = {{"kid", "b"}};
  EXPECT_FALSE(SignJwsJson(AsBytes("x"), std::span(&s, 1)));
  EXPECT_FALSE(SignJwsCompact(AsBytes("x"), s));
}

TEST(Jws, GeneralSerialisationWithTwoSigners) {
  const JwsSigner signers[] = {SignerFor(SignatureAlgorithm::kSm2Sm3),
                               SignerFor(SignatureAlgorithm::kEcdsaP384Sha384)};
  const auto jws = SignJwsJson(AsBytes(kPayload), signers).value();
  auto sm2 = VerifyJws(jws, KeyFor(SignatureAlgorithm::kSm2Sm3).public_key());
  ASSERT_TRUE(sm2) << sm2.error().ToString();
  EXPECT_EQ(sm2->signature_index, 0u);
  auto ec = VerifyJws(jws, KeyFor(SignatureAlgorithm::kEcdsaP384Sha384).public_key());
  ASSERT_TRUE(ec) << ec.error().ToString();
  EXPECT_EQ(ec->signature_index, 1u);
  EXPECT_FALSE(VerifyJws(jws, KeyFor(SignatureAlgorithm::kEd25519).public_key()));
}

}  // namespace
}  // namespace digitrade::crypto
