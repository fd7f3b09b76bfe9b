// Roles a user may hold, and the server-side role check.
//
// A user holds a set of roles; every state-changing endpoint names the roles
// allowed to call it and the server checks them (never the client). Value
// types; thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace digitrade::identity {

enum class Role : std::uint8_t {
  kAdmin,         // platform operator: organisations, users, tokens
  kTrader,        // exporters, importers, shippers
  kCarrier,       // issues and surrenders bills of lading
  kBank,          // verifies documents, holds pledges
  kCustoms,       // and other single-window agencies
  kDataExchange,  // data-exchange operator
  kRegulator,
  kConsumer,
  kMediator,
  kPlatform,      // another eBL platform (a DCSA PINT peer)
};

inline constexpr Role kAllRoles[] = {Role::kAdmin,     Role::kTrader,       Role::kCarrier,
                                     Role::kBank,      Role::kCustoms,      Role::kDataExchange,
                                     Role::kRegulator, Role::kConsumer,     Role::kMediator,
                                     Role::kPlatform};

// Stable wire names: "admin", "trader", "carrier", "bank", "customs",
// "data_exchange", "regulator", "consumer", "mediator", "platform".
std::string_view RoleName(Role r);
// Errors: invalid_argument listing the known roles.
Result<Role> ParseRole(std::string_view name);

class RoleSet {
 public:
  RoleSet() = default;
  RoleSet(std::initializer_list<Role> roles) {
    for (Role r : roles) Add(r);
  }
  void Add(Role r) { bits_ |= Bit(r); }
  bool Has(Role r) const { return (bits_ & Bit(r)) != 0; }
  bool HasAny(const RoleSet& other) const { return (bits_ & other.bits_) != 0; }
  bool empty() const { return bits_ == 0; }
  std::vector<Role> ToVector() const;
  std::vector<std::string> Names() const;

  friend bool operator==(const RoleSet&, const RoleSet&) = default;

 private:
  static std::uint32_t Bit(Role r) { return 1u << static_cast<unsigned>(r); }
  std::uint32_t bits_ = 0;
};

}  // namespace digitrade::identity
