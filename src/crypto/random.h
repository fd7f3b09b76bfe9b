// Cryptographically secure randomness, injected. Production uses
// OsRandom (OpenSSL's DRBG seeded by the OS); tests may substitute a
// deterministic Random. Implementations are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace digitrade::crypto {

class Random {
 public:
  virtual ~Random() = default;
  // Fills `out` with `n` random bytes. Errors: internal if the generator fails.
  virtual Status Fill(std::uint8_t* out, std::size_t n) = 0;

  Result<std::vector<std::uint8_t>> Bytes(std::size_t n);
};

class OsRandom final : public Random {
 public:
  Status Fill(std::uint8_t* out, std::size_t n) override;
};

}  // namespace digitrade::crypto
