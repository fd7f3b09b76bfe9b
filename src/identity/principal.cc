#include "identity/principal.h"

#include <fmt/format.h>

namespace digitrade::identity {

Status RequireAnyRole(const Principal& p, const RoleSet& allowed) {
  if (p.roles.HasAny(allowed)) return {};
  std::string names;
  for (const auto& n : allowed.Names()) {
    if (!names.empty()) names += " or ";
    names += n;
  }
  return PermissionDenied(fmt::format("this action requires the role {}", names));
}

}  // namespace digitrade::identity
