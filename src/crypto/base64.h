// Base64 (RFC 4648 §4) and base64url without padding (§5, as JOSE uses it).
// Decoders are strict: they reject characters outside the alphabet, bad
// padding and non-canonical trailing bits. Thread-safe free functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace digitrade::crypto {

std::string Base64Encode(std::span<const std::uint8_t> data);
std::string Base64UrlEncode(std::span<const std::uint8_t> data);
inline std::string Base64Encode(std::string_view s) {
  return Base64Encode({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
}
inline std::string Base64UrlEncode(std::string_view s) {
  return Base64UrlEncode({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
}

// Errors: invalid_argument naming the offending position.
Result<std::vector<std::uint8_t>> Base64Decode(std::string_view text);
Result<std::vector<std::uint8_t>> Base64UrlDecode(std::string_view text);

}  // namespace digitrade::crypto
