#include "identity/roles.h"

#include <fmt/format.h>

namespace digitrade::identity {

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kAdmin: return "admin";
    case Role::kTrader: return "trader";
    case Role::kCarrier: return "carrier";
    case Role::kBank: return "bank";
    case Role::kCustoms: return "customs";
    case Role::kDataExchange: return "data_exchange";
    case Role::kRegulator: return "regulator";
    case Role::kConsumer: return "consumer";
    case Role::kMediator: return "mediator";
    case Role::kPlatform: return "platform";
  }
  return "unknown";
}

Result<Role> ParseRole(std::string_view name) {
  for (Role r : kAllRoles) {
    if (RoleName(r) == name) return r;
  }
  std::string known;
  for (Role r : kAllRoles) {
    if (!known.empty()) known += ", ";
    known += RoleName(r);
  }
  return InvalidArgument(fmt::format("unknown role \"{}\": expected one of {}", name, known));
}

std::vector<Role> RoleSet::ToVector() const {
  std::vector<Role> out;
  for (Role r : kAllRoles) {
    if (Has(r)) out.push_back(r);
  }
  return out;
}

std::vector<std::string> RoleSet::Names() const {
  std::vector<std::string> out;
  for (Role r : ToVector()) out.emplace_back(RoleName(r));
  return out;
}

}  // namespace digitrade::identity
