// Validation results: firings of rules, one report per rule set, and their
// JSON and SVRL renderings.
//
// Thread-safety: plain value types.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "trade/einvoice/xml_document.h"

namespace digitrade::trade::einvoice {

// Schematron flag of a rule: fatal makes the invoice invalid, warning does not.
enum class Flag { kFatal, kWarning };
std::string_view FlagName(Flag f);  // "fatal" | "warning"

struct Firing {
  std::string rule_id;  // official id, e.g. "BR-CO-10"
  Flag flag = Flag::kFatal;
  std::string location;  // XPath of the context node, e.g. "/Invoice/cac:LegalMonetaryTotal"
  std::string message;   // ours, in English
};

// The outcome of one rule set on one document. `crashed` mirrors the
// reference's dynamic errors (e.g. xs:decimal('1,00')): no firings are then
// reported, as the reference gives no report either.
struct RuleSetReport {
  std::string rule_set;  // e.g. "CEN-UBL-1.3.16"
  bool crashed = false;
  std::string crash_reason;
  std::vector<Firing> firings;
};

enum class Verdict { kClean, kWarnings, kFatal, kCrash };
std::string_view VerdictName(Verdict v);  // "clean" | "warnings" | "fatal" | "crash"

struct Report {
  Syntax syntax = Syntax::kUblInvoice;
  std::string customization_id;
  std::vector<RuleSetReport> rule_sets;

  Verdict verdict() const;
};

// {"verdict", "syntax", "customization_id", "rule_sets": [{"name", "crash", "crash_reason"?,
//   "firings": [{"id", "flag", "location", "message"}]}]}
boost::json::value ReportJson(const Report& r);

// ISO Schematron SVRL (one svrl:schematron-output per rule set, wrapped in
// <einvoice-validation> when there are several), failed asserts only.
std::string ReportSvrl(const Report& r);

}  // namespace digitrade::trade::einvoice
