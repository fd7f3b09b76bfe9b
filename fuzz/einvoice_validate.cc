// Fuzz target: rule evaluation. Whatever the document, every rule set for
// its syntax runs to a report or a crash verdict (the reference's dynamic
// error); firings always carry an id and a location; and the report with
// the asserts split over threads (Parallelism) is the serial one.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "trade/einvoice/report.h"
#include "trade/einvoice/validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace digitrade::trade::einvoice;
  static Validator* validator = [] {
    auto v = Validator::Create();
    if (!v) std::abort();
    return v->release();
  }();
  static Validator* threaded = [] {
    auto v =
        Validator::Create(Parallelism{.threads = 2, .min_bytes = 0, .min_contexts_per_thread = 1});
    if (!v) std::abort();
    return v->release();
  }();
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  auto doc = XmlDocument::Parse(xml, ParseLimits{.max_bytes = 1 << 20, .max_depth = 64});
  if (!doc) return 0;
  static const std::vector<std::string> kUbl = {"CEN-UBL-1.3.16", "PEPPOL-UBL-3.0.19",
                                                "CEN-UBL-1.3.14.1"};
  static const std::vector<std::string> kCii = {"CEN-CII-1.3.16", "PEPPOL-CII-3.0.19",
                                                "CEN-CII-1.3.14.1"};
  for (const auto& rules : doc->syntax() == Syntax::kCii ? kCii : kUbl) {
    auto report = validator->Validate(*doc, {rules});
    if (!report) std::abort();
    for (const auto& rs : report->rule_sets) {
      if (rs.crashed && (!rs.firings.empty() || rs.crash_reason.empty())) std::abort();
      for (const auto& f : rs.firings) {
        if (f.rule_id.empty() || f.location.empty()) std::abort();
      }
    }
    auto same = threaded->Validate(*doc, {rules});
    if (!same || ReportJson(*same) != ReportJson(*report)) std::abort();
  }
  return 0;
}
