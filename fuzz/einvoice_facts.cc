// Fuzz target: what the e-invoice registry reads from an invoice for its log
// record (trade/einvoice/registry.h ExtractFacts). Any document that parses
// must give facts without a crash; the facts are bounded by the document
// and the record built from them is canonical JSON.
#include <boost/json/object.hpp>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crypto/jcs.h"
#include "trade/einvoice/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace digitrade;
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  auto doc = trade::einvoice::XmlDocument::Parse(xml, {.max_bytes = 1 << 20, .max_depth = 64});
  if (!doc) return 0;
  const auto f = trade::einvoice::ExtractFacts(*doc);
  for (const auto* s : {&f.invoice_number, &f.issue_date, &f.seller, &f.buyer, &f.total, &f.currency}) {
    if (s->size() > size + 64) std::abort();  // "vat:", "id:<scheme>:" ... around document text
  }
  const boost::json::object record{{"invoice_number", f.invoice_number}, {"issue_date", f.issue_date},
                                   {"seller", f.seller},                 {"buyer", f.buyer},
                                   {"total", f.total},                   {"currency", f.currency}};
  if (!crypto::CanonicalizeJson(boost::json::value(record))) std::abort();
  return 0;
}
