#include "crypto/signature_validator.h"

#include <gtest/gtest.h>

#include "common/json.h"
#include "crypto/base64.h"
#include "crypto/ecdsa_encoding.h"
#include "crypto/jws.h"
#include "crypto/test_util.h"

namespace digitrade::crypto {
namespace {

using testing::AsBytes;
using testing::TestPki;

constexpr UnixTime kNow = TestPki::kNow;
constexpr UnixTime kDay = TestPki::kDay;
const std::string kPayload = R"({"declaration":"WCO-UCR-9","status":"lodged"})";

class JwsValidation : public ::testing::Test {
 protected:
  std::string Sign(const PrivateKey& key, SignatureAlgorithm alg, const Certificate& cert,
                   std::string_view sig_t = "2027-01-15T00:00:00Z") {
    JwsSigner signer{.key = &key, .alg = alg};
    signer.protected_header["x5c"] = boost::json::array{
        Base64Encode(cert.ToDer()), Base64Encode(pki_.issuing->certificate().ToDer())};
    if (!sig_t.empty()) signer.protected_header["sigT"] = sig_t;
    return SignJwsCompact(AsBytes(kPayload), signer).value();
  }

  ValidationReport Validate(std::string_view jws, std::vector<Crl> crls = {}) {
    SignatureValidator v(pki_.store);
    return v.ValidateJws(jws, {.validation_time = kNow, .crls = std::move(crls)});
  }

  void ExpectSub(const ValidationReport& r, Indication i, SubIndication s) {
    EXPECT_EQ(IndicationName(r.indication), IndicationName(i)) << json::Serialize(r.ToJson());
    EXPECT_EQ(SubIndicationName(r.sub_indication), SubIndicationName(s))
        << json::Serialize(r.ToJson());
  }

  TestPki pki_;
};

TEST_F(JwsValidation, PassesWithSignerAnchorAndList) {
  for (auto alg : {SignatureAlgorithm::kSm2Sm3, SignatureAlgorithm::kEcdsaP256Sha256,
                   SignatureAlgorithm::kRsaPssSha256, SignatureAlgorithm::kEd25519}) {
    SCOPED_TRACE(SignatureAlgorithmName(alg));
    const auto& key = testing::TestKeyFor(alg);
    auto r = Validate(Sign(key, alg, pki_.Issue(key)));
    ExpectSub(r, Indication::kTotalPassed, SubIndication::kNone);
    const auto j = r.ToJson();
    EXPECT_EQ(j.at("indication").as_string(), "TOTAL_PASSED");
    EXPECT_EQ(j.at("algorithm").as_string(), JwsAlgorithmName(alg));
    EXPECT_NE(std::string(j.at("signer").as_string()).find("CN=Shipper"), std::string::npos);
    EXPECT_EQ(j.at("signingTime").as_int64(), 1'799'971'200);  // 2027-01-15T00:00:00Z
    EXPECT_EQ(j.at("trustAnchor").at("trustList").as_string(), "digitrade-cn");
    EXPECT_EQ(j.at("trustAnchor").at("jurisdiction").as_string(), "CN");
    EXPECT_EQ(j.at("trustAnchor").at("subject").as_string(), pki_.root->certificate().Subject());
  }
}

TEST_F(JwsValidation, BadInputYieldsTheRightSubIndication) {
  const auto& key = testing::TestKey(KeyType::kEcP256);
  const auto cert = pki_.Issue(key);
  const auto good = Sign(key, SignatureAlgorithm::kEcdsaP256Sha256, cert);
  const auto dot1 = good.find('.');
  const auto dot2 = good.rfind('.');
  const std::string header = good.substr(0, dot1);

  // Forged payload, bit-flipped signature, truncated signature.
  ExpectSub(Validate(header + "." + Base64UrlEncode(kPayload + " ") + good.substr(dot2)),
            Indication::kTotalFailed, SubIndication::kSigCryptoFailure);
  auto sig = Base64UrlDecode(good.substr(dot2 + 1)).value();
  sig[5] ^= 0x10;
  ExpectSub(Validate(good.substr(0, dot2 + 1) + Base64UrlEncode(sig)), Indication::kTotalFailed,
            SubIndication::kSigCryptoFailure);
  sig.resize(40);
  ExpectSub(Validate(good.substr(0, dot2 + 1) + Base64UrlEncode(sig)), Indication::kTotalFailed,
            SubIndication::kSigCryptoFailure);
  // Garbage and a truncated object.
  for (std::string_view bad : {std::string_view("garbage"), std::string_view(good).substr(0, dot2),
                               std::string_view("{\"payload\":1}"), std::string_view("")}) {
    ExpectSub(Validate(bad), Indication::kTotalFailed, SubIndication::kFormatFailure);
  }
  // alg "none" and HS256 keyed with the certificate's public key.
  auto b64 = [](std::string_view s) { return Base64UrlEncode(s); };
  const std::string x5c = R"("x5c":[")" + Base64Encode(cert.ToDer()) + R"("])";
  ExpectSub(Validate(b64(R"({"alg":"none",)" + x5c + "}") + "." + b64(kPayload) + "."),
            Indication::kIndeterminate, SubIndication::kCryptoConstraintsFailure);
  ExpectSub(Validate(b64(R"({"alg":"HS256",)" + x5c + "}") + "." + b64(kPayload) + ".AAAA"),
            Indication::kIndeterminate, SubIndication::kCryptoConstraintsFailure);
  // Key/algorithm mismatch: ES384 claimed over a P-256 certificate.
  auto input = b64(R"({"alg":"ES384",)" + x5c + "}") + "." + b64(kPayload);
  auto es = EcdsaDerToRaw(key.Sign(SignatureAlgorithm::kEcdsaP256Sha256, input).value(), 32);
  ExpectSub(Validate(input + "." + Base64UrlEncode(*es)), Indication::kTotalFailed,
            SubIndication::kSigCryptoFailure);
  // No certificate at all.
  JwsSigner bare{.key = &key, .alg = SignatureAlgorithm::kEcdsaP256Sha256};
  ExpectSub(Validate(SignJwsCompact(AsBytes(kPayload), bare).value()), Indication::kIndeterminate,
            SubIndication::kNoSignerCertificateFound);
  // A garbage certificate in x5c.
  bare.protected_header["x5c"] = boost::json::array{"AAAA"};
  ExpectSub(Validate(SignJwsCompact(AsBytes(kPayload), bare).value()), Indication::kTotalFailed,
            SubIndication::kFormatFailure);
}

TEST_F(JwsValidation, CertificateProblems) {
  const auto& key = testing::TestKey(KeyType::kSm2);
  const auto alg = SignatureAlgorithm::kSm2Sm3;
  // Expired, with only a claimed signing time inside its validity.
  auto expired = pki_.Issue(key, Validity{kNow - 30 * kDay, kNow - kDay});
  ExpectSub(Validate(Sign(key, alg, expired, "2027-01-01T00:00:00Z")), Indication::kIndeterminate,
            SubIndication::kOutOfBoundsNoPoe);
  // Not yet valid.
  auto future = pki_.Issue(key, Validity{kNow + kDay, kNow + 30 * kDay});
  ExpectSub(Validate(Sign(key, alg, future, "")), Indication::kIndeterminate,
            SubIndication::kNotYetValid);
  // Revoked before the claimed signing time.
  auto cert = pki_.Issue(key);
  const RevokedEntry entry[] = {{cert.SerialHex(), kNow - kDay / 2}};
  auto crl = pki_.issuing->IssueCrl(entry, kNow - kDay, kNow + kDay).value();
  ExpectSub(Validate(Sign(key, alg, cert), {crl}), Indication::kTotalFailed,
            SubIndication::kRevoked);
  // Unknown trust anchor: a self-made CA nobody listed.
  OsRandom rnd;
  auto rogue =
      CertificateAuthority::CreateRoot(PrivateKey::Generate(KeyType::kSm2).value(),
                                       {.common_name = "Rogue CA"}, {kNow - kDay, kNow + kDay}, rnd)
          .value();
  auto rogue_leaf = rogue
                        .Issue(key.public_key(), {.common_name = "Shipper"},
                               {kNow - kDay, kNow + kDay}, CertificateProfile::kOrganization, rnd)
                        .value();
  JwsSigner s{.key = &key, .alg = alg};
  s.protected_header["x5c"] = boost::json::array{Base64Encode(rogue_leaf.ToDer())};
  ExpectSub(Validate(SignJwsCompact(AsBytes(kPayload), s).value()), Indication::kIndeterminate,
            SubIndication::kNoCertificateChainFound);
  // A malformed signing time.
  ExpectSub(Validate(Sign(key, alg, cert, "yesterday")), Indication::kTotalFailed,
            SubIndication::kFormatFailure);
}

// A signer certificate on a curve the platform does not accept (made by
// the openssl CLI, as our CA cannot make one): a constraint failure, never
// a pass.
TEST_F(JwsValidation, WrongCurveCertificateIsAConstraintFailure) {
  testing::TempDir dir;
  auto r = testing::RunCommand(
      "cd " + dir.path() +
      " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:secp256k1 -nodes -keyout k.pem"
      " -subj /CN=k1 -days 2 -outform DER -out c.der");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto der = testing::ReadFile(dir.File("c.der"));
  const std::string jws =
      Base64UrlEncode(R"({"alg":"ES256","x5c":[")" + Base64Encode(AsBytes(der)) + R"("]})") + "." +
      Base64UrlEncode(kPayload) + "." + Base64UrlEncode(std::string(64, 'x'));
  ExpectSub(Validate(jws), Indication::kIndeterminate, SubIndication::kCryptoConstraintsFailure);
}

TEST_F(JwsValidation, ValidateTellsFormatsApart) {
  const auto& key = testing::TestKey(KeyType::kEd25519);
  const auto jws = Sign(key, SignatureAlgorithm::kEd25519, pki_.Issue(key)) + "\n";
  SignatureValidator v(pki_.store);
  auto r = v.Validate(AsBytes(jws), {.validation_time = kNow});
  EXPECT_TRUE(r.passed()) << json::Serialize(r.ToJson());
  EXPECT_EQ(r.format, "JWS");
  auto cms = v.Validate(AsBytes("garbage"), {.validation_time = kNow});
  EXPECT_EQ(cms.format, "CMS");
  EXPECT_EQ(cms.sub_indication, SubIndication::kFormatFailure);
  auto xml = v.Validate(AsBytes("  <a/>"), {.validation_time = kNow});
  EXPECT_EQ(xml.format, "XMLDSig");
  EXPECT_EQ(xml.sub_indication, SubIndication::kFormatFailure);
}

TEST_F(JwsValidation, RsaBelow2048IsAConstraintFailure) {
  auto key = PrivateKey::FromPem(testing::ReadTestData("rsa1024.pem")).value();
  auto cert = pki_.Issue(key);
  const std::string input =
      Base64UrlEncode(R"({"alg":"RS256","x5c":[")" + Base64Encode(cert.ToDer()) + R"("]})") + "." +
      Base64UrlEncode(kPayload);
  testing::TempDir dir;
  testing::WriteFile(dir.File("key.pem"), testing::ReadTestData("rsa1024.pem"));
  testing::WriteFile(dir.File("in"), input);
  auto r = testing::RunCommand("openssl dgst -sha256 -sign " + dir.File("key.pem") + " " +
                               dir.File("in") + " > " + dir.File("sig"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ExpectSub(Validate(input + "." + Base64UrlEncode(testing::ReadFile(dir.File("sig")))),
            Indication::kIndeterminate, SubIndication::kCryptoConstraintsFailure);
}

}  // namespace
}  // namespace digitrade::crypto
