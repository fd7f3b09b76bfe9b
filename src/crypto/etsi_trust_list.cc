#include "crypto/etsi_trust_list.h"

#include <fmt/format.h>

#include <array>
#include <ctime>

#include "crypto/base64.h"
#include "crypto/internal/xml.h"
#include "crypto/internal/xmldsig_verify.h"

namespace digitrade::crypto {

namespace {

constexpr const char* kTslNs = "http://uri.etsi.org/02231/v2#";

// Statuses under which a service's certificates are trusted (TS 119 612
// §5.5.4, including the pre-eIDAS values still found in lists).
constexpr std::array<std::string_view, 6> kApprovingStatuses = {
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted",
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/recognisedatnationallevel",
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/setbynationallaw",
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/accredited",
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/undersupervision",
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/supervisionincessation",
};

bool Approving(std::string_view status) {
  for (auto s : kApprovingStatuses) {
    if (s == status) return true;
  }
  return false;
}

std::optional<UnixTime> ParseDateTime(const std::string& text) {
  std::tm tm{};
  if (text.size() < 19 || strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) {
    return std::nullopt;
  }
  return static_cast<UnixTime>(timegm(&tm));
}

// The certificates of one service's digital identity.
Result<std::vector<Certificate>> ServiceCertificates(internal::XPath& xp, xmlNode* service) {
  std::vector<Certificate> out;
  for (xmlNode* n : xp.Nodes(
           "tsl:ServiceInformation/tsl:ServiceDigitalIdentity/tsl:DigitalId/tsl:X509Certificate",
           service)) {
    xmlChar* content = xmlNodeGetContent(n);
    std::string b64 = content != nullptr ? reinterpret_cast<const char*>(content) : "";
    xmlFree(content);
    std::erase_if(b64, [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
    auto der = Base64Decode(b64);
    if (!der) return InvalidArgument("X509Certificate is not base64: " + der.error().message());
    DT_ASSIGN_OR_RETURN(auto cert, Certificate::FromDer(*der));
    out.push_back(std::move(cert));
  }
  return out;
}

}  // namespace

Result<TrustList> ImportEtsiTrustList(std::string_view xml, std::string_view name,
                                      EtsiTrustListInfo* info) {
  DT_ASSIGN_OR_RETURN(auto doc, internal::ParseXml(xml));
  internal::XPath xp(doc.get(), {{"tsl", kTslNs}});
  if (xp.Nodes("/tsl:TrustServiceStatusList").empty()) {
    return InvalidArgument("not an ETSI TS 119 612 TrustServiceStatusList");
  }
  EtsiTrustListInfo local;
  EtsiTrustListInfo& meta = info != nullptr ? *info : local;
  const char* scheme = "/tsl:TrustServiceStatusList/tsl:SchemeInformation/";
  meta.territory = xp.Text(fmt::format("{}tsl:SchemeTerritory", scheme).c_str());
  if (meta.territory.empty()) return InvalidArgument("trusted list has no SchemeTerritory");
  meta.sequence_number = xp.Text(fmt::format("{}tsl:TSLSequenceNumber", scheme).c_str());
  meta.operator_name =
      xp.Text(fmt::format("{}tsl:SchemeOperatorName/tsl:Name[@xml:lang='en']", scheme).c_str());
  if (meta.operator_name.empty()) {
    meta.operator_name = xp.Text(fmt::format("{}tsl:SchemeOperatorName/tsl:Name", scheme).c_str());
  }
  TrustList list(name.empty() ? fmt::format("ETSI TL {} #{}", meta.territory, meta.sequence_number)
                              : std::string(name),
                 meta.territory);
  if (auto next =
          ParseDateTime(xp.Text(fmt::format("{}tsl:NextUpdate/tsl:dateTime", scheme).c_str()))) {
    list.set_next_update(*next);
  }
  for (xmlNode* service : xp.Nodes("//tsl:TSPService")) {
    ++meta.services_seen;
    if (!Approving(xp.Text("tsl:ServiceInformation/tsl:ServiceStatus", service))) continue;
    std::string service_name =
        xp.Text("tsl:ServiceInformation/tsl:ServiceName/tsl:Name[@xml:lang='en']", service);
    if (service_name.empty())
      service_name = xp.Text("tsl:ServiceInformation/tsl:ServiceName/tsl:Name", service);
    auto certs = ServiceCertificates(xp, service);
    if (!certs)
      return std::unexpected(certs.error().WithContext("service \"" + service_name + "\""));
    for (auto& c : *certs) list.Add(std::move(c), service_name);
    if (!certs->empty()) ++meta.services_imported;
  }
  return list;
}

Result<Certificate> VerifyEtsiTrustListSignature(
    std::string_view xml, std::span<const Certificate> scheme_operator_certificates) {
  auto check = internal::CheckEnvelopedSignature(xml);
  if (check.failure == SubIndication::kFormatFailure ||
      check.failure == SubIndication::kNoSignerCertificateFound) {
    return InvalidArgument("trusted list signature: " + check.message);
  }
  if (check.failure != SubIndication::kNone) {
    return Unauthenticated("trusted list signature: " + check.message);
  }
  for (const auto& c : scheme_operator_certificates) {
    if (c == *check.signer) return *check.signer;
  }
  return Unauthenticated(fmt::format("the trusted list is signed by {}, not by its scheme operator",
                                     check.signer->Subject()));
}

}  // namespace digitrade::crypto
