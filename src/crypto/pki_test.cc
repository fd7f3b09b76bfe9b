// The built-in CA, chain validation, CRLs and the time rules, with
// interoperability against the openssl CLI in both directions.
#include <gtest/gtest.h>

#include "crypto/ca.h"
#include "crypto/chain.h"
#include "crypto/test_util.h"
#include "crypto/trust_list.h"

namespace digitrade::crypto {
namespace {

constexpr UnixTime kNow = 1'800'000'000;  // 2027-01-15
constexpr UnixTime kDay = 86'400;

DistinguishedName Org(std::string cn) {
  return {.country = "CN",
          .organization = cn + " Ltd",
          .common_name = cn,
          .serial_number = "91110000600037341L"};
}

class Pki : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        CertificateAuthority::CreateRoot(
            testing::TestKey(KeyType::kSm2),
            {.country = "CN", .organization = "Pilot Zone", .common_name = "Pilot Zone Root SM2"},
            {kNow - 400 * kDay, kNow + 3650 * kDay}, random_)
            .value();
    auto sub_key = PrivateKey::Generate(KeyType::kEcP384).value();
    sub_cert_ = root_
                    ->Issue(sub_key.public_key(), {.country = "CN", .common_name = "Issuing CA"},
                            {kNow - 300 * kDay, kNow + 1000 * kDay},
                            CertificateProfile::kSubordinateCa, random_)
                    .value();
    sub_ = CertificateAuthority::Load(sub_key, *sub_cert_).value();
    TrustList cn("digitrade-cn", "CN");
    cn.Add(root_->certificate(), "Pilot Zone Root");
    store_.Add(TrustList("other", "SG"));
    store_.Add(std::move(cn));
  }

  Certificate IssueLeaf(const PrivateKey& key, Validity validity) {
    return sub_
        ->Issue(key.public_key(), Org("Shipper"), validity, CertificateProfile::kOrganization,
                random_)
        .value();
  }

  ChainValidationRequest Request(const Certificate& leaf) {
    return {.leaf = leaf, .intermediates = {*sub_cert_}, .validation_time = kNow};
  }

  OsRandom random_;
  std::optional<CertificateAuthority> root_;
  std::optional<CertificateAuthority> sub_;
  std::optional<Certificate> sub_cert_;
  TrustStore store_;
};

TEST_F(Pki, IssuesAndValidatesSm2AndEcdsaOrganisations) {
  for (auto type : {KeyType::kSm2, KeyType::kEcP256, KeyType::kEd25519, KeyType::kRsa}) {
    SCOPED_TRACE(KeyTypeName(type));
    const auto& key = testing::TestKey(type);
    auto leaf = IssueLeaf(key, {kNow - kDay, kNow + 365 * kDay});
    EXPECT_EQ(leaf.SubjectAttribute("CN"), "Shipper");
    EXPECT_EQ(leaf.SubjectAttribute("serialNumber"), "91110000600037341L");
    EXPECT_FALSE(leaf.IsCa());
    EXPECT_TRUE(leaf.public_key().value() == key.public_key());
    auto r = ValidateChain(store_, Request(leaf));
    ASSERT_TRUE(r.ok()) << r.message;
    ASSERT_EQ(r.chain.size(), 3u);
    ASSERT_TRUE(r.anchor);
    EXPECT_EQ(r.anchor->trust_list, "digitrade-cn");
    EXPECT_EQ(r.anchor->jurisdiction, "CN");
    EXPECT_EQ(r.anchor->service_name, "Pilot Zone Root");
    EXPECT_EQ(root_->certificate().SignatureAlgorithmName(), "SM2-with-SM3");
    ASSERT_FALSE(r.notes.empty());
    EXPECT_NE(r.notes[0].find("revocation not checked"), std::string::npos);
  }
}

TEST_F(Pki, UnknownAnchorHasNoChain) {
  TrustStore other;
  other.Add(TrustList("sg", "SG"));
  auto leaf = IssueLeaf(testing::TestKey(KeyType::kEcP256), {kNow - kDay, kNow + kDay});
  auto r = ValidateChain(other, Request(leaf));
  EXPECT_EQ(r.sub_indication, SubIndication::kNoCertificateChainFound) << r.message;
  // Without the intermediate the path cannot be built either.
  auto r2 = ValidateChain(store_, {.leaf = leaf, .validation_time = kNow});
  EXPECT_EQ(r2.sub_indication, SubIndication::kNoCertificateChainFound) << r2.message;
  // A self-signed certificate that is no anchor.
  auto rogue = CertificateAuthority::CreateRoot(testing::TestKey(KeyType::kEcP256), Org("Rogue"),
                                                {kNow - kDay, kNow + kDay}, random_)
                   .value();
  auto r3 = ValidateChain(store_, {.leaf = rogue.certificate(), .validation_time = kNow});
  EXPECT_EQ(r3.sub_indication, SubIndication::kNoCertificateChainFound) << r3.message;
}

TEST_F(Pki, ExpiredNeedsProofOfExistence) {
  auto leaf = IssueLeaf(testing::TestKey(KeyType::kEcP256), {kNow - 30 * kDay, kNow - 10 * kDay});
  auto req = Request(leaf);
  req.claimed_signing_time = kNow - 20 * kDay;
  auto r = ValidateChain(store_, req);
  EXPECT_EQ(r.sub_indication, SubIndication::kOutOfBoundsNoPoe) << r.message;
  EXPECT_EQ(IndicationOf(r.sub_indication), Indication::kIndeterminate);
  // A timestamp proving the signature existed while the certificate was valid.
  req.proven_signing_time = kNow - 20 * kDay;
  auto r2 = ValidateChain(store_, req);
  EXPECT_TRUE(r2.ok()) << r2.message;
  // A proof from after expiry does not help.
  req.proven_signing_time = kNow - 5 * kDay;
  EXPECT_EQ(ValidateChain(store_, req).sub_indication, SubIndication::kOutOfBoundsNoPoe);
}

TEST_F(Pki, NotYetValid) {
  auto leaf = IssueLeaf(testing::TestKey(KeyType::kEcP256), {kNow + kDay, kNow + 10 * kDay});
  auto r = ValidateChain(store_, Request(leaf));
  EXPECT_EQ(r.sub_indication, SubIndication::kNotYetValid) << r.message;
  // A signature claiming a time before the certificate existed.
  auto leaf2 = IssueLeaf(testing::TestKey(KeyType::kEcP256), {kNow - kDay, kNow + 10 * kDay});
  auto req = Request(leaf2);
  req.claimed_signing_time = kNow - 2 * kDay;
  auto r2 = ValidateChain(store_, req);
  EXPECT_EQ(r2.sub_indication, SubIndication::kNotYetValidAtSigningTime);
  EXPECT_EQ(IndicationOf(r2.sub_indication), Indication::kTotalFailed);
}

TEST_F(Pki, RevocationByCrl) {
  auto leaf = IssueLeaf(testing::TestKey(KeyType::kSm2), {kNow - 100 * kDay, kNow + 100 * kDay});
  auto good = IssueLeaf(testing::TestKey(KeyType::kSm2), {kNow - 100 * kDay, kNow + 100 * kDay});
  const RevokedEntry revoked[] = {{leaf.SerialHex(), kNow - 10 * kDay}};
  auto crl = sub_->IssueCrl(revoked, kNow - kDay, kNow + 7 * kDay).value();
  auto root_crl = root_->IssueCrl({}, kNow - kDay, kNow + 7 * kDay).value();
  ASSERT_TRUE(crl.Find(leaf.SerialHex()));
  EXPECT_FALSE(crl.Find(good.SerialHex()));

  auto req = Request(leaf);
  req.crls = {crl, root_crl};
  req.claimed_signing_time = kNow - 5 * kDay;  // after revocation
  auto r = ValidateChain(store_, req);
  EXPECT_EQ(r.sub_indication, SubIndication::kRevoked) << r.message;
  EXPECT_EQ(IndicationOf(r.sub_indication), Indication::kTotalFailed);
  req.claimed_signing_time = kNow - 20 * kDay;  // before, but only claimed
  EXPECT_EQ(ValidateChain(store_, req).sub_indication, SubIndication::kRevokedNoPoe);
  req.proven_signing_time = kNow - 20 * kDay;  // before, and proven
  EXPECT_TRUE(ValidateChain(store_, req).ok());

  auto ok = Request(good);
  ok.crls = {crl, root_crl};
  ok.require_revocation_info = true;
  auto r2 = ValidateChain(store_, ok);
  EXPECT_TRUE(r2.ok()) << r2.message;
  EXPECT_TRUE(r2.notes.empty());
  // Required but missing: INDETERMINATE/TRY_LATER.
  ok.crls = {root_crl};
  EXPECT_EQ(ValidateChain(store_, ok).sub_indication, SubIndication::kTryLater);
  // A CRL signed by someone else is ignored.
  auto forged = root_->IssueCrl(revoked, kNow - kDay, kNow + kDay).value();
  auto fr = Request(leaf);
  fr.crls = {forged};
  EXPECT_TRUE(ValidateChain(store_, fr).ok());
}

// The root signs CRLs with SM2 (checked with the standard user ID); a CRL
// under the right name but signed by an impostor is ignored.
TEST_F(Pki, Sm2CrlRevokesTheIssuingCa) {
  auto leaf = IssueLeaf(testing::TestKey(KeyType::kEcP256), {kNow - kDay, kNow + kDay});
  const RevokedEntry revoked[] = {{sub_cert_->SerialHex(), kNow - 2 * kDay}};
  auto root_crl = root_->IssueCrl(revoked, kNow - kDay, kNow + kDay).value();
  auto req = Request(leaf);
  req.crls = {root_crl};
  auto r = ValidateChain(store_, req);
  EXPECT_EQ(r.sub_indication, SubIndication::kRevoked) << r.message;
  EXPECT_NE(r.message.find("Issuing CA"), std::string::npos) << r.message;

  auto impostor =
      CertificateAuthority::CreateRoot(
          PrivateKey::Generate(KeyType::kSm2).value(),
          {.country = "CN", .organization = "Pilot Zone", .common_name = "Pilot Zone Root SM2"},
          {kNow - kDay, kNow + kDay}, random_)
          .value();
  req.crls = {impostor.IssueCrl(revoked, kNow - kDay, kNow + kDay).value(),
              sub_->IssueCrl({}, kNow - kDay, kNow + kDay).value()};
  auto r2 = ValidateChain(store_, req);
  EXPECT_TRUE(r2.ok()) << r2.message;
  req.require_revocation_info = true;
  EXPECT_EQ(ValidateChain(store_, req).sub_indication, SubIndication::kTryLater);
}

TEST_F(Pki, CertificateParsingRejectsGarbage) {
  for (std::string_view bad :
       {"", "garbage", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}) {
    auto c = Certificate::FromPem(bad);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_FALSE(Certificate::FromDer(testing::AsBytes(bad)));
    EXPECT_FALSE(Certificate::ChainFromPem(bad));
    EXPECT_FALSE(Crl::FromPem(bad));
  }
  auto der = root_->certificate().ToDer();
  EXPECT_TRUE(Certificate::FromDer(der));
  der.push_back(0);
  EXPECT_FALSE(Certificate::FromDer(der));
  der.resize(der.size() / 2);
  EXPECT_FALSE(Certificate::FromDer(der));
  EXPECT_EQ(Certificate::FromPem(std::string(kMaxCertificateBytes + 1, 'A')).error().code(),
            ErrorCode::kResourceExhausted);
}

TEST_F(Pki, CaRefusesBadRequests) {
  EXPECT_FALSE(root_->Issue(testing::TestKey(KeyType::kEcP256).public_key(), Org(""),
                            {kNow, kNow + kDay}, CertificateProfile::kOrganization, random_));
  EXPECT_FALSE(root_->Issue(testing::TestKey(KeyType::kEcP256).public_key(), Org("x"),
                            {kNow, kNow - kDay}, CertificateProfile::kOrganization, random_));
  EXPECT_FALSE(CertificateAuthority::Load(testing::TestKey(KeyType::kEcP256), *sub_cert_));
  const RevokedEntry bad[] = {{"xyz", kNow}};
  EXPECT_FALSE(root_->IssueCrl(bad, kNow, kNow + kDay));
}

// openssl verify accepts what our CA issues (SM2 root, ECDSA sub-CA,
// SM2 and ECDSA leaves) and honours our CRL. OpenSSL 3.0 checks SM2
// certificate signatures with an empty user ID unless given the standard one
// (GM/T 0015), which our CA signs with; its CLI applies -vfyopt to the target
// certificate only, so each link is checked on its own.
TEST_F(Pki, OpensslVerifiesOurChainAndCrl) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("root.pem"), root_->certificate().ToPem());
  testing::WriteFile(dir.File("sub.pem"), sub_cert_->ToPem());
  const std::string verify = "openssl verify -attime " + std::to_string(kNow) + " ";
  auto sub = testing::RunCommand(verify + "-vfyopt distid:1234567812345678 -CAfile " +
                                 dir.File("root.pem") + " " + dir.File("sub.pem"));
  EXPECT_EQ(sub.exit_code, 0) << sub.output;
  auto without_id =
      testing::RunCommand(verify + "-CAfile " + dir.File("root.pem") + " " + dir.File("sub.pem"));
  EXPECT_NE(without_id.exit_code, 0) << "the SM2 signature must depend on the user ID";
  for (auto type : {KeyType::kSm2, KeyType::kEcP256}) {
    auto leaf = IssueLeaf(testing::TestKey(type), {kNow - kDay, kNow + kDay});
    testing::WriteFile(dir.File("leaf.pem"), leaf.ToPem());
    const std::string link = verify + "-partial_chain -CAfile " + dir.File("sub.pem") + " ";
    auto r = testing::RunCommand(link + dir.File("leaf.pem"));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    const RevokedEntry revoked[] = {{leaf.SerialHex(), kNow - kDay}};
    testing::WriteFile(dir.File("crl.pem"),
                       sub_->IssueCrl(revoked, kNow - kDay, kNow + kDay).value().ToPem());
    auto r2 = testing::RunCommand(link + "-crl_check -CRLfile " + dir.File("crl.pem") + " " +
                                  dir.File("leaf.pem"));
    EXPECT_NE(r2.exit_code, 0) << r2.output;
    EXPECT_NE(r2.output.find("revoked"), std::string::npos) << r2.output;
  }
}

// We validate a chain and a CRL made by the openssl CLI.
TEST_F(Pki, WeValidateOpensslsChain) {
  testing::TempDir dir;
  auto d = [&](const char* n) { return dir.File(n); };
  const std::string script =
      "set -e; cd " + dir.path() +
      "; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key"
      "; openssl req -x509 -new -key ca.key -sha256 -subj '/C=SG/CN=SG Root' -days 3650 -out ca.pem"
      " -addext 'keyUsage=critical,keyCertSign,cRLSign'"
      "; openssl genpkey -algorithm SM2 -out ee.key"
      "; openssl req -new -key ee.key -sm3 -subj '/C=SG/O=Carrier/CN=Carrier' -out ee.csr"
      "; openssl x509 -req -in ee.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -sha256"
      " -out ee.pem"
      "; printf 'basicConstraints=CA:TRUE\\n' > /dev/null"
      "; touch index.txt; echo 01 > crlnumber"
      "; printf '[ca]\\ndefault_ca=d\\n[d]\\ndatabase=index.txt\\ncrlnumber=crlnumber\\n"
      "default_md=sha256\\ndefault_crl_days=7\\n' > ca.cnf"
      "; openssl ca -config ca.cnf -keyfile ca.key -cert ca.pem -revoke ee.pem 2>/dev/null"
      "; openssl ca -config ca.cnf -keyfile ca.key -cert ca.pem -gencrl -out crl.pem 2>/dev/null";
  auto r = testing::RunCommand(script);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto sg = TrustList::FromPem("sg-imda", "SG", testing::ReadFile(d("ca.pem"))).value();
  TrustStore store;
  store.Add(std::move(sg));
  auto leaf = Certificate::FromPem(testing::ReadFile(d("ee.pem"))).value();
  const auto now = static_cast<UnixTime>(std::time(nullptr));
  auto ok = ValidateChain(store, {.leaf = leaf, .validation_time = now});
  ASSERT_TRUE(ok.ok()) << ok.message;
  EXPECT_EQ(ok.anchor->jurisdiction, "SG");
  EXPECT_EQ(leaf.public_key().value().type(), KeyType::kSm2);
  auto crl = Crl::FromPem(testing::ReadFile(d("crl.pem"))).value();
  auto revoked = ValidateChain(store, {.leaf = leaf, .crls = {crl}, .validation_time = now});
  EXPECT_EQ(revoked.sub_indication, SubIndication::kRevoked) << revoked.message;
}

}  // namespace
}  // namespace digitrade::crypto
