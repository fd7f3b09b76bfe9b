// Fuzz target: the DCSA eBL Issuance API's request parser (PUT
// /v3/ebl-issuance-requests, trade/etr/pint/issuance.h) against the embedded
// EBL_ISS_v3.0.3 schemas, the ErrorResponse built from its error (the path
// extraction reads our messages), and the reading of a peer's error body.
// Nothing may crash or leak; a parsed request must have what issuance needs.
#include <cstdint>
#include <string_view>

#include "trade/etr/pint/error_response.h"
#include "trade/etr/pint/issuance.h"

namespace {

using namespace digitrade;
using namespace digitrade::trade::etr::pint;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const digitrade::trade::etr::SchemaSet schemas =
      digitrade::trade::etr::SchemaSet::Dcsa(digitrade::trade::etr::kDcsaIssuance).value();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto req = ParseIssuanceRequest(text, schemas);
  if (req) {
    if (req->reference.empty() || req->carrier_code.empty() || req->manifest.empty() ||
        (req->visualisation && req->visualisation->content.empty())) {
      __builtin_trap();
    }
  } else {
    const auto body = ErrorResponseJson(req.error(), {.http_method = "PUT",
                                                      .request_uri = "/v3/ebl-issuance-requests",
                                                      .status = 400,
                                                      .date_time = "2026-01-01T00:00:00Z"});
    if (body.at("errors").as_array().empty()) __builtin_trap();
  }
  (void)PeerErrorText(text);
  (void)JsonPathIn(text);
  return 0;
}
