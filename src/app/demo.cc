#include "app/demo.h"

#include <string>
#include <vector>

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

}  // namespace

Result<int> LoadDemoData(identity::Directory& directory) {
  DT_ASSIGN_OR_RETURN(auto counts, directory.Count());
  if (counts.organisations > 0) return 0;
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
  int created = 0;
  for (const auto& o : orgs) {
    DT_ASSIGN_OR_RETURN(auto org, directory.CreateOrganisation({.name = o.name,
                                                                .identifier_scheme = o.scheme,
                                                                .identifier = o.identifier,
                                                                .country = o.country}));
    ++created;
    for (const auto& [name, roles] : o.users) {
      DT_TRY(directory.CreateUser({.name = name, .organisation_id = org.id, .roles = roles}));
    }
  }
  return created;
}

}  // namespace digitrade::app
