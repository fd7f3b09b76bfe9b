// Rule tables: each rule set is a list of patterns; each pattern a list of
// rules (a context and its asserts). Within a pattern a node is checked only
// by the first rule whose context matches it, as Schematron does.
//
// A context is a Schematron match pattern written as XPath 1.0 ("cac:X"
// matches every cac:X element; unions with "|"). A test is either an XPath
// 1.0 expression (with the extension functions listed in engine.cc) that must
// be true, or "native:NAME" naming a native check registered in NativeChecks().
//
// Thread-safety: the tables are immutable data.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "trade/einvoice/report.h"

struct _xmlNode;

namespace digitrade::trade::einvoice::internal {

struct AssertDef {
  const char* id;
  Flag flag;
  const char* test;
  const char* message;
};

struct RuleDef {
  const char* context;
  std::vector<AssertDef> asserts;
};

struct PatternDef {
  const char* name;
  std::vector<RuleDef> rules;
};

class EvalContext;

struct RuleSetDef {
  std::string name;  // e.g. "CEN-UBL-1.3.16"
  bool cii = false;
  std::vector<PatternDef> patterns;
  // Binds the rule set's document-level variables before the patterns run.
  void (*bind_variables)(EvalContext& ctx, _xmlNode* doc_node) = nullptr;
};

class EvalContext;

// A native check: returns true when the assert holds at `node`. It reports
// a dynamic error (the reference's crash) through ctx.Crash().
using NativeCheck = bool (*)(EvalContext& ctx, _xmlNode* node);
const std::map<std::string_view, NativeCheck>& NativeChecks();
const std::map<std::string_view, NativeCheck>& PeppolNativeChecks();

// Keeps a string built while constructing a table alive for the life of the
// process (the tables hold const char*); returns its characters.
const char* Keep(std::string s);

constexpr Flag F = Flag::kFatal;
constexpr Flag W = Flag::kWarning;

// The CEN releases we implement: 1.3.16, and 1.3.14.1 as pinned by Peppol
// 3.0.19 (a few rules more or different; see rules_cen_*.cc).
enum class CenRelease { k1_3_16, k1_3_14_1 };

// The rule sets, in rules_*.cc.
std::vector<PatternDef> CenUblPatterns(CenRelease release);
std::vector<PatternDef> CenCiiPatterns(CenRelease release);
// The generated "not used" syntax-binding rules (UBL-CR-*, CII-SR-*, CII-DT-*
// not written by hand; not_used_generated.h) as one pattern.
PatternDef NotUsedPattern(bool cii, CenRelease release);
std::vector<PatternDef> PeppolUblPatterns();
std::vector<PatternDef> PeppolCiiPatterns();
void BindPeppolUblVariables(EvalContext& ctx, _xmlNode* doc_node);
void BindPeppolCiiVariables(EvalContext& ctx, _xmlNode* doc_node);

}  // namespace digitrade::trade::einvoice::internal
