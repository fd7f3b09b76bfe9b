#include "crypto/internal/openssl.h"

#include <openssl/err.h>

namespace digitrade::crypto::internal {

std::string OpenSslError(std::string_view what) {
  std::string out(what);
  unsigned long code = 0;  // NOLINT(google-runtime-int): OpenSSL's type
  bool first = true;
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    out += first ? ": " : "; ";
    out += buf;
    first = false;
  }
  return out;
}

Bio ReadBio(std::span<const std::uint8_t> data) {
  return Bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

Bio ReadBio(std::string_view data) {
  return ReadBio(Bytes(data));
}

std::vector<std::uint8_t> BioBytes(BIO* bio) {
  char* p = nullptr;
  const long n = BIO_get_mem_data(bio, &p);  // NOLINT(google-runtime-int)
  if (n <= 0) return {};
  return {reinterpret_cast<const std::uint8_t*>(p), reinterpret_cast<const std::uint8_t*>(p) + n};
}

std::string BioString(BIO* bio) {
  char* p = nullptr;
  const long n = BIO_get_mem_data(bio, &p);  // NOLINT(google-runtime-int)
  if (n <= 0) return {};
  return std::string(p, static_cast<std::size_t>(n));
}

}  // namespace digitrade::crypto::internal
