// Fuzz target: the XML signature and trusted-list parsers. Bytes are
// validated as an enveloped XMLDSig document against an empty trust store
// and imported as an ETSI TS 119 612 trusted list: nothing may crash, leak,
// fetch anything or pass.
#include <cstdint>
#include <string_view>

#include "crypto/etsi_trust_list.h"
#include "crypto/signature_validator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace digitrade::crypto;
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  static const TrustStore store;
  const SignatureValidator validator(store);
  if (validator.ValidateXml(xml, {.validation_time = 1'800'000'000}).passed()) __builtin_trap();
  (void)ImportEtsiTrustList(xml);
  return 0;
}
