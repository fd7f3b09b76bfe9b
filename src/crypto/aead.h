// AES-256-GCM sealing of secrets at rest (server-held signing keys).
// Sealed form: 12-byte random nonce || ciphertext || 16-byte tag; the
// associated data binds a sealed value to its context (e.g. the key id)
// so it cannot be moved to another record. Thread-safe free functions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/result.h"
#include "crypto/random.h"

namespace digitrade::crypto {

inline constexpr std::size_t kSealingKeyBytes = 32;

// Errors: invalid_argument for a key that is not 32 bytes; internal.
Result<std::vector<std::uint8_t>> Seal(std::span<const std::uint8_t> key,
                                       std::span<const std::uint8_t> plaintext,
                                       std::span<const std::uint8_t> associated_data,
                                       Random& random);

// Errors: invalid_argument (key size, too short); unauthenticated when the
// tag does not verify (wrong key, tampered data or other associated data).
Result<std::vector<std::uint8_t>> Open(std::span<const std::uint8_t> key,
                                       std::span<const std::uint8_t> sealed,
                                       std::span<const std::uint8_t> associated_data);

}  // namespace digitrade::crypto
