// Fuzz target: signed actions as Registry::Act receives them (compact JWS,
// strict payload, DCSA PINT Transaction schema, chain fields). Whatever
// parses must serialise back to a payload that parses to the same chain
// fields; with foreign recipients allowed (an action sent over PINT), a
// payload that parsed without them parses alike, and a foreign recipient is
// never an organisation id.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/base64.h"
#include "crypto/jws.h"
#include "trade/etr/action.h"
#include "trade/etr/dcsa_schema.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace digitrade::trade::etr;
  static const SchemaSet pint = SchemaSet::Dcsa(kDcsaPint).value();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto foreign = ParseSignedAction(text, pint, "DGTR", /*allow_foreign_recipient=*/true);
  if (foreign && foreign->payload.recipient_foreign &&
      foreign->payload.recipient_id.find('/') == std::string::npos) {
    __builtin_trap();
  }
  auto action = ParseSignedAction(text, pint, "DGTR");
  if (action && (!foreign || foreign->payload.recipient_id != action->payload.recipient_id)) {
    __builtin_trap();
  }
  if (!action) return 0;
  auto bytes = SerializePayload(action->payload);
  if (!bytes) return 0;  // e.g. strings that are not UTF-8 in the original
  // Re-wrap the canonical payload in the original header; it must parse alike.
  const std::string jws = action->jws.signatures.front().protected_b64 + "." +
                          digitrade::crypto::Base64UrlEncode(*bytes) + ".AA";
  auto again = ParseSignedAction(jws, pint, "DGTR");
  if (!again || again->payload.record_id != action->payload.record_id ||
      again->payload.sequence != action->payload.sequence ||
      again->payload.previous_hash != action->payload.previous_hash ||
      again->payload.code != action->payload.code ||
      again->payload.actor_id != action->payload.actor_id) {
    __builtin_trap();
  }
  return 0;
}
