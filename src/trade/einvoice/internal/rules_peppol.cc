// Peppol BIS Billing 3.0 rules (release 3.0.19), for UBL and CII. Messages are ours.
#include "trade/einvoice/internal/rules.h"

namespace digitrade::trade::einvoice::internal {

std::vector<PatternDef> PeppolUblPatterns() { return {}; }
std::vector<PatternDef> PeppolCiiPatterns() { return {}; }

}  // namespace digitrade::trade::einvoice::internal
