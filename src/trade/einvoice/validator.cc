#include "trade/einvoice/validator.h"

#include <fmt/format.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "trade/einvoice/internal/engine.h"
#include "trade/einvoice/internal/rules.h"

namespace digitrade::trade::einvoice {

namespace {

constexpr std::string_view kCenUbl = "CEN-UBL-1.3.16";
constexpr std::string_view kCenCii = "CEN-CII-1.3.16";
constexpr std::string_view kPeppolUbl = "PEPPOL-UBL-3.0.19";
constexpr std::string_view kPeppolCii = "PEPPOL-CII-3.0.19";

constexpr std::string_view kCenUblPinned = "CEN-UBL-1.3.14.1";  // as pinned by Peppol 3.0.19
constexpr std::string_view kCenCiiPinned = "CEN-CII-1.3.14.1";

std::string CustomizationId(const XmlDocument& doc) {
  std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)> xp(xmlXPathNewContext(doc.doc()),
                                                                      &xmlXPathFreeContext);
  internal::EvalContext eval(xp.get());
  internal::SetUpXPathContext(xp.get(), &eval);
  return eval.String(reinterpret_cast<xmlNode*>(doc.doc()),
                     "normalize-space(/*/cbc:CustomizationID | "
                     "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext/"
                     "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID)");
}

}  // namespace

std::vector<std::string> RuleSetNames() {
  return {std::string(kCenUbl),    std::string(kCenCii),       std::string(kPeppolUbl),
          std::string(kPeppolCii), std::string(kCenUblPinned), std::string(kCenCiiPinned)};
}

Validator::~Validator() = default;

Result<std::unique_ptr<Validator>> Validator::Create() {
  InitXmlLibrary();
  std::unique_ptr<Validator> v(new Validator());
  for (const auto& name : RuleSetNames()) v->sets_.emplace_back(name, nullptr);
  return v;
}

Result<internal::CompiledRuleSet*> Validator::Find(std::string_view name) {
  for (auto& [set_name, compiled] : sets_) {
    if (set_name != name) continue;
    if (compiled != nullptr) return compiled.get();
    // Compiled on first use: a process that validates one syntax never
    // pays for the others (start-up time and memory).
    using internal::CenRelease;
    internal::RuleSetDef def{set_name, false, {}};
    if (name == kCenUbl) def.patterns = internal::CenUblPatterns(CenRelease::k1_3_16);
    if (name == kCenUblPinned) def.patterns = internal::CenUblPatterns(CenRelease::k1_3_14_1);
    if (name == kCenCii || name == kCenCiiPinned) {
      def.cii = true;
      def.patterns = internal::CenCiiPatterns(name == kCenCii ? CenRelease::k1_3_16
                                                             : CenRelease::k1_3_14_1);
    }
    if (name == kPeppolUbl) {
      def.patterns = internal::PeppolUblPatterns();
      def.bind_variables = internal::BindPeppolUblVariables;
    }
    if (name == kPeppolCii) {
      def.cii = true;
      def.patterns = internal::PeppolCiiPatterns();
      def.bind_variables = internal::BindPeppolCiiVariables;
    }
    DT_ASSIGN_OR_RETURN(compiled, internal::CompiledRuleSet::Compile(std::move(def)));
    return compiled.get();
  }
  return InvalidArgument(fmt::format("unknown rule set '{}'", name));
}

Result<Report> Validator::Validate(std::string_view xml, const std::vector<std::string>& rule_sets,
                                   const ParseLimits& limits) {
  DT_ASSIGN_OR_RETURN(XmlDocument doc, XmlDocument::Parse(xml, limits));
  return Validate(doc, rule_sets);
}

Result<Report> Validator::Validate(const XmlDocument& doc,
                                   const std::vector<std::string>& rule_sets) {
  const bool cii = doc.syntax() == Syntax::kCii;
  Report report{.syntax = doc.syntax(), .customization_id = CustomizationId(doc), .rule_sets = {}};
  std::vector<std::string> names = rule_sets;
  if (names.empty()) {
    names.emplace_back(cii ? kCenCii : kCenUbl);
    if (report.customization_id.find("peppol") != std::string::npos) {
      names.emplace_back(cii ? kPeppolCii : kPeppolUbl);
    }
  }
  for (const auto& name : names) {
    DT_ASSIGN_OR_RETURN(internal::CompiledRuleSet * rs, Find(name));
    if (rs->cii() != cii) {
      return InvalidArgument(
          fmt::format("rule set '{}' does not apply to a {}", name, SyntaxName(doc.syntax())));
    }
    report.rule_sets.push_back(rs->Run(doc));
  }
  return report;
}

}  // namespace digitrade::trade::einvoice
