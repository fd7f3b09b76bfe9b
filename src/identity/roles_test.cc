#include "identity/roles.h"

#include <gtest/gtest.h>

#include "identity/principal.h"

namespace digitrade::identity {
namespace {

TEST(Roles, NamesRoundTrip) {
  for (Role r : kAllRoles) EXPECT_EQ(ParseRole(RoleName(r)).value(), r);
  auto bad = ParseRole("superuser");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("data_exchange"), std::string::npos);
}

TEST(Roles, RequireAnyRole) {
  Principal p{.user_id = "usr_1", .roles = {Role::kCarrier}};
  EXPECT_TRUE(RequireAnyRole(p, {Role::kCarrier, Role::kTrader}));
  auto denied = RequireAnyRole(p, {Role::kAdmin, Role::kRegulator});
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(denied.error().message(), "this action requires the role admin or regulator");
}

}  // namespace
}  // namespace digitrade::identity
