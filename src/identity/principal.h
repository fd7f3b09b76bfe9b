// Who is calling: the authenticated principal behind an API token, and the
// Authenticator interface http/ uses to resolve a bearer token.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "identity/roles.h"

namespace digitrade::identity {

struct Principal {
  std::string user_id;
  std::string user_name;
  std::optional<std::string> organisation_id;
  RoleSet roles;
  std::string token_id;

  bool Has(Role r) const { return roles.Has(r); }
};

// Succeeds when `p` holds at least one of `allowed`. Errors: permission_denied
// naming the roles that would be accepted.
Status RequireAnyRole(const Principal& p, const RoleSet& allowed);

// Resolves a bearer token to a principal. Implementations are thread-safe.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // Errors: unauthenticated (malformed, unknown, revoked or expired token,
  // with which of these in the message), unavailable/internal from storage.
  virtual Result<Principal> Authenticate(std::string_view bearer_token) = 0;
};

}  // namespace digitrade::identity
