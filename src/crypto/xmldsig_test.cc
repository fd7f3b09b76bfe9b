// Enveloped XMLDSig: our signatures, bad and hostile input, and
// interoperability with the xmlsec1 command line in both directions.
#include "crypto/xmldsig.h"

#include <gtest/gtest.h>

#include <ctime>

#include "common/json.h"
#include "crypto/signature_validator.h"
#include "crypto/test_util.h"

namespace digitrade::crypto {
namespace {

using testing::TestPki;

const std::string kInvoice =
    R"(<?xml version="1.0" encoding="UTF-8"?>)"
    R"(<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">)"
    R"(<ID>INV-2027-7</ID><IssueDate>2027-01-15</IssueDate>)"
    R"(<LegalMonetaryTotal><PayableAmount currencyID="CNY">1000.00</PayableAmount>)"
    R"(</LegalMonetaryTotal></Invoice>)";

class XmlDsig : public ::testing::Test {
 protected:
  // xmlsec1 checks certificates against the real clock: a PKI of today
  // with an ECDSA root (the CLI cannot check SM2 certificate signatures).
  XmlDsig() : pki_(static_cast<UnixTime>(std::time(nullptr)), KeyType::kEcP256) {}

  std::string Sign(KeyType type) {
    const auto& key = testing::TestKey(type);
    auto signed_xml =
        SignXmlEnveloped(kInvoice, key, pki_.Issue(key), {pki_.issuing->certificate()});
    EXPECT_TRUE(signed_xml) << signed_xml.error().ToString();
    return signed_xml.value_or("");
  }

  ValidationReport Validate(std::string_view xml) {
    return SignatureValidator(pki_.store).ValidateXml(xml, {.validation_time = pki_.now});
  }

  static void ExpectSub(const ValidationReport& r, SubIndication s) {
    EXPECT_EQ(SubIndicationName(r.sub_indication), SubIndicationName(s))
        << json::Serialize(r.ToJson());
    EXPECT_EQ(r.indication, s == SubIndication::kNone ? Indication::kTotalPassed : IndicationOf(s));
  }

  static std::string Replace(std::string s, std::string_view from, std::string_view to) {
    const auto pos = s.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) s.replace(pos, from.size(), to);
    return s;
  }

  TestPki pki_;
};

TEST_F(XmlDsig, SignsAndValidates) {
  for (auto type : {KeyType::kEcP256, KeyType::kEcP384, KeyType::kEcP521, KeyType::kRsa}) {
    SCOPED_TRACE(KeyTypeName(type));
    auto r = Validate(Sign(type));
    ExpectSub(r, SubIndication::kNone);
    EXPECT_EQ(r.format, "XMLDSig");
    ASSERT_TRUE(r.trust_anchor);
    EXPECT_EQ(r.trust_anchor->trust_list, "digitrade-cn");
    EXPECT_NE(r.signer.find("CN=Shipper"), std::string::npos);
  }
  for (auto type : {KeyType::kSm2, KeyType::kEd25519}) {
    const auto& key = testing::TestKey(type);
    auto r = SignXmlEnveloped(kInvoice, key, pki_.Issue(key));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST_F(XmlDsig, BadInput) {
  const auto good = Sign(KeyType::kEcP256);
  ExpectSub(Validate(Replace(good, "1000.00", "9000.00")), SubIndication::kHashFailure);
  // A changed SignedInfo (digest method text) breaks the signature value.
  const auto sv = good.find("<ds:SignatureValue>") + 19;
  std::string flipped = good;
  flipped[sv + 4] = flipped[sv + 4] == 'A' ? 'B' : 'A';
  ExpectSub(Validate(flipped), SubIndication::kSigCryptoFailure);
  ExpectSub(Validate(kInvoice), SubIndication::kFormatFailure);  // unsigned
  ExpectSub(Validate(good.substr(0, good.size() / 2)), SubIndication::kFormatFailure);
  ExpectSub(Validate("not xml"), SubIndication::kFormatFailure);
  // Already signed documents are not signed again.
  const auto& key = testing::TestKey(KeyType::kEcP256);
  EXPECT_FALSE(SignXmlEnveloped(good, key, pki_.Issue(key)));
  // A reference to a fragment instead of the whole document.
  ExpectSub(Validate(Replace(good, R"(URI="")", R"(URI="#x")")), SubIndication::kFormatFailure);
  // A reference to something outside the document.
  ExpectSub(Validate(Replace(good, R"(URI="")", R"(URI="http://127.0.0.1:1/x")")),
            SubIndication::kFormatFailure);
  // No certificate.
  const auto ki = good.find("<ds:KeyInfo>");
  const auto ki_end = good.find("</ds:KeyInfo>") + 13;
  ExpectSub(Validate(good.substr(0, ki) + good.substr(ki_end)),
            SubIndication::kNoSignerCertificateFound);
  // External entities: refused before anything is resolved.
  ExpectSub(
      Validate(
          R"(<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY x SYSTEM "file:///etc/passwd">]>)" +
          good.substr(good.find("<Invoice"))),
      SubIndication::kFormatFailure);
  // Two signatures (wrapping attempts).
  const auto sig_start = good.find("<ds:Signature");
  const auto sig_end = good.find("</ds:Signature>") + 15;
  ExpectSub(Validate(Replace(good, "</Invoice>",
                             good.substr(sig_start, sig_end - sig_start) + "</Invoice>")),
            SubIndication::kFormatFailure);
}

TEST_F(XmlDsig, CertificateProblems) {
  const auto& key = testing::TestKey(KeyType::kEcP256);
  const auto expired = pki_.Issue(key, Validity{pki_.now - 10 * TestPki::kDay, pki_.now - 1});
  ExpectSub(
      Validate(SignXmlEnveloped(kInvoice, key, expired, {pki_.issuing->certificate()}).value()),
      SubIndication::kOutOfBoundsNoPoe);
  TrustStore empty;
  auto r =
      SignatureValidator(empty).ValidateXml(Sign(KeyType::kEcP256), {.validation_time = pki_.now});
  ExpectSub(r, SubIndication::kNoCertificateChainFound);
}

class XmlDsigInterop : public XmlDsig {
 protected:
  void SetUp() override {
    testing::WriteFile(dir_.File("root.pem"), pki_.root->certificate().ToPem());
    testing::WriteFile(dir_.File("issuing.pem"), pki_.issuing->certificate().ToPem());
  }
  testing::CommandResult Xmlsec(const std::string& args) {
    return testing::RunCommand("cd " + dir_.path() + " && xmlsec1 " + args);
  }
  testing::TempDir dir_;
};

TEST_F(XmlDsigInterop, Xmlsec1VerifiesOurs) {
  for (auto type : {KeyType::kEcP256, KeyType::kRsa}) {
    SCOPED_TRACE(KeyTypeName(type));
    testing::WriteFile(dir_.File("signed.xml"), Sign(type));
    auto r = Xmlsec("--verify --trusted-pem root.pem --untrusted-pem issuing.pem signed.xml");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    testing::WriteFile(dir_.File("forged.xml"), Replace(Sign(type), "1000.00", "1.00"));
    auto bad = Xmlsec("--verify --trusted-pem root.pem --untrusted-pem issuing.pem forged.xml");
    EXPECT_NE(bad.exit_code, 0) << bad.output;
  }
}

TEST_F(XmlDsigInterop, WeVerifyXmlsec1s) {
  const auto& key = testing::TestKey(KeyType::kEcP256);
  testing::WriteFile(dir_.File("key.pem"), key.ToPem());
  testing::WriteFile(dir_.File("cert.pem"), pki_.Issue(key).ToPem());
  const std::string tmpl = Replace(
      kInvoice, "</Invoice>",
      R"(<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>)"
      R"(<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>)"
      R"(<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>)"
      R"(<ds:Reference URI=""><ds:Transforms>)"
      R"(<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>)"
      R"(<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>)"
      R"(<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>)"
      R"(<ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/>)"
      R"(<ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature></Invoice>)");
  testing::WriteFile(dir_.File("template.xml"), tmpl);
  auto r = Xmlsec("--sign --privkey-pem key.pem,cert.pem --output theirs.xml template.xml");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto theirs = testing::ReadFile(dir_.File("theirs.xml"));
  // xmlsec1 puts only the signer's certificate in KeyInfo: add the issuing
  // CA to the trust store so the path can be built.
  TrustStore store;
  TrustList list("issuing", "CN");
  list.Add(pki_.issuing->certificate());
  store.Add(std::move(list));
  auto report = SignatureValidator(store).ValidateXml(theirs, {.validation_time = pki_.now});
  ExpectSub(report, SubIndication::kNone);
  ExpectSub(SignatureValidator(store).ValidateXml(Replace(theirs, "INV-2027-7", "INV-2027-8"),
                                                  {.validation_time = pki_.now}),
            SubIndication::kHashFailure);
}

}  // namespace
}  // namespace digitrade::crypto
