// Message digests: SHA-256/384/512 (FIPS 180-4) and SM3 (GB/T 32905).
// Stateless free functions plus an incremental Hasher; thread-safe (a Hasher
// object is not shared between threads).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace digitrade::crypto {

enum class HashAlgorithm { kSha256, kSha384, kSha512, kSm3 };

// "sha-256", "sha-384", "sha-512", "sm3".
std::string_view HashName(HashAlgorithm alg);
// Parses the names above (case-insensitive; "sha256" also accepted).
Result<HashAlgorithm> ParseHashName(std::string_view name);
std::size_t DigestSize(HashAlgorithm alg);

using Digest = std::vector<std::uint8_t>;

Digest Hash(HashAlgorithm alg, std::span<const std::uint8_t> data);
Digest Hash(HashAlgorithm alg, std::string_view data);
inline Digest Sha256(std::string_view data) { return Hash(HashAlgorithm::kSha256, data); }

// Incremental hashing for large or multi-part inputs.
class Hasher {
 public:
  explicit Hasher(HashAlgorithm alg);
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void Update(std::span<const std::uint8_t> data);
  void Update(std::string_view data);
  // Returns the digest; the hasher must not be used afterwards.
  Digest Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Lower-case hex encoding and decoding.
std::string ToHex(std::span<const std::uint8_t> bytes);
Result<std::vector<std::uint8_t>> FromHex(std::string_view hex);

// Constant-time equality for secrets and MACs.
bool ConstantTimeEquals(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

}  // namespace digitrade::crypto
