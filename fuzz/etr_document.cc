// Fuzz target: documents received for issuance (strict I-JSON parsing, then
// the DCSA TransportDocument and warehouse-receipt schemas, and the PINT
// Transaction schema), and the ECMA-262 pattern subset the validator
// compiles (the input as a pattern, searched over the input). Validation
// must never fail for a schema that exists, every violation path must start
// at "$", and pattern search must terminate (it is linear by construction).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crypto/jcs.h"
#include "trade/etr/dcsa_schema.h"
#include "trade/etr/internal/pattern.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace digitrade::trade::etr;
  static const SchemaSet iss = SchemaSet::Dcsa(kDcsaIssuance).value();
  static const SchemaSet pint = SchemaSet::Dcsa(kDcsaPint).value();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto doc = digitrade::crypto::ParseStrictJson(text)) {
    for (auto [set, name] :
         {std::pair{&iss, "TransportDocument"}, std::pair{&pint, "Transaction"},
          std::pair{&pint, "IssuanceManifest"}, std::pair{&pint, "EblEnvelope"}}) {
      auto v = set->Validate(name, *doc, 50);
      if (!v) __builtin_trap();
      for (const auto& x : *v) {
        if (!x.path.starts_with("$")) __builtin_trap();
      }
    }
  }
  if (size <= 256) {
    if (auto p = internal::Pattern::Compile(text)) (void)p->Search(text);
  }
  return 0;
}
