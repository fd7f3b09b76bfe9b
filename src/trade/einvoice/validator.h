// E-invoice validation against EN 16931 (CEN 1.3.16) and Peppol BIS Billing
// 3.0 (3.0.19), natively, with the official rule ids and flags.
//
// Usage:
//   DT_ASSIGN_OR_RETURN(auto v, Validator::Create());
//   DT_ASSIGN_OR_RETURN(Report r, v->Validate(xml));            // rule sets by CustomizationID
//   DT_ASSIGN_OR_RETURN(Report r, v->Validate(xml, {"CEN-UBL-1.3.16"}));
//
// Thread-safety: a Validator is NOT safe for concurrent Validate() calls;
// create one per thread (each rule set's tables are compiled on its first
// use, a few milliseconds). With Parallelism::threads > 1 it starts
// threads of its own for a large document, joined before Validate()
// returns. Ownership: it owns its compiled rule sets.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "trade/einvoice/report.h"
#include "trade/einvoice/xml_document.h"

namespace digitrade::trade::einvoice {

namespace internal {
class CompiledRuleSet;
}

// Names accepted by Validate(): CEN-UBL-1.3.16, CEN-CII-1.3.16, PEPPOL-UBL-3.0.19,
// PEPPOL-CII-3.0.19, and the CEN rules as pinned by Peppol 3.0.19: CEN-UBL-1.3.14.1,
// CEN-CII-1.3.14.1 (1.3.16 with that release's differences: BR-66/67, BR-CO-25, ...).
std::vector<std::string> RuleSetNames();

// Parallelism within one document: for a document of at least `min_bytes`
// the rule sets not compiled yet compile while it parses, and each rule
// set's contexts are matched and its asserts evaluated on up to `threads`
// threads, each taking at least `min_contexts_per_thread` of the
// document's elements and of the matched rule contexts (starting a thread
// costs more than a small invoice's rules); the report is the same as
// with one thread.
struct Parallelism {
  int threads = 1;
  std::size_t min_bytes = 256u << 10;
  std::size_t min_contexts_per_thread = 2000;
};

class Validator {
 public:
  // Never fails today; the rule tables are compiled lazily, and a table
  // that does not compile (a defect) is an internal error of Validate().
  static Result<std::unique_ptr<Validator>> Create(Parallelism parallelism = {});
  ~Validator();

  // Parses and validates. With `rule_sets` empty, picks them from the
  // document: CEN for its syntax, plus Peppol when the CustomizationID names
  // Peppol BIS Billing 3.0. Errors: the parse errors of XmlDocument::Parse;
  // invalid_argument for an unknown rule set name or one for the other syntax;
  // internal if the rule set's table does not compile (a defect).
  Result<Report> Validate(std::string_view xml, const std::vector<std::string>& rule_sets = {},
                          const ParseLimits& limits = {});
  Result<Report> Validate(const XmlDocument& doc, const std::vector<std::string>& rule_sets = {});

 private:
  explicit Validator(Parallelism parallelism);
  // The rule set `name`, compiled on first use. Errors: invalid_argument
  // for an unknown name; internal if its table does not compile.
  Result<internal::CompiledRuleSet*> Find(std::string_view name);
  std::vector<std::pair<std::string, std::unique_ptr<internal::CompiledRuleSet>>> sets_;
  Parallelism parallelism_;
};

}  // namespace digitrade::trade::einvoice
