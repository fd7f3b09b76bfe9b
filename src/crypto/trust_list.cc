#include "crypto/trust_list.h"

#include "crypto/etsi_trust_list.h"

namespace digitrade::crypto {

Result<TrustList> TrustList::FromPem(std::string name, std::string jurisdiction,
                                     std::string_view pem) {
  DT_ASSIGN_OR_RETURN(auto certs, Certificate::ChainFromPem(pem));
  TrustList list(std::move(name), std::move(jurisdiction));
  for (auto& c : certs) list.Add(std::move(c));
  return list;
}

Result<TrustList> LoadTrustList(std::string_view content, std::string_view name,
                                std::string_view jurisdiction) {
  const auto start = content.find_first_not_of(" \t\r\n\xef\xbb\xbf");
  if (start != std::string_view::npos && content[start] == '<') {
    return ImportEtsiTrustList(content, name);
  }
  if (name.empty() || jurisdiction.empty()) {
    return InvalidArgument("a PEM trust list needs a name and a jurisdiction");
  }
  return TrustList::FromPem(std::string(name), std::string(jurisdiction), content);
}

void TrustList::Add(Certificate certificate, std::string service_name) {
  anchors_.push_back({std::move(certificate), std::move(service_name)});
}

std::string TrustList::ToPem() const {
  std::string out;
  for (const auto& a : anchors_) out += a.certificate.ToPem();
  return out;
}

std::optional<TrustAnchorInfo> TrustStore::Find(const Certificate& anchor) const {
  for (const auto& list : lists_) {
    for (const auto& a : list.anchors()) {
      if (a.certificate == anchor) {
        return TrustAnchorInfo{.subject = anchor.Subject(),
                               .fingerprint_sha256 = anchor.Sha256Fingerprint(),
                               .trust_list = list.name(),
                               .jurisdiction = list.jurisdiction(),
                               .service_name = a.service_name};
      }
    }
  }
  return std::nullopt;
}

bool TrustStore::empty() const {
  for (const auto& l : lists_) {
    if (!l.anchors().empty()) return false;
  }
  return true;
}

}  // namespace digitrade::crypto
