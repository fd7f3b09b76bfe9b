// Fuzz target: the e-invoice XML reader. Any bytes must give a document of
// one of the three syntaxes or a precise error (invalid_argument or
// resource_exhausted), never a crash, a hang or unbounded memory.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "trade/einvoice/xml_document.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace digitrade;
  auto doc = trade::einvoice::XmlDocument::Parse(
      std::string_view(reinterpret_cast<const char*>(data), size),
      trade::einvoice::ParseLimits{.max_bytes = 1 << 20, .max_depth = 64});
  if (!doc && doc.error().code() != ErrorCode::kInvalidArgument &&
      doc.error().code() != ErrorCode::kResourceExhausted) {
    std::abort();
  }
  if (doc && doc->doc() == nullptr) std::abort();
  return 0;
}
