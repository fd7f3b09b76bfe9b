// CAdES-BES / CAdES-T: our signatures, bad input, and interoperability
// with `openssl cms` in both directions.
#include "crypto/cms.h"

#include <gtest/gtest.h>

#include <ctime>

#include "common/json.h"
#include "crypto/signature_validator.h"
#include "crypto/test_util.h"
#include "crypto/timestamp.h"

namespace digitrade::crypto {
namespace {

using testing::AsBytes;
using testing::TestPki;

constexpr UnixTime kNow = TestPki::kNow;
constexpr UnixTime kDay = TestPki::kDay;
const std::string kDocument = "<Invoice><ID>INV-2027-001</ID><Amount>100.00</Amount></Invoice>\n";

class Cms : public ::testing::Test {
 protected:
  std::vector<std::uint8_t> Sign(const PrivateKey& key, const Certificate& cert, bool pss = false) {
    auto sig = SignCmsDetached(
        AsBytes(kDocument), key, cert,
        {.chain = {pki_.issuing->certificate()}, .signing_time = kNow - 60, .rsa_pss = pss});
    EXPECT_TRUE(sig) << sig.error().ToString();
    return sig.value_or(std::vector<std::uint8_t>{});
  }

  ValidationReport Validate(std::span<const std::uint8_t> cms, std::string_view content,
                            UnixTime at = kNow) {
    SignatureValidator v(pki_.store);
    return v.ValidateCms(cms, {.validation_time = at, .detached_content = AsBytes(content)});
  }

  static void ExpectSub(const ValidationReport& r, SubIndication s) {
    EXPECT_EQ(SubIndicationName(r.sub_indication), SubIndicationName(s))
        << json::Serialize(r.ToJson());
    EXPECT_EQ(r.indication, s == SubIndication::kNone ? Indication::kTotalPassed : IndicationOf(s));
  }

  TestPki pki_;
};

TEST_F(Cms, CadesBesForEveryCmsKeyType) {
  for (auto type : {KeyType::kEcP256, KeyType::kEcP384, KeyType::kEcP521, KeyType::kRsa}) {
    for (bool pss : {false, true}) {
      if (pss && type != KeyType::kRsa) continue;
      SCOPED_TRACE(::testing::Message() << KeyTypeName(type) << (pss ? " pss" : ""));
      const auto& key = testing::TestKey(type);
      auto r = Validate(Sign(key, pki_.Issue(key), pss), kDocument);
      ExpectSub(r, SubIndication::kNone);
      EXPECT_EQ(r.format, "CAdES-BES");
      EXPECT_EQ(r.signing_time.value_or(0), kNow - 60);
      EXPECT_EQ(r.signing_time_source, "claimed");
      ASSERT_TRUE(r.trust_anchor);
      EXPECT_EQ(r.trust_anchor->jurisdiction, "CN");
      EXPECT_NE(r.signer.find("CN=Shipper"), std::string::npos);
    }
  }
}

TEST_F(Cms, RefusesSm2Ed25519AndMismatchedKeys) {
  for (auto type : {KeyType::kSm2, KeyType::kEd25519}) {
    const auto& key = testing::TestKey(type);
    auto r = SignCmsDetached(AsBytes(kDocument), key, pki_.Issue(key), {.signing_time = kNow});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message().find("not supported in CMS"), std::string::npos);
  }
  auto r2 = SignCmsDetached(AsBytes(kDocument), testing::TestKey(KeyType::kEcP256),
                            pki_.Issue(testing::TestKey(KeyType::kEcP384)), {.signing_time = kNow});
  ASSERT_FALSE(r2);
  EXPECT_NE(r2.error().message().find("does not match"), std::string::npos);
}

TEST_F(Cms, BadInput) {
  const auto& key = testing::TestKey(KeyType::kEcP256);
  const auto cms = Sign(key, pki_.Issue(key));
  ExpectSub(Validate(cms, kDocument + " "), SubIndication::kHashFailure);
  {
    SignatureValidator v(pki_.store);
    ExpectSub(v.ValidateCms(cms, {.validation_time = kNow}), SubIndication::kSignedDataNotFound);
  }
  // Flip a byte of the signature value (the last bytes of the SignerInfo).
  auto sig = CmsSignatureValue(cms).value();
  auto flipped = cms;
  auto pos = std::search(flipped.begin(), flipped.end(), sig.begin(), sig.end());
  ASSERT_NE(pos, flipped.end());
  *(pos + static_cast<std::ptrdiff_t>(sig.size()) - 3) ^= 0x01;
  ExpectSub(Validate(flipped, kDocument), SubIndication::kSigCryptoFailure);
  // Truncated, trailing garbage, random bytes, not SignedData.
  ExpectSub(Validate(std::span(cms).first(cms.size() - 10), kDocument),
            SubIndication::kFormatFailure);
  auto longer = cms;
  longer.push_back(0);
  ExpectSub(Validate(longer, kDocument), SubIndication::kFormatFailure);
  ExpectSub(Validate(AsBytes("garbage"), kDocument), SubIndication::kFormatFailure);
  ExpectSub(Validate({}, kDocument), SubIndication::kFormatFailure);
  // Expired certificate, no timestamp.
  auto old = pki_.Issue(key, Validity{kNow - 30 * kDay, kNow - kDay});
  ExpectSub(Validate(Sign(key, old), kDocument), SubIndication::kOutOfBoundsNoPoe);
}

// CAdES-T: a timestamp from a trusted TSA proves the signature existed
// while the certificate was valid, so expiry since does not matter.
TEST_F(Cms, SignatureTimestampProvesExistence) {
  const auto& key = testing::TestKey(KeyType::kEcP384);
  const auto leaf = pki_.Issue(key, Validity{kNow - 10 * kDay, kNow + 10 * kDay});
  const auto& tsa_key = testing::TestKey(KeyType::kEcP256);
  auto tsa = TimestampAuthority::Create(
                 tsa_key,
                 pki_.Issue(tsa_key, Validity{kNow - 100 * kDay, kNow + 1000 * kDay},
                            CertificateProfile::kTimestampAuthority),
                 {pki_.issuing->certificate()})
                 .value();
  auto cms = Sign(key, leaf);
  auto token =
      tsa.Stamp(HashAlgorithm::kSha256, CmsSignatureValue(cms).value(), kNow - 30, pki_.random)
          .value();
  auto stamped = AddCmsSignatureTimestamp(cms, token).value();
  const UnixTime later = kNow + 20 * kDay;  // the signer certificate has expired
  ExpectSub(Validate(cms, kDocument, later), SubIndication::kOutOfBoundsNoPoe);
  auto r = Validate(stamped, kDocument, later);
  ExpectSub(r, SubIndication::kNone);
  EXPECT_EQ(r.format, "CAdES-T");
  EXPECT_EQ(r.signing_time_source, "timestamp");
  EXPECT_EQ(r.signing_time.value_or(0), kNow - 30);
  // A token over something else gives no proof.
  auto wrong = tsa.Stamp(HashAlgorithm::kSha256, AsBytes("other"), kNow - 30, pki_.random).value();
  auto r2 = Validate(AddCmsSignatureTimestamp(cms, wrong).value(), kDocument, later);
  ExpectSub(r2, SubIndication::kOutOfBoundsNoPoe);
  bool noted = false;
  for (const auto& m : r2.messages) noted |= m.find("HASH_FAILURE") != std::string::npos;
  EXPECT_TRUE(noted) << json::Serialize(r2.ToJson());
}

class CmsInterop : public Cms {
 protected:
  void SetUp() override {
    testing::WriteFile(dir_.File("data"), kDocument);
    testing::WriteFile(dir_.File("issuing.pem"), pki_.issuing->certificate().ToPem());
  }
  std::string Openssl(const std::string& args) {
    auto r = testing::RunCommand("cd " + dir_.path() + " && openssl " + args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
    return r.output;
  }
  testing::TempDir dir_;
};

// openssl cms verifies our CAdES-BES (the issuing CA as its anchor: the
// SM2 root above it needs the GM/T 0015 user ID, which `openssl cms` cannot
// be given) and sees our signed attributes.
TEST_F(CmsInterop, OpensslVerifiesOurs) {
  for (auto type : {KeyType::kEcP256, KeyType::kEcP384, KeyType::kEcP521, KeyType::kRsa}) {
    SCOPED_TRACE(KeyTypeName(type));
    const auto& key = testing::TestKey(type);
    testing::WriteFile(dir_.File("sig.der"), testing::AsString(Sign(key, pki_.Issue(key))));
    Openssl(
        "cms -verify -binary -inform DER -in sig.der -content data -CAfile issuing.pem "
        "-partial_chain -purpose any -attime " +
        std::to_string(kNow) + " -out out.txt");
    EXPECT_EQ(testing::ReadFile(dir_.File("out.txt")), kDocument);
    const auto printed = Openssl("cms -cmsout -print -inform DER -in sig.der");
    EXPECT_NE(printed.find("id-smime-aa-signingCertificateV2"), std::string::npos);
    // And rejects it over other content.
    testing::WriteFile(dir_.File("other"), kDocument + "!");
    auto bad = testing::RunCommand("cd " + dir_.path() +
                                   " && openssl cms -verify -binary -inform DER -in sig.der "
                                   "-content other -CAfile issuing.pem -partial_chain -purpose any "
                                   "-attime " +
                                   std::to_string(kNow) + " -out /dev/null");
    EXPECT_NE(bad.exit_code, 0);
  }
}

// We verify what `openssl cms -sign` makes, with -cades (CAdES-BES) and
// without (plain CMS).
TEST_F(CmsInterop, WeVerifyOpenssls) {
  // `openssl cms -sign` stamps the real current time as signing-time.
  const auto now = static_cast<UnixTime>(std::time(nullptr));
  const auto& key = testing::TestKey(KeyType::kEcP256);
  testing::WriteFile(dir_.File("key.pem"), key.ToPem());
  testing::WriteFile(dir_.File("cert.pem"),
                     pki_.Issue(key, Validity{now - kDay, now + kDay}).ToPem());
  for (bool cades : {true, false}) {
    Openssl(std::string("cms -sign -binary -md sha256 ") + (cades ? "-cades " : "") +
            "-in data -signer cert.pem -inkey key.pem -certfile issuing.pem -outform DER "
            "-out theirs.der");
    const auto der = testing::ReadFile(dir_.File("theirs.der"));
    auto r = Validate(AsBytes(der), kDocument, now);
    ExpectSub(r, SubIndication::kNone);
    EXPECT_EQ(r.format, cades ? "CAdES-BES" : "CMS");
    EXPECT_NEAR(static_cast<double>(r.signing_time.value_or(0)), static_cast<double>(now), 600);
    ExpectSub(Validate(AsBytes(der), "tampered", now), SubIndication::kHashFailure);
  }
  Openssl(
      "cms -sign -binary -cades -in data -signer cert.pem -inkey key.pem -certfile issuing.pem "
      "-outform PEM -out theirs.pem");
  ExpectSub(Validate(AsBytes(testing::ReadFile(dir_.File("theirs.pem"))), kDocument, now),
            SubIndication::kNone);
}

}  // namespace
}  // namespace digitrade::crypto
