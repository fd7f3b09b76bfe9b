// Ed25519 (RFC 8032) with raw 32-byte keys: the primitive under C2SP signed
// notes and the platform's own JWS EdDSA. The general key facade (keys of
// every algorithm, PEM/DER/JWK) builds on top; this header is the small,
// stable surface the ledger needs. Keys are value types; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "crypto/random.h"

namespace digitrade::crypto {

class Ed25519PrivateKey {
 public:
  // A new key from `random`. Errors: internal.
  static Result<Ed25519PrivateKey> Generate(Random& random);
  // From the 32-byte RFC 8032 seed. Errors: invalid_argument on wrong size.
  static Result<Ed25519PrivateKey> FromSeed(std::span<const std::uint8_t> seed);

  const std::array<std::uint8_t, 32>& seed() const { return seed_; }
  const std::array<std::uint8_t, 32>& public_key() const { return public_key_; }

  // 64-byte signature over `message`.
  std::vector<std::uint8_t> Sign(std::span<const std::uint8_t> message) const;
  std::vector<std::uint8_t> Sign(std::string_view message) const {
    return Sign({reinterpret_cast<const std::uint8_t*>(message.data()), message.size()});
  }

 private:
  std::array<std::uint8_t, 32> seed_{};
  std::array<std::uint8_t, 32> public_key_{};
};

// True only for a valid signature by `public_key` (32 bytes) over `message`.
bool Ed25519Verify(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> message,
                   std::span<const std::uint8_t> signature);

}  // namespace digitrade::crypto
