// EN 16931 rules for UN/CEFACT CII D16B (CEN release 1.3.16). Messages are ours.
#include "trade/einvoice/internal/rules.h"

namespace digitrade::trade::einvoice::internal {

std::vector<PatternDef> CenCiiPatterns() { return {}; }

}  // namespace digitrade::trade::einvoice::internal
