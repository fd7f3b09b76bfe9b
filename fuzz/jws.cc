// Fuzz target: the JSON signature parsers. Bytes are parsed as a JWS
// (compact or JSON), verified with a fixed Ed25519 key and validated as a
// signed object (x5c path) against an empty trust store; also fed to the
// JCS canonicaliser and the JWK importers. Nothing may crash, leak or
// pass: no input can carry a valid signature by the fixed key.
#include "crypto/jws.h"

#include <cstdint>
#include <string_view>

#include "crypto/jcs.h"
#include "crypto/keys.h"
#include "crypto/signature_validator.h"

namespace {

using namespace digitrade::crypto;

const PublicKey& FixedKey() {
  static const PublicKey key =
      PublicKey::FromJwkJson(
          R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})")
          .value();
  return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto parsed = ParseJws(text)) {
    const std::uint8_t detached[] = {'x'};
    (void)VerifyJws(*parsed, FixedKey(), {.detached_payload = detached});
  }
  static const TrustStore store;
  const SignatureValidator validator(store);
  auto report = validator.ValidateJws(text, {.validation_time = 1'800'000'000});
  if (report.passed()) __builtin_trap();  // nothing is trusted
  (void)CanonicalizeJson(text);
  (void)PublicKey::FromJwkJson(text);
  (void)PrivateKey::FromJwkJson(text);
  return 0;
}
