// The rule engine: compiles a RuleSetDef's XPath expressions once and runs
// it over documents with Schematron's first-matching-rule-per-node semantics.
//
// Thread-safety: a CompiledRuleSet is not safe for concurrent Run() calls
// (libxml2 compiled expressions are used with a per-run context but we do
// not rely on libxml2 guaranteeing that); give each thread its own.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "trade/einvoice/internal/decimal.h"
#include "trade/einvoice/internal/rules.h"
#include "trade/einvoice/report.h"
#include "trade/einvoice/xml_document.h"

struct _xmlXPathCompExpr;
struct _xmlXPathContext;

namespace digitrade::trade::einvoice::internal {

struct XPathFree {
  void operator()(_xmlXPathCompExpr* e) const;
};
using CompiledXPath = std::unique_ptr<_xmlXPathCompExpr, XPathFree>;

// What a native check sees: XPath helpers relative to a node, xs:decimal
// casts that record a dynamic error, and the crash flag.
class EvalContext {
 public:
  explicit EvalContext(_xmlXPathContext* xp) : xp_(xp) {}

  std::vector<_xmlNode*> Nodes(_xmlNode* at, std::string_view xpath);
  bool Bool(_xmlNode* at, std::string_view xpath);
  double Number(_xmlNode* at, std::string_view xpath);
  std::string String(_xmlNode* at, std::string_view xpath);
  // xs:decimal(string value of n); on a bad lexical form records a crash and returns 0.
  Decimal Dec(_xmlNode* n);
  Decimal DecOf(std::string_view text);
  // xs:decimal of the single node `xpath` selects, nullopt when there is
  // none; more than one is the reference's cardinality error (a crash).
  std::optional<Decimal> OptDec(_xmlNode* at, std::string_view xpath);
  // Sum of xs:decimal over the nodes selected by xpath.
  Decimal DecSum(_xmlNode* at, std::string_view xpath);

  // Binds $name for the rest of the run (Schematron <let> at pattern level).
  void SetString(const char* name, const std::string& value);
  void SetBool(const char* name, bool value);
  // Binds $name to the node set `xpath` selects from the document node.
  void SetNodes(const char* name, _xmlNode* doc_node, std::string_view xpath);

  void Crash(std::string reason) {
    if (!crashed_) crash_reason_ = std::move(reason);
    crashed_ = true;
  }
  bool crashed() const { return crashed_; }
  void ClearCrash() {
    crashed_ = false;
    crash_reason_.clear();
  }
  const std::string& crash_reason() const { return crash_reason_; }
  _xmlXPathContext* xpath_context() { return xp_; }

 private:
  _xmlXPathCompExpr* Compile(std::string_view xpath);
  _xmlXPathContext* xp_;
  std::unordered_map<std::string, CompiledXPath> cache_;
  bool crashed_ = false;
  std::string crash_reason_;
};

// Binds a rule set's variables for one document (the official <let>s).
using VariableBinder = void (*)(EvalContext& ctx, _xmlNode* doc_node);

class CompiledRuleSet {
 public:
  // Errors: internal when an expression in the table does not compile or
  // names an unknown native check (a defect in the tables, caught by tests).
  static Result<std::unique_ptr<CompiledRuleSet>> Compile(RuleSetDef def);

  const std::string& name() const { return def_.name; }
  bool cii() const { return def_.cii; }
  RuleSetReport Run(const XmlDocument& doc);

 private:
  struct Assert {
    const AssertDef* def;
    CompiledXPath test;
    NativeCheck native = nullptr;
  };
  struct Rule {
    std::vector<CompiledXPath> contexts;  // one per branch of the match pattern
    // Per branch, "namespace-uri local-name" of the element its last step
    // selects, when it names one: a document without such an element
    // cannot match, and the branch is skipped.
    std::vector<std::string> last_step;
    std::vector<Assert> asserts;
  };
  explicit CompiledRuleSet(RuleSetDef def) : def_(std::move(def)) {}
  RuleSetDef def_;
  std::vector<std::vector<Rule>> patterns_;
};

// "cac:A | /x:B" -> "//cac:A | /x:B": a Schematron match pattern as an XPath
// selecting every node it matches.
std::string MatchPatternToXPath(std::string_view pattern);
// The same, one XPath per top-level branch of the pattern.
std::vector<std::string> MatchPatternBranches(std::string_view pattern);

// "//name" -> "/descendant::name" outside string literals: the same node set
// (no positional predicates follow such steps in our tables), but libxml2
// evaluates it without the quadratic node-set merges of descendant-or-self.
std::string UseDescendantAxis(std::string_view xpath);

// xs:date castability of a string (YYYY-MM-DD, optional timezone, real day).
bool IsXsDate(const std::string& s);

// Prepares an XPath context for `doc`: namespace prefixes and extension functions.
// `eval` receives dynamic errors raised inside XPath (is-true/is-false casts).
void SetUpXPathContext(_xmlXPathContext* xp, EvalContext* eval);

}  // namespace digitrade::trade::einvoice::internal
