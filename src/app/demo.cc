#include "app/demo.h"

#include <boost/json/parse.hpp>
#include <map>
#include <string>
#include <vector>

#include "app/routes.h"
#include "trade/etr/registry.h"

namespace digitrade::app {

namespace {

struct DemoOrg {
  const char* name;
  const char* scheme;
  std::string identifier;  // USCC without its check character, or a full LEI
  const char* country;
  std::vector<std::pair<const char*, std::vector<std::string>>> users;
};

std::string Uscc(std::string first17) {
  first17 += identity::UsccCheckCharacter(first17);
  return first17;
}

namespace etr = trade::etr;

constexpr const char* kDemoReceipt = R"({"receiptNumber": "TJW-DEMO-0001",
  "warehouse": {"name": "Tianjin Port Bonded Warehouse No. 3",
                "address": "88 Bohai Road, Binhai, Tianjin", "UNLocationCode": "CNTSN"},
  "goods": {"description": "Hot-rolled steel coils", "HSCode": "720851"},
  "quantity": 1200, "unit": "TNE", "issueDate": "2026-11-28"})";

// A demo party signing with a key the server holds for it.
struct Signer {
  std::string org;
  std::string key_id;
};

Result<Signer> DemoParty(Platform& p, const std::string& org, const std::string& name, bool carrier,
                         crypto::KeyType type) {
  DT_TRY(p.etr->PutParty({org, name, carrier, carrier}));
  DT_ASSIGN_OR_RETURN(auto key, p.signing->CreateKey(org, type));
  DT_TRY(p.etr->RegisterKey(org, key.public_jwk, "vault"));
  return Signer{org, key.id};
}

Result<std::string> Sign(Platform& p, const Signer& s, std::string_view payload) {
  DT_ASSIGN_OR_RETURN(
      auto sig, p.signing->Sign(s.key_id, signing::SignatureFormat::kJws,
                                {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()},
                                false));
  return std::string(sig.begin(), sig.end());
}

Result<std::string> Issue(Platform& p, const Signer& issuer, etr::RecordType type,
                          boost::json::value document, const std::string& to) {
  const etr::IssueInput in{type, std::move(document), issuer.org, to, "", "demo data"};
  DT_ASSIGN_OR_RETURN(auto draft, p.etr->PrepareIssue(in));
  DT_ASSIGN_OR_RETURN(auto manifest, Sign(p, issuer, draft.manifest_payload));
  DT_ASSIGN_OR_RETURN(auto action, Sign(p, issuer, draft.action_payload));
  DT_ASSIGN_OR_RETURN(auto out, p.etr->Issue({in, manifest, action}, issuer.org));
  return out.record.id;
}

Status Act(Platform& p, const std::string& record, const Signer& actor, etr::ActionCode code,
           const std::string& to) {
  DT_ASSIGN_OR_RETURN(auto prepared, p.etr->PrepareAction(record, {code, actor.org, to, ""}));
  DT_ASSIGN_OR_RETURN(auto jws, Sign(p, actor, prepared.payload));
  DT_TRY(p.etr->Act(record, jws, actor.org));
  return {};
}

// orgs: the carrier, two traders and the zone's bank, by name.
Result<int> LoadDemoRecords(Platform& p, const std::map<std::string, std::string>& orgs) {
  auto org = [&](const char* name) { return orgs.at(name); };
  DT_ASSIGN_OR_RETURN(auto carrier, DemoParty(p, org("Tianjin Port Container Lines Co., Ltd."),
                                              "Tianjin Port Container Lines", true,
                                              crypto::KeyType::kEcP256));
  DT_ASSIGN_OR_RETURN(auto beijing, DemoParty(p, org("Beijing Silk Road Trading Co., Ltd."),
                                              "Beijing Silk Road Trading", false,
                                              crypto::KeyType::kEd25519));
  DT_ASSIGN_OR_RETURN(auto hebei, DemoParty(p, org("Hebei Xiong'an Green Steel Co., Ltd."),
                                            "Hebei Xiong'an Green Steel", false,
                                            crypto::KeyType::kSm2));
  DT_ASSIGN_OR_RETURN(auto bank, DemoParty(p, org("Bank of the Pilot Zone"),
                                           "Bank of the Pilot Zone", false,
                                           crypto::KeyType::kEcP256));
  auto bill = boost::json::parse(kDemoTransportDocument);
  bill.as_object()["transportDocumentReference"] = "DGTR-DEMO-0001";
  DT_ASSIGN_OR_RETURN(auto ebl, Issue(p, carrier, etr::RecordType::kEbl, bill, beijing.org));
  DT_TRY(Act(p, ebl, beijing, etr::ActionCode::kTransfer, hebei.org));
  DT_ASSIGN_OR_RETURN(auto receipt, Issue(p, carrier, etr::RecordType::kWarehouseReceipt,
                                          boost::json::parse(kDemoReceipt), hebei.org));
  DT_TRY(Act(p, receipt, hebei, etr::ActionCode::kPledge, bank.org));
  return 2;
}

}  // namespace

Result<DemoResult> LoadDemoData(Platform& p) {
  identity::Directory& directory = *p.directory;
  DemoResult result;
  DT_ASSIGN_OR_RETURN(auto counts, directory.Count());
  if (counts.organisations > 0) return result;
  const std::vector<DemoOrg> orgs = {
      {"Jingjin Ji Pilot Zone Administration", "uscc", Uscc("11110000MB0123456"), "CN",
       {{"zone.regulator", {"regulator"}}, {"zone.mediator", {"mediator"}}}},
      {"Tianjin Port Container Lines Co., Ltd.", "uscc", Uscc("91120116MA05KX7T2"), "CN",
       {{"tj.carrier", {"carrier"}}}},
      {"Beijing Silk Road Trading Co., Ltd.", "uscc", Uscc("91110105MA01RQ3B4"), "CN",
       {{"bj.trader", {"trader"}}, {"bj.data", {"data_exchange"}}}},
      {"Hebei Xiong'an Green Steel Co., Ltd.", "uscc", Uscc("91130629MA0D8L5K1"), "CN",
       {{"hb.trader", {"trader"}}}},
      {"Tianjin Customs District", "uscc", Uscc("11120000000012345"), "CN",
       {{"tj.customs", {"customs"}}}},
      {"Bank of the Pilot Zone", "uscc", Uscc("91110000MA00BANK1"), "CN", {{"zone.bank", {"bank"}}}},
      {"Deutsche Bank AG", "lei", "7LTWFZYICNSX8D621K86", "DE", {{"db.trade", {"bank"}}}},
      {"Apple Inc.", "lei", "HWUPKR0MPOU8FGXBT394", "US", {{"apple.buyer", {"trader", "consumer"}}}},
  };
  std::map<std::string, std::string> ids;
  for (const auto& o : orgs) {
    DT_ASSIGN_OR_RETURN(auto org, directory.CreateOrganisation({.name = o.name,
                                                                .identifier_scheme = o.scheme,
                                                                .identifier = o.identifier,
                                                                .country = o.country}));
    ++result.organisations;
    ids[o.name] = org.id;
    for (const auto& [name, roles] : o.users) {
      DT_ASSIGN_OR_RETURN(auto user, directory.CreateUser(
                                         {.name = name, .organisation_id = org.id, .roles = roles}));
      DT_ASSIGN_OR_RETURN(auto token, directory.CreateToken(user.id, "demo"));
      std::string joined;
      for (const auto& r : roles) joined += (joined.empty() ? "" : ",") + r;
      result.users.push_back({name, joined, token.secret});
    }
  }
  if (p.etr == nullptr) {
    result.records_skipped = "the evidence log is not open";
  } else if (p.signing == nullptr) {
    result.records_skipped = "server-side signing is not configured (DIGITRADE_KEK)";
  } else {
    DT_ASSIGN_OR_RETURN(result.records, LoadDemoRecords(p, ids));
  }
  return result;
}

}  // namespace digitrade::app
