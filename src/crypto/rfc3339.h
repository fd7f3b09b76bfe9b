// RFC 3339 UTC timestamps ("2027-01-15T08:00:00Z") as JAdES sigT and the
// CLI use them. Thread-safe free functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crypto/certificate.h"

namespace digitrade::crypto {

// Whole seconds, "Z" suffix.
std::string FormatRfc3339(UnixTime t);
// Accepts optional fractional seconds; only "Z" (UTC) as the zone.
std::optional<UnixTime> ParseRfc3339(std::string_view text);

}  // namespace digitrade::crypto
