#include "trade/einvoice/validator.h"

#include <fmt/format.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include <algorithm>
#include <optional>
#include <thread>

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

// The first element child of `parent` named {ns}local, or null.
xmlNode* Child(xmlNode* parent, const char* ns, const char* local) {
  for (xmlNode* c = parent != nullptr ? parent->children : nullptr; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && c->ns != nullptr && xmlStrEqual(c->ns->href, BAD_CAST ns) &&
        xmlStrEqual(c->name, BAD_CAST local))
      return c;
  }
  return nullptr;
}

// normalize-space(/*/cbc:CustomizationID | /rsm:CrossIndustryInvoice/
// rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID):
// the first of them in document order (one XPath context per document cost
// more than the rules of a small invoice).
std::string CustomizationId(const XmlDocument& doc) {
  constexpr const char* kCbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
  constexpr const char* kRsm = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
  constexpr const char* kRam =
      "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";
  xmlNode* root = xmlDocGetRootElement(doc.doc());
  xmlNode* ubl = Child(root, kCbc, "CustomizationID");
  xmlNode* cii = nullptr;
  if (root != nullptr && root->ns != nullptr && xmlStrEqual(root->ns->href, BAD_CAST kRsm) &&
      xmlStrEqual(root->name, BAD_CAST "CrossIndustryInvoice")) {
    // The first ram:ID of the first parameter that has one, in document order.
    for (xmlNode* ctx = root->children; ctx != nullptr && cii == nullptr; ctx = ctx->next) {
      if (!(ctx->type == XML_ELEMENT_NODE && ctx->ns != nullptr &&
            xmlStrEqual(ctx->ns->href, BAD_CAST kRsm) &&
            xmlStrEqual(ctx->name, BAD_CAST "ExchangedDocumentContext")))
        continue;
      for (xmlNode* p = ctx->children; p != nullptr && cii == nullptr; p = p->next) {
        if (p->type == XML_ELEMENT_NODE && p->ns != nullptr && xmlStrEqual(p->ns->href, BAD_CAST kRam) &&
            xmlStrEqual(p->name, BAD_CAST "GuidelineSpecifiedDocumentContextParameter"))
          cii = Child(p, kRam, "ID");
      }
    }
  }
  xmlNode* first = ubl;
  if (first == nullptr || (cii != nullptr && xmlXPathCmpNodes(ubl, cii) < 0)) first = cii;
  if (first == nullptr) return {};
  xmlChar* c = xmlNodeGetContent(first);
  std::string out;
  bool space = false;
  for (const xmlChar* p = c; p != nullptr && *p != 0; ++p) {
    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(*p);
  }
  xmlFree(c);
  return out;
}

}  // namespace

std::vector<std::string> RuleSetNames() {
  return {std::string(kCenUbl),    std::string(kCenCii),       std::string(kPeppolUbl),
          std::string(kPeppolCii), std::string(kCenUblPinned), std::string(kCenCiiPinned)};
}

Validator::Validator(Parallelism parallelism) : parallelism_(parallelism) {}
Validator::~Validator() = default;

Result<std::unique_ptr<Validator>> Validator::Create(Parallelism parallelism) {
  InitXmlLibrary();
  std::unique_ptr<Validator> v(new Validator(parallelism));
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
  const int threads = xml.size() >= parallelism_.min_bytes ? parallelism_.threads : 1;
  // A large document: the named rule sets not compiled yet are compiled on
  // another thread while this one parses (a failure is met again, and
  // reported, by Validate(doc)), and the tree is freed on the threads.
  const bool to_compile = std::any_of(sets_.begin(), sets_.end(), [&](const auto& set) {
    return set.second == nullptr &&
           std::find(rule_sets.begin(), rule_sets.end(), set.first) != rule_sets.end();
  });
  std::optional<std::thread> compile;
  if (threads > 1 && to_compile) {
    compile.emplace([&] {
      try {
        for (const auto& name : rule_sets) (void)Find(name);
      } catch (...) {
      }
    });
  }
  auto parsed = XmlDocument::Parse(xml, limits);
  if (compile) compile->join();
  if (!parsed) return std::unexpected(std::move(parsed).error());
  auto report = Validate(*parsed, rule_sets);
  parsed->FreeOnThreads(threads);
  return report;
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
    report.rule_sets.push_back(
        rs->Run(doc, doc.bytes() >= parallelism_.min_bytes ? parallelism_.threads : 1,
                parallelism_.min_contexts_per_thread));
  }
  return report;
}

}  // namespace digitrade::trade::einvoice
