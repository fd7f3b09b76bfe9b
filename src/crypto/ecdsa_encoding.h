// Conversions between the two encodings of an (r, s) signature pair, for
// ECDSA and SM2: DER SEQUENCE { INTEGER r, INTEGER s } (X9.62, RFC 3279,
// GB/T 35276) and the fixed-size big-endian r||s that JOSE uses (RFC 7518
// §3.4). Thread-safe free functions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/result.h"

namespace digitrade::crypto {

// DER to r||s, each padded to `scalar_bytes` (32 for P-256 and SM2, 48 for
// P-384). Errors: invalid_argument for malformed DER, trailing data or
// values wider than `scalar_bytes`.
Result<std::vector<std::uint8_t>> EcdsaDerToRaw(std::span<const std::uint8_t> der,
                                                std::size_t scalar_bytes);

// r||s to DER. Errors: invalid_argument unless `raw` has 2 * scalar_bytes
// bytes.
Result<std::vector<std::uint8_t>> EcdsaRawToDer(std::span<const std::uint8_t> raw,
                                                std::size_t scalar_bytes);

}  // namespace digitrade::crypto
