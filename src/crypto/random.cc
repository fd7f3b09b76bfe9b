#include "crypto/random.h"

#include <openssl/rand.h>

namespace digitrade::crypto {

Result<std::vector<std::uint8_t>> Random::Bytes(std::size_t n) {
  std::vector<std::uint8_t> out(n);
  DT_TRY(Fill(out.data(), n));
  return out;
}

Status OsRandom::Fill(std::uint8_t* out, std::size_t n) {
  if (n == 0) return {};
  if (RAND_bytes(out, static_cast<int>(n)) != 1) return Internal("RAND_bytes failed");
  return {};
}

}  // namespace digitrade::crypto
