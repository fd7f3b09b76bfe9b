#include "trade/einvoice/report.h"

#include <fmt/format.h>

namespace digitrade::trade::einvoice {

namespace {

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string SvrlFor(const RuleSetReport& rs) {
  std::string out = fmt::format(
      "<svrl:schematron-output xmlns:svrl=\"http://purl.oclc.org/dsdl/svrl\" title=\"{}\">\n",
      XmlEscape(rs.rule_set));
  if (rs.crashed) {
    out += fmt::format("  <svrl:text>dynamic error: {}</svrl:text>\n", XmlEscape(rs.crash_reason));
  }
  for (const auto& f : rs.firings) {
    out += fmt::format(
        "  <svrl:failed-assert id=\"{}\" flag=\"{}\" location=\"{}\">\n"
        "    <svrl:text>[{}]-{}</svrl:text>\n  </svrl:failed-assert>\n",
        XmlEscape(f.rule_id), FlagName(f.flag), XmlEscape(f.location), XmlEscape(f.rule_id),
        XmlEscape(f.message));
  }
  out += "</svrl:schematron-output>\n";
  return out;
}

}  // namespace

std::string_view FlagName(Flag f) {
  return f == Flag::kFatal ? "fatal" : "warning";
}

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kClean:
      return "clean";
    case Verdict::kWarnings:
      return "warnings";
    case Verdict::kFatal:
      return "fatal";
    case Verdict::kCrash:
      return "crash";
  }
  return "?";
}

Verdict Report::verdict() const {
  Verdict v = Verdict::kClean;
  for (const auto& rs : rule_sets) {
    if (rs.crashed) return Verdict::kCrash;
    for (const auto& f : rs.firings) {
      if (f.flag == Flag::kFatal) v = Verdict::kFatal;
      if (f.flag == Flag::kWarning && v == Verdict::kClean) v = Verdict::kWarnings;
    }
  }
  return v;
}

boost::json::value ReportJson(const Report& r) {
  boost::json::array sets;
  for (const auto& rs : r.rule_sets) {
    boost::json::array firings;
    for (const auto& f : rs.firings) {
      firings.push_back(boost::json::object{{"id", f.rule_id},
                                            {"flag", FlagName(f.flag)},
                                            {"location", f.location},
                                            {"message", f.message}});
    }
    boost::json::object o{{"name", rs.rule_set}, {"crash", rs.crashed}, {"firings", firings}};
    if (rs.crashed) o["crash_reason"] = rs.crash_reason;
    sets.push_back(std::move(o));
  }
  return boost::json::object{{"verdict", VerdictName(r.verdict())},
                             {"syntax", SyntaxName(r.syntax)},
                             {"customization_id", r.customization_id},
                             {"rule_sets", sets}};
}

std::string ReportSvrl(const Report& r) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  if (r.rule_sets.size() == 1) {
    out += SvrlFor(r.rule_sets[0]);
  } else {
    out += fmt::format("<einvoice-validation verdict=\"{}\">\n", VerdictName(r.verdict()));
    for (const auto& rs : r.rule_sets) out += SvrlFor(rs);
    out += "</einvoice-validation>\n";
  }
  out.pop_back();  // no newline after the root element: the body is the document
  return out;
}

}  // namespace digitrade::trade::einvoice
