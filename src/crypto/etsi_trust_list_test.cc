#include "crypto/etsi_trust_list.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "crypto/base64.h"
#include "crypto/ca.h"
#include "crypto/chain.h"
#include "crypto/test_util.h"
#include "crypto/xmldsig.h"

namespace digitrade::crypto {
namespace {

constexpr UnixTime kNow = 1'800'000'000;

std::string Service(std::string_view name, std::string_view status, const Certificate& cert) {
  return fmt::format(R"(
      <TSPService><ServiceInformation>
        <ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/CA/QC</ServiceTypeIdentifier>
        <ServiceName><Name xml:lang="de">Dienst</Name><Name xml:lang="en">{}</Name></ServiceName>
        <ServiceDigitalIdentity><DigitalId><X509Certificate>
          {}
        </X509Certificate></DigitalId></ServiceDigitalIdentity>
        <ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/{}</ServiceStatus>
        <StatusStartingTime>2024-01-01T00:00:00Z</StatusStartingTime>
      </ServiceInformation></TSPService>)",
                     name, Base64Encode(cert.ToDer()), status);
}

std::string TrustedList(std::string_view territory, std::string_view services) {
  return fmt::format(R"(<?xml version="1.0" encoding="UTF-8"?>
<TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#"
    TSLTag="http://uri.etsi.org/19612/TSLTag" Id="tsl">
  <SchemeInformation>
    <TSLVersionIdentifier>5</TSLVersionIdentifier>
    <TSLSequenceNumber>42</TSLSequenceNumber>
    <TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</TSLType>
    <SchemeOperatorName><Name xml:lang="en">Supervisory Body</Name></SchemeOperatorName>
    <SchemeTerritory>{}</SchemeTerritory>
    <ListIssueDateTime>2026-12-01T00:00:00Z</ListIssueDateTime>
    <NextUpdate><dateTime>2027-06-01T00:00:00Z</dateTime></NextUpdate>
  </SchemeInformation>
  <TrustServiceProviderList><TrustServiceProvider>
    <TSPInformation><TSPName><Name xml:lang="en">Example TSP</Name></TSPName></TSPInformation>
    <TSPServices>{}</TSPServices>
  </TrustServiceProvider></TrustServiceProviderList>
</TrustServiceStatusList>)",
                     territory, services);
}

class EtsiTrustList : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = CertificateAuthority::CreateRoot(testing::TestKey(KeyType::kEcP256),
                                           {.country = "DE", .common_name = "Qualified CA"},
                                           {kNow - 1000, kNow + 100000}, random_)
              .value();
    withdrawn_ = CertificateAuthority::CreateRoot(PrivateKey::Generate(KeyType::kEcP256).value(),
                                                  {.country = "DE", .common_name = "Old CA"},
                                                  {kNow - 1000, kNow + 100000}, random_)
                     .value();
  }
  OsRandom random_;
  std::optional<CertificateAuthority> ca_;
  std::optional<CertificateAuthority> withdrawn_;
};

TEST_F(EtsiTrustList, ImportsApprovedServicesOnly) {
  const auto xml =
      TrustedList("DE", Service("Qualified CA service", "granted", ca_->certificate()) +
                            Service("Old service", "withdrawn", withdrawn_->certificate()));
  EtsiTrustListInfo info;
  auto list = ImportEtsiTrustList(xml, "", &info);
  ASSERT_TRUE(list) << list.error().ToString();
  EXPECT_EQ(list->jurisdiction(), "DE");
  EXPECT_EQ(list->name(), "ETSI TL DE #42");
  EXPECT_EQ(info.operator_name, "Supervisory Body");
  EXPECT_EQ(info.services_seen, 2u);
  EXPECT_EQ(info.services_imported, 1u);
  ASSERT_EQ(list->anchors().size(), 1u);
  EXPECT_EQ(list->anchors()[0].service_name, "Qualified CA service");
  EXPECT_EQ(list->next_update().value(), 1'811'808'000);

  // A signer under the granted service validates, and the report can name
  // the list and jurisdiction; one under the withdrawn service does not.
  TrustStore store;
  store.Add(*std::move(list));
  auto leaf = ca_->Issue(testing::TestKey(KeyType::kSm2).public_key(),
                         {.country = "DE", .common_name = "Exporter GmbH"}, {kNow - 10, kNow + 10},
                         CertificateProfile::kOrganization, random_)
                  .value();
  auto r = ValidateChain(store, {.leaf = leaf, .validation_time = kNow});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.anchor->jurisdiction, "DE");
  EXPECT_EQ(r.anchor->trust_list, "ETSI TL DE #42");
  EXPECT_EQ(r.anchor->service_name, "Qualified CA service");
  auto other = withdrawn_
                   ->Issue(testing::TestKey(KeyType::kSm2).public_key(), {.common_name = "Other"},
                           {kNow - 10, kNow + 10}, CertificateProfile::kOrganization, random_)
                   .value();
  EXPECT_EQ(ValidateChain(store, {.leaf = other, .validation_time = kNow}).sub_indication,
            SubIndication::kNoCertificateChainFound);
}

TEST_F(EtsiTrustList, LoadTrustListTellsXmlFromPem) {
  auto etsi = LoadTrustList(TrustedList("SG", Service("s", "granted", ca_->certificate())), "", "");
  ASSERT_TRUE(etsi) << etsi.error().ToString();
  EXPECT_EQ(etsi->jurisdiction(), "SG");
  auto pem = LoadTrustList(ca_->certificate().ToPem(), "ours", "CN");
  ASSERT_TRUE(pem) << pem.error().ToString();
  EXPECT_EQ(pem->name(), "ours");
  EXPECT_EQ(pem->anchors().size(), 1u);
  EXPECT_FALSE(LoadTrustList(ca_->certificate().ToPem(), "", ""));
}

// The list's own signature: ours (URI="") and one made by the xmlsec1 CLI
// the way ETSI lists are signed (URI="#<root Id>"), checked against the
// scheme operator's certificate.
TEST_F(EtsiTrustList, ListSignatureIsCheckedAgainstTheSchemeOperator) {
  const auto& op_key = testing::TestKey(KeyType::kEcP256);
  const auto op_cert =
      ca_->Issue(op_key.public_key(), {.country = "DE", .common_name = "Operator"},
                 {kNow - 1000, kNow + 100000}, CertificateProfile::kOrganization, random_)
          .value();
  const auto xml = TrustedList("DE", Service("s", "granted", ca_->certificate()));
  const auto signed_xml = SignXmlEnveloped(xml, op_key, op_cert).value();
  const Certificate ops[] = {op_cert};
  auto ok = VerifyEtsiTrustListSignature(signed_xml, ops);
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_TRUE(*ok == op_cert);
  const Certificate others[] = {withdrawn_->certificate()};
  EXPECT_EQ(VerifyEtsiTrustListSignature(signed_xml, others).error().code(),
            ErrorCode::kUnauthenticated);
  std::string tampered = signed_xml;
  tampered.replace(tampered.find("Svcstatus/granted"), 17, "Svcstatus/revoked");
  EXPECT_EQ(VerifyEtsiTrustListSignature(tampered, ops).error().code(),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(VerifyEtsiTrustListSignature(xml, ops).error().code(), ErrorCode::kInvalidArgument);

  testing::TempDir dir;
  const std::string tmpl =
      xml.substr(0, xml.rfind("</TrustServiceStatusList>")) +
      R"(<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>)"
      R"(<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>)"
      R"(<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>)"
      R"(<ds:Reference URI="#tsl"><ds:Transforms>)"
      R"(<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>)"
      R"(<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>)"
      R"(<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>)"
      R"(<ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/>)"
      R"(<ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature></TrustServiceStatusList>)";
  testing::WriteFile(dir.File("tmpl.xml"), tmpl);
  testing::WriteFile(dir.File("key.pem"), op_key.ToPem());
  testing::WriteFile(dir.File("cert.pem"), op_cert.ToPem());
  auto r = testing::RunCommand("cd " + dir.path() +
                               " && xmlsec1 --sign --id-attr:Id "
                               "'http://uri.etsi.org/02231/v2#:TrustServiceStatusList' "
                               "--privkey-pem key.pem,cert.pem --output signed.xml tmpl.xml");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto theirs = VerifyEtsiTrustListSignature(testing::ReadFile(dir.File("signed.xml")), ops);
  ASSERT_TRUE(theirs) << theirs.error().ToString();
  // The list still imports with its signature in place.
  EXPECT_TRUE(ImportEtsiTrustList(testing::ReadFile(dir.File("signed.xml"))));
}

void ExpectRejected(std::string_view xml, std::string_view reason) {
  auto r = ImportEtsiTrustList(xml);
  ASSERT_FALSE(r) << xml.substr(0, 80);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find(reason), std::string::npos) << r.error().message();
}

TEST_F(EtsiTrustList, RejectsHostileAndMalformedXml) {
  const auto good = TrustedList("DE", Service("s", "granted", ca_->certificate()));
  // External entity (XXE) and entity expansion (billion laughs): any DOCTYPE.
  ExpectRejected(
      R"(<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>)"
      R"(<TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#">&x;</TrustServiceStatusList>)",
      "DOCTYPE");
  ExpectRejected(
      R"(<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">)"
      R"(<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><a>&lol2;</a>)",
      "DOCTYPE");
  ExpectRejected(R"(<!DOCTYPE a SYSTEM "http://127.0.0.1:1/evil.dtd"><a/>)", "DOCTYPE");
  ExpectRejected("<unclosed>", "not well-formed");
  ExpectRejected("", "not well-formed");
  ExpectRejected(good.substr(0, good.size() / 2), "not well-formed");
  ExpectRejected("<a xmlns='urn:other'/>", "not an ETSI");
  ExpectRejected(TrustedList("", ""), "SchemeTerritory");
  std::string bad_cert = good;
  bad_cert.replace(bad_cert.find("<X509Certificate>") + 17, 0, "!!");
  ExpectRejected(bad_cert, "base64");
  std::string truncated_cert = TrustedList("DE",
                                           "<TSPService><ServiceInformation>"
                                           "<ServiceDigitalIdentity><DigitalId>"
                                           "<X509Certificate>MIIB</X509Certificate>"
                                           "</DigitalId></ServiceDigitalIdentity>"
                                           "<ServiceStatus>http://uri.etsi.org/TrstSvc/"
                                           "TrustedList/Svcstatus/granted</ServiceStatus>"
                                           "</ServiceInformation></TSPService>");
  ExpectRejected(truncated_cert, "DER certificate");
  auto big = ImportEtsiTrustList(std::string(17 << 20, ' '));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code(), ErrorCode::kResourceExhausted);
}

}  // namespace
}  // namespace digitrade::crypto
