// RFC 3161: our TSA, token verification, bad input, and interoperability
// with `openssl ts` in both directions.
#include "crypto/timestamp.h"

#include <gtest/gtest.h>

#include <ctime>

#include "common/json.h"
#include "crypto/signature_validator.h"
#include "crypto/test_util.h"

namespace digitrade::crypto {
namespace {

using testing::AsBytes;

constexpr UnixTime kDay = 86'400;
const std::string kData = "consignment UCR-2027-000042 arrived";

// An all-ECDSA PKI valid around the real current time, as `openssl ts
// -verify` checks certificates against the clock.
class Timestamp : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = CertificateAuthority::CreateRoot(PrivateKey::Generate(KeyType::kEcP256).value(),
                                             {.country = "SG", .common_name = "TSA Root"},
                                             {now_ - 10 * kDay, now_ + 100 * kDay}, random_)
                .value();
    tsa_cert_ = root_
                    ->Issue(tsa_key_.public_key(), {.country = "SG", .common_name = "TSA"},
                            {now_ - kDay, now_ + 10 * kDay},
                            CertificateProfile::kTimestampAuthority, random_)
                    .value();
    tsa_.emplace(TimestampAuthority::Create(tsa_key_, *tsa_cert_, {}).value());
    TrustList sg("sg-tsa", "SG");
    sg.Add(root_->certificate());
    store_.Add(std::move(sg));
  }

  ValidationReport Validate(std::span<const std::uint8_t> token, std::string_view data) {
    return SignatureValidator(store_).ValidateTimestamp(token, AsBytes(data),
                                                        {.validation_time = now_});
  }

  const UnixTime now_ = static_cast<UnixTime>(std::time(nullptr));
  OsRandom random_;
  PrivateKey tsa_key_ = PrivateKey::Generate(KeyType::kEcP256).value();
  std::optional<CertificateAuthority> root_;
  std::optional<Certificate> tsa_cert_;
  std::optional<TimestampAuthority> tsa_;
  TrustStore store_;
};

TEST_F(Timestamp, StampAndVerify) {
  for (auto h : {HashAlgorithm::kSha256, HashAlgorithm::kSha512, HashAlgorithm::kSm3}) {
    SCOPED_TRACE(HashName(h));
    auto token = tsa_->Stamp(h, AsBytes(kData), now_ - 100, random_).value();
    auto info = VerifyTimestampToken(token, AsBytes(kData));
    ASSERT_TRUE(info) << info.error().ToString();
    EXPECT_EQ(info->time, now_ - 100);
    EXPECT_EQ(info->hash, h);
    EXPECT_EQ(info->policy_oid, "1.3.6.1.4.1.65535.1.1");
    EXPECT_TRUE(info->tsa == *tsa_cert_);
    auto r = Validate(token, kData);
    EXPECT_TRUE(r.passed()) << json::Serialize(r.ToJson());
    EXPECT_EQ(r.signing_time.value_or(0), now_ - 100);
    ASSERT_TRUE(r.trust_anchor);
    EXPECT_EQ(r.trust_anchor->jurisdiction, "SG");
  }
}

TEST_F(Timestamp, ValidateRecognisesTokensAndResponses) {
  auto req =
      MakeTimestampRequest(HashAlgorithm::kSha256, Hash(HashAlgorithm::kSha256, kData), random_)
          .value();
  auto resp = tsa_->Respond(req, now_, random_).value();
  auto token = TimestampTokenFromResponse(resp).value();
  const SignatureValidator v(store_);
  for (const auto* object : {&resp, &token}) {
    auto r = v.Validate(*object, {.validation_time = now_, .detached_content = AsBytes(kData)});
    EXPECT_TRUE(r.passed()) << json::Serialize(r.ToJson());
    EXPECT_EQ(r.format, "RFC3161");
    auto other = v.Validate(*object, {.validation_time = now_, .detached_content = AsBytes("x")});
    EXPECT_EQ(other.sub_indication, SubIndication::kHashFailure);
  }
}

TEST_F(Timestamp, BadInput) {
  auto token = tsa_->Stamp(HashAlgorithm::kSha256, AsBytes(kData), now_, random_).value();
  auto other = VerifyTimestampToken(token, AsBytes("other data"));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code(), ErrorCode::kUnauthenticated);
  auto r = Validate(token, "other data");
  EXPECT_EQ(r.sub_indication, SubIndication::kHashFailure);
  EXPECT_EQ(r.indication, Indication::kTotalFailed);
  // A flipped byte in the signature (end of the token).
  auto flipped = token;
  flipped[flipped.size() - 5] ^= 0x01;
  EXPECT_EQ(Validate(flipped, kData).sub_indication, SubIndication::kSigCryptoFailure);
  EXPECT_EQ(Validate(std::span(token).first(token.size() / 2), kData).sub_indication,
            SubIndication::kFormatFailure);
  EXPECT_EQ(Validate(AsBytes("garbage"), kData).sub_indication, SubIndication::kFormatFailure);
  // A CMS signature by a non-TSA is not a timestamp.
  EXPECT_FALSE(TimestampAuthority::Create(tsa_key_, root_->certificate(), {}));
  // An unknown TSA: no chain.
  TrustStore empty;
  auto unknown =
      SignatureValidator(empty).ValidateTimestamp(token, AsBytes(kData), {.validation_time = now_});
  EXPECT_EQ(unknown.sub_indication, SubIndication::kNoCertificateChainFound);
  // A request with a wrong-size digest.
  EXPECT_FALSE(MakeTimestampRequest(HashAlgorithm::kSha256, AsBytes("short"), random_));
  // A garbage request gets a rejection response, which is no token.
  auto resp = tsa_->Respond(AsBytes("garbage"), now_, random_).value();
  auto none = TimestampTokenFromResponse(resp);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code(), ErrorCode::kFailedPrecondition);
}

class TimestampInterop : public Timestamp {
 protected:
  void SetUp() override {
    Timestamp::SetUp();
    testing::WriteFile(dir_.File("data"), kData);
    testing::WriteFile(dir_.File("root.pem"), root_->certificate().ToPem());
    testing::WriteFile(dir_.File("tsa.pem"), tsa_cert_->ToPem());
    testing::WriteFile(dir_.File("tsa.key"), tsa_key_.ToPem());
  }
  void Openssl(const std::string& args, int want = 0) {
    auto r = testing::RunCommand("cd " + dir_.path() + " && openssl " + args);
    EXPECT_EQ(r.exit_code, want) << args << "\n" << r.output;
  }
  testing::TempDir dir_;
};

// openssl makes the request and verifies our response.
TEST_F(TimestampInterop, OpensslVerifiesOurResponse) {
  Openssl("ts -query -data data -sha256 -cert -out req.tsq");
  auto resp = tsa_->Respond(AsBytes(testing::ReadFile(dir_.File("req.tsq"))), now_, random_);
  ASSERT_TRUE(resp) << resp.error().ToString();
  testing::WriteFile(dir_.File("resp.tsr"), testing::AsString(*resp));
  Openssl("ts -verify -data data -in resp.tsr -CAfile root.pem");
  testing::WriteFile(dir_.File("other"), kData + "!");
  Openssl("ts -verify -data other -in resp.tsr -CAfile root.pem", 1);
}

// openssl's TSA answers our request; we verify its response.
TEST_F(TimestampInterop, WeVerifyOpensslsResponse) {
  testing::WriteFile(dir_.File("tsa.cnf"),
                     "[tsa]\ndefault_tsa = t\n[t]\nserial = serial\nsigner_cert = tsa.pem\n"
                     "signer_key = tsa.key\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\n"
                     "digests = sha256, sha384, sha512\naccuracy = secs:1\n"
                     "ess_cert_id_alg = sha256\n");
  testing::WriteFile(dir_.File("serial"), "01\n");
  auto req =
      MakeTimestampRequest(HashAlgorithm::kSha256, Hash(HashAlgorithm::kSha256, kData), random_);
  ASSERT_TRUE(req);
  testing::WriteFile(dir_.File("req.tsq"), testing::AsString(*req));
  Openssl("ts -reply -config tsa.cnf -queryfile req.tsq -out resp.tsr");
  const auto resp = testing::ReadFile(dir_.File("resp.tsr"));
  auto r = Validate(AsBytes(resp), kData);
  EXPECT_TRUE(r.passed()) << json::Serialize(r.ToJson());
  EXPECT_NEAR(static_cast<double>(r.signing_time.value_or(0)), static_cast<double>(now_), 600);
  EXPECT_EQ(Validate(AsBytes(resp), "tampered").sub_indication, SubIndication::kHashFailure);
}

}  // namespace
}  // namespace digitrade::crypto
