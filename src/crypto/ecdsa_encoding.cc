#include "crypto/ecdsa_encoding.h"

#include <fmt/format.h>
#include <openssl/ec.h>
#include <openssl/err.h>

#include "crypto/internal/openssl.h"

namespace digitrade::crypto {

namespace {
using EcdsaSig = internal::Owned<ECDSA_SIG, ECDSA_SIG_free>;
}

Result<std::vector<std::uint8_t>> EcdsaDerToRaw(std::span<const std::uint8_t> der,
                                                std::size_t scalar_bytes) {
  const unsigned char* p = der.data();
  EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));  // NOLINT
  if (!sig) {
    ERR_clear_error();
    return InvalidArgument("signature is not a DER SEQUENCE of two INTEGERs");
  }
  if (p != der.data() + der.size()) return InvalidArgument("trailing data after DER signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::vector<std::uint8_t> raw(2 * scalar_bytes);
  const int n = static_cast<int>(scalar_bytes);
  if (BN_is_negative(r) || BN_is_negative(s) || BN_bn2binpad(r, raw.data(), n) != n ||
      BN_bn2binpad(s, raw.data() + scalar_bytes, n) != n) {
    ERR_clear_error();
    return InvalidArgument(fmt::format("signature values wider than {} bytes", scalar_bytes));
  }
  return raw;
}

Result<std::vector<std::uint8_t>> EcdsaRawToDer(std::span<const std::uint8_t> raw,
                                                std::size_t scalar_bytes) {
  if (raw.size() != 2 * scalar_bytes) {
    return InvalidArgument(
        fmt::format("signature must be {} bytes, found {}", 2 * scalar_bytes, raw.size()));
  }
  const int n = static_cast<int>(scalar_bytes);
  internal::Bn r(BN_bin2bn(raw.data(), n, nullptr));
  internal::Bn s(BN_bin2bn(raw.data() + scalar_bytes, n, nullptr));
  EcdsaSig sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return Internal(internal::OpenSslError("ECDSA_SIG"));
  }
  (void)r.release();
  (void)s.release();
  auto der = internal::EncodeDer(i2d_ECDSA_SIG, sig.get());
  if (der.empty()) return Internal(internal::OpenSslError("i2d_ECDSA_SIG"));
  return der;
}

}  // namespace digitrade::crypto
