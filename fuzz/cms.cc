// Fuzz target: the CMS / CAdES and RFC 3161 parsers. Bytes are validated as
// a detached CMS signature (DER or PEM) over fixed content and as a
// timestamp token or response over fixed data, against an empty trust
// store: nothing may crash, leak or pass.
#include "crypto/cms.h"

#include <cstdint>
#include <span>

#include "crypto/signature_validator.h"
#include "crypto/timestamp.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace digitrade::crypto;
  const std::span<const std::uint8_t> input(data, size);
  static const TrustStore store;
  const SignatureValidator validator(store);
  const std::uint8_t content[] = {'d', 'o', 'c'};
  const ValidationInput vi{.validation_time = 1'800'000'000, .detached_content = content};
  if (validator.ValidateCms(input, vi).passed()) __builtin_trap();
  if (validator.ValidateTimestamp(input, content, vi).passed()) __builtin_trap();
  (void)CmsSignatureValue(input);
  (void)TimestampTokenFromResponse(input);
  return 0;
}
