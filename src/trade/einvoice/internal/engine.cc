#include "trade/einvoice/internal/engine.h"

#include <fmt/format.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <mutex>
#include <regex>
#include <unordered_set>

namespace digitrade::trade::einvoice::internal {

namespace {

std::string Trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string NodeString(xmlNode* n) {
  xmlChar* c = xmlNodeGetContent(n);
  std::string s = c != nullptr ? reinterpret_cast<const char*>(c) : "";
  xmlFree(c);
  return s;
}

EvalContext* EvalOf(xmlXPathParserContextPtr ctxt) {
  return static_cast<EvalContext*>(ctxt->context->userData);
}

// exists(node-set) as in XPath 2.0.
void FnExists(xmlXPathParserContextPtr ctxt, int nargs) {
  if (nargs != 1) {
    xmlXPathSetArityError(ctxt);
    return;
  }
  xmlXPathObjectPtr obj = valuePop(ctxt);
  bool r = obj != nullptr && obj->type == XPATH_NODESET && obj->nodesetval != nullptr &&
           obj->nodesetval->nodeNr > 0;
  if (obj != nullptr && obj->type != XPATH_NODESET) r = true;  // an atomic value exists
  xmlXPathFreeObject(obj);
  valuePush(ctxt, xmlXPathNewBoolean(r ? 1 : 0));
}

// upper-case(string), ASCII only: the codes the rules compare are ASCII.
void FnUpperCase(xmlXPathParserContextPtr ctxt, int nargs) {
  if (nargs != 1) {
    xmlXPathSetArityError(ctxt);
    return;
  }
  xmlChar* s = xmlXPathPopString(ctxt);
  std::string v = s != nullptr ? reinterpret_cast<const char*>(s) : "";
  xmlFree(s);
  for (char& c : v) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  valuePush(ctxt, xmlXPathNewString(BAD_CAST v.c_str()));
}

// XPath 2.0 "$nodes = true()/false()": each untyped value is cast to
// xs:boolean ("true", "false", "1", "0" after whitespace collapsing); any
// other value is the reference's FORG0001 dynamic error.
void BoolCompare(xmlXPathParserContextPtr ctxt, int nargs, bool want) {
  if (nargs != 1) {
    xmlXPathSetArityError(ctxt);
    return;
  }
  xmlXPathObjectPtr obj = valuePop(ctxt);
  bool r = false;
  if (obj != nullptr && obj->type == XPATH_NODESET && obj->nodesetval != nullptr) {
    for (int i = 0; i < obj->nodesetval->nodeNr; ++i) {
      std::string v = Trim(NodeString(obj->nodesetval->nodeTab[i]));
      if (v == "true" || v == "1") {
        r = r || want;
      } else if (v == "false" || v == "0") {
        r = r || !want;
      } else {
        EvalOf(ctxt)->Crash(fmt::format("xs:boolean('{}'): invalid value", v));
      }
    }
  }
  xmlXPathFreeObject(obj);
  valuePush(ctxt, xmlXPathNewBoolean(r ? 1 : 0));
}
void FnIsTrue(xmlXPathParserContextPtr ctxt, int nargs) {
  BoolCompare(ctxt, nargs, true);
}
void FnIsFalse(xmlXPathParserContextPtr ctxt, int nargs) {
  BoolCompare(ctxt, nargs, false);
}

// dbl(nodes): the xs:double cast XPath 2.0 applies when an untyped node is
// compared with or computed against a number. A value outside the xs:double
// lexical space ("1,00", "") is the reference's FORG0001 crash; one node
// becomes its number (so "1e3" is 1000, not XPath 1.0's NaN); several stay
// a node-set for the existential comparison.
bool ParseXsDouble(std::string v, double* out) {
  v = Trim(v);
  if (v == "INF" || v == "+INF") {
    *out = HUGE_VAL;
    return true;
  }
  if (v == "-INF") {
    *out = -HUGE_VAL;
    return true;
  }
  if (v == "NaN") {
    *out = std::nan("");
    return true;
  }
  static const std::regex kDouble("^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?$");
  if (!std::regex_match(v, kDouble)) return false;
  *out = std::strtod(v.c_str(), nullptr);
  return true;
}

void FnDbl(xmlXPathParserContextPtr ctxt, int nargs) {
  if (nargs != 1) {
    xmlXPathSetArityError(ctxt);
    return;
  }
  xmlXPathObjectPtr obj = valuePop(ctxt);
  if (obj == nullptr || obj->type != XPATH_NODESET || obj->nodesetval == nullptr) {
    valuePush(ctxt, obj);
    return;
  }
  double value = 0;
  for (int i = 0; i < obj->nodesetval->nodeNr; ++i) {
    const std::string v = NodeString(obj->nodesetval->nodeTab[i]);
    if (!ParseXsDouble(v, &value)) {
      EvalOf(ctxt)->Crash(fmt::format("cannot convert '{}' to xs:double", Trim(v)));
    }
  }
  if (obj->nodesetval->nodeNr == 1) {
    xmlXPathFreeObject(obj);
    valuePush(ctxt, xmlXPathNewFloat(value));
    return;
  }
  valuePush(ctxt, obj);
}

// vat-scheme(cac:TaxScheme): normalize-space(upper-case(cbc:ID)) = 'VAT' of
// the one tax scheme. Several schemes, or several ids in it, are the
// reference's dynamic errors (a predicate of several booleans; a cast of
// several items).
void FnVatScheme(xmlXPathParserContextPtr ctxt, int nargs) {
  if (nargs != 1) {
    xmlXPathSetArityError(ctxt);
    return;
  }
  xmlXPathObjectPtr obj = valuePop(ctxt);
  bool r = false;
  if (obj != nullptr && obj->type == XPATH_NODESET && obj->nodesetval != nullptr) {
    if (obj->nodesetval->nodeNr > 1) {
      EvalOf(ctxt)->Crash("effective boolean value of several booleans (two tax schemes)");
    } else if (obj->nodesetval->nodeNr == 1) {
      int ids = 0;
      for (xmlNode* c = obj->nodesetval->nodeTab[0]->children; c != nullptr; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || xmlStrcmp(c->name, BAD_CAST "ID") != 0) continue;
        if (++ids > 1) {
          EvalOf(ctxt)->Crash(
              "a sequence of more than one item is not allowed as a function argument");
          break;
        }
        std::string v = Trim(NodeString(c));
        for (char& ch : v) {
          if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
        }
        r = v == "VAT";
      }
    }
  }
  xmlXPathFreeObject(obj);
  valuePush(ctxt, xmlXPathNewBoolean(r ? 1 : 0));
}

// matches(string, regex) for the simple XSD regexes the rules use.
void FnMatches(xmlXPathParserContextPtr ctxt, int nargs) {
  if (nargs != 2) {
    xmlXPathSetArityError(ctxt);
    return;
  }
  xmlChar* re = xmlXPathPopString(ctxt);
  xmlChar* s = xmlXPathPopString(ctxt);
  bool r = false;
  try {
    r = std::regex_search(reinterpret_cast<const char*>(s),
                          std::regex(reinterpret_cast<const char*>(re)));
  } catch (const std::regex_error&) {
    EvalOf(ctxt)->Crash("invalid regular expression");
  }
  xmlFree(re);
  xmlFree(s);
  valuePush(ctxt, xmlXPathNewBoolean(r ? 1 : 0));
}

// Check-digit helpers of the Peppol rules, over the ASCII digits of a string.
std::string PopString(xmlXPathParserContextPtr ctxt) {
  xmlChar* s = xmlXPathPopString(ctxt);
  std::string v = s != nullptr ? reinterpret_cast<const char*>(s) : "";
  xmlFree(s);
  return v;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// GS1 GLN: weights 3,1,3,... from the right over all but the check digit.
bool Gln(const std::string& v) {
  if (!AllDigits(v) || v.size() < 2) return false;
  int sum = 0;
  const int n = static_cast<int>(v.size()) - 1;
  for (int i = 0; i < n; ++i) sum += (v[n - 1 - i] - '0') * (1 + (((i + 1) % 2) * 2));
  return (10 - sum % 10) % 10 == v[n] - '0';
}

// Modulus 11 with weights 2..7 from the right (Norwegian organisation numbers).
bool Mod11(const std::string& v) {
  if (!AllDigits(v) || v.size() < 2 || v.find_first_not_of('0') == std::string::npos) return false;
  int sum = 0;
  const int n = static_cast<int>(v.size()) - 1;
  for (int i = 0; i < n; ++i) sum += (v[n - 1 - i] - '0') * ((i % 6) + 2);
  return (11 - sum % 11) % 11 == v[n] - '0';
}

// Swedish organisation number: Luhn over the first nine digits.
bool SeOrgnr(const std::string& v) {
  if (!AllDigits(v)) return false;
  const std::string main = v.substr(0, 9);
  if (v.size() < 10) return false;
  int sum = 0;
  for (int pos = 1; pos <= static_cast<int>(main.size()); ++pos) {
    const int d = main[main.size() - pos] - '0';
    sum += pos % 2 == 1 ? (d * 2) % 10 + (d * 2) / 10 : d;
  }
  return (10 - sum % 10) % 10 == v[9] - '0';
}

// Greek TIN (AFM): powers of two over the first eight digits, mod 11 mod 10.
bool GreekTin(const std::string& v) {
  if (v.size() < 9 || !AllDigits(v.substr(0, 9))) return false;
  long sum = 0;
  for (int i = 0; i < 8; ++i) sum += (v[i] - '0') * (1L << (8 - i));
  return (sum % 11) % 10 == v[8] - '0';
}

template <bool (*Check)(const std::string&)>
void FnCheck(xmlXPathParserContextPtr ctxt, int nargs) {
  if (nargs != 1) {
    xmlXPathSetArityError(ctxt);
    return;
  }
  const std::string v = PopString(ctxt);
  valuePush(ctxt, xmlXPathNewBoolean(Check(v) ? 1 : 0));
}

// castable-as-date(s): xs:date lexical form YYYY-MM-DD with a real day.
bool DateCastable(const std::string& s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  if (!AllDigits(s.substr(0, 4)) || !AllDigits(s.substr(5, 2)) || !AllDigits(s.substr(8, 2)))
    return false;
  const std::string tz = s.substr(10);
  if (!(tz.empty() || tz == "Z" ||
        (tz.size() == 6 && (tz[0] == '+' || tz[0] == '-') && tz[3] == ':')))
    return false;
  const int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)),
            d = std::stoi(s.substr(8, 2));
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

// XPath 2.0's string functions take one item: a node-set of several nodes
// is the reference's XPTY0004 dynamic error, where XPath 1.0 would quietly
// use the first node. These wrappers record that crash, then run libxml2's
// own implementation.
template <xmlXPathFunction Builtin>
void SingleItemArgs(xmlXPathParserContextPtr ctxt, int nargs) {
  for (int i = 0; i < nargs && i < ctxt->valueNr; ++i) {
    xmlXPathObjectPtr arg = ctxt->valueTab[ctxt->valueNr - 1 - i];
    if (arg != nullptr && arg->type == XPATH_NODESET && arg->nodesetval != nullptr &&
        arg->nodesetval->nodeNr > 1) {
      EvalOf(ctxt)->Crash("a sequence of more than one item is not allowed as a function argument");
    }
  }
  Builtin(ctxt, nargs);
}

xmlXPathFunction StrictLookup(void* /*ctxt*/, const xmlChar* name, const xmlChar* ns_uri) {
  if (ns_uri != nullptr) return nullptr;
  static const std::map<std::string_view, xmlXPathFunction> kStrict = {
      {"normalize-space", SingleItemArgs<xmlXPathNormalizeFunction>},
      {"string-length", SingleItemArgs<xmlXPathStringLengthFunction>},
      {"substring", SingleItemArgs<xmlXPathSubstringFunction>},
      {"substring-after", SingleItemArgs<xmlXPathSubstringAfterFunction>},
      {"substring-before", SingleItemArgs<xmlXPathSubstringBeforeFunction>},
      {"starts-with", SingleItemArgs<xmlXPathStartsWithFunction>},
      {"contains", SingleItemArgs<xmlXPathContainsFunction>},
      {"translate", SingleItemArgs<xmlXPathTranslateFunction>},
      {"concat", SingleItemArgs<xmlXPathConcatFunction>},
      {"number", SingleItemArgs<xmlXPathNumberFunction>},
      {"upper-case", SingleItemArgs<FnUpperCase>},
  };
  auto it = kStrict.find(reinterpret_cast<const char*>(name));
  return it == kStrict.end() ? nullptr : it->second;
}

}  // namespace

bool IsXsDate(const std::string& s) {
  return DateCastable(s);
}

const char* Keep(std::string s) {
  static std::mutex mu;
  static auto& arena = *new std::vector<std::unique_ptr<std::string>>();
  std::lock_guard<std::mutex> lock(mu);
  arena.push_back(std::make_unique<std::string>(std::move(s)));
  return arena.back()->c_str();
}

void XPathFree::operator()(_xmlXPathCompExpr* e) const {
  xmlXPathFreeCompExpr(e);
}

std::string UseDescendantAxis(std::string_view xpath) {
  std::string out;
  out.reserve(xpath.size() + 16);
  char quote = 0;
  for (std::size_t i = 0; i < xpath.size(); ++i) {
    const char c = xpath[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      out += c;
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    const bool name_follows =
        i + 2 < xpath.size() &&
        (std::isalpha(static_cast<unsigned char>(xpath[i + 2])) || xpath[i + 2] == '*');
    if (c == '/' && i + 1 < xpath.size() && xpath[i + 1] == '/' && name_follows) {
      out += "/descendant::";
      ++i;
      continue;
    }
    out += c;
  }
  return out;
}

namespace {
xmlXPathCompExprPtr CompileOptimized(xmlXPathContextPtr xp, std::string_view xpath) {
  const std::string text = UseDescendantAxis(xpath);
  return xmlXPathCtxtCompile(xp, BAD_CAST text.c_str());
}
}  // namespace

std::vector<std::string> MatchPatternBranches(std::string_view pattern) {
  std::vector<std::string> out;
  std::string branch;
  int depth = 0;
  auto flush = [&] {
    std::string b = Trim(branch);
    out.push_back(b.starts_with("/") ? b : "//" + b);
    branch.clear();
  };
  for (char c : pattern) {
    if (c == '[' || c == '(') ++depth;
    if (c == ']' || c == ')') --depth;
    if (c == '|' && depth == 0) {
      flush();
      continue;
    }
    branch += c;
  }
  flush();
  return out;
}

// "ns-uri local" of the element named by the last step of `branch`, or ""
// when the last step is not a plain prefixed element name (wildcards,
// attributes, functions, axes): then the branch is always evaluated.
std::string LastStepName(const std::string& branch) {
  static const std::map<std::string_view, std::string_view> kNs = {
      {"ubl", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"},
      {"cn", "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"},
      {"cac", "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"},
      {"cbc", "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"},
      {"rsm", "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"},
      {"ram", "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"},
      {"udt", "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}};
  std::string flat;  // without predicates
  int depth = 0;
  for (char c : branch) {
    if (c == '[') ++depth;
    if (depth == 0) flat += c;
    if (c == ']') --depth;
  }
  const std::string step = flat.substr(flat.find_last_of('/') + 1);
  static const std::regex kQName("^([a-z]+):([A-Za-z]+)$");
  std::smatch m;
  if (!std::regex_match(step, m, kQName)) return {};
  auto ns = kNs.find(m[1].str());
  if (ns == kNs.end()) return {};
  return std::string(ns->second) + " " + m[2].str();
}

std::string MatchPatternToXPath(std::string_view pattern) {
  std::string out;
  for (const auto& b : MatchPatternBranches(pattern)) out += (out.empty() ? "" : " | ") + b;
  return out;
}

void SetUpXPathContext(_xmlXPathContext* xp, EvalContext* eval) {
  static constexpr std::pair<const char*, const char*> kNs[] = {
      {"ubl", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"},
      {"cn", "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"},
      {"cac", "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"},
      {"cbc", "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"},
      {"ext", "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"},
      {"rsm", "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"},
      {"ram", "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"},
      {"udt", "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"},
      {"qdt", "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"},
  };
  for (const auto& [p, uri] : kNs) xmlXPathRegisterNs(xp, BAD_CAST p, BAD_CAST uri);
  xmlXPathRegisterFunc(xp, BAD_CAST "exists", FnExists);
  xmlXPathRegisterFuncLookup(xp, StrictLookup, nullptr);
  xmlXPathRegisterFunc(xp, BAD_CAST "is-true", FnIsTrue);
  xmlXPathRegisterFunc(xp, BAD_CAST "is-false", FnIsFalse);
  xmlXPathRegisterFunc(xp, BAD_CAST "matches", FnMatches);
  xmlXPathRegisterFunc(xp, BAD_CAST "dbl", FnDbl);
  xmlXPathRegisterFunc(xp, BAD_CAST "vat-scheme", FnVatScheme);
  xmlXPathRegisterFunc(xp, BAD_CAST "u-gln", FnCheck<Gln>);
  xmlXPathRegisterFunc(xp, BAD_CAST "u-mod11", FnCheck<Mod11>);
  xmlXPathRegisterFunc(xp, BAD_CAST "u-se-orgnr", FnCheck<SeOrgnr>);
  xmlXPathRegisterFunc(xp, BAD_CAST "u-greek-tin", FnCheck<GreekTin>);
  xmlXPathRegisterFunc(xp, BAD_CAST "castable-as-date", FnCheck<DateCastable>);
  xp->userData = eval;
}

_xmlXPathCompExpr* EvalContext::Compile(std::string_view xpath) {
  std::string key(xpath);
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second.get();
  CompiledXPath c(CompileOptimized(xp_, key));
  auto* raw = c.get();
  cache_.emplace(std::move(key), std::move(c));
  return raw;
}

std::vector<_xmlNode*> EvalContext::Nodes(_xmlNode* at, std::string_view xpath) {
  std::vector<_xmlNode*> out;
  auto* comp = Compile(xpath);
  if (comp == nullptr) {
    Crash(fmt::format("bad XPath {}", xpath));
    return out;
  }
  xp_->node = at;
  xmlXPathObjectPtr r = xmlXPathCompiledEval(comp, xp_);
  if (r != nullptr && r->type == XPATH_NODESET && r->nodesetval != nullptr) {
    out.assign(r->nodesetval->nodeTab, r->nodesetval->nodeTab + r->nodesetval->nodeNr);
  }
  xmlXPathFreeObject(r);
  return out;
}

bool EvalContext::Bool(_xmlNode* at, std::string_view xpath) {
  auto* comp = Compile(xpath);
  if (comp == nullptr) {
    Crash(fmt::format("bad XPath {}", xpath));
    return true;
  }
  xp_->node = at;
  return xmlXPathCompiledEvalToBoolean(comp, xp_) == 1;
}

double EvalContext::Number(_xmlNode* at, std::string_view xpath) {
  auto* comp = Compile(xpath);
  if (comp == nullptr) return 0;
  xp_->node = at;
  xmlXPathObjectPtr r = xmlXPathCompiledEval(comp, xp_);
  double v = r != nullptr ? xmlXPathCastToNumber(r) : 0;
  xmlXPathFreeObject(r);
  return v;
}

std::string EvalContext::String(_xmlNode* at, std::string_view xpath) {
  auto* comp = Compile(xpath);
  if (comp == nullptr) return {};
  xp_->node = at;
  xmlXPathObjectPtr r = xmlXPathCompiledEval(comp, xp_);
  std::string s;
  if (r != nullptr) {
    xmlChar* c = xmlXPathCastToString(r);
    s = reinterpret_cast<const char*>(c);
    xmlFree(c);
  }
  xmlXPathFreeObject(r);
  return s;
}

void EvalContext::SetString(const char* name, const std::string& value) {
  xmlXPathRegisterVariable(xp_, BAD_CAST name, xmlXPathNewString(BAD_CAST value.c_str()));
}

void EvalContext::SetBool(const char* name, bool value) {
  xmlXPathRegisterVariable(xp_, BAD_CAST name, xmlXPathNewBoolean(value ? 1 : 0));
}

void EvalContext::SetNodes(const char* name, _xmlNode* doc_node, std::string_view xpath) {
  auto* comp = Compile(xpath);
  if (comp == nullptr) {
    Crash(fmt::format("bad XPath {}", xpath));
    return;
  }
  xp_->node = doc_node;
  xmlXPathRegisterVariable(xp_, BAD_CAST name, xmlXPathCompiledEval(comp, xp_));
}

Decimal EvalContext::DecOf(std::string_view text) {
  auto d = Decimal::Parse(text);
  if (!d) {
    Crash(fmt::format("xs:decimal('{}'): invalid value", text));
    return Decimal();
  }
  return *d;
}

std::optional<Decimal> EvalContext::OptDec(_xmlNode* at, std::string_view xpath) {
  auto nodes = Nodes(at, xpath);
  if (nodes.empty()) return std::nullopt;
  if (nodes.size() > 1) {
    Crash("a sequence of more than one item where one is expected");
    return std::nullopt;
  }
  return Dec(nodes[0]);
}

Decimal EvalContext::Dec(_xmlNode* n) {
  return DecOf(NodeString(n));
}

Decimal EvalContext::DecSum(_xmlNode* at, std::string_view xpath) {
  Decimal sum;
  for (auto* n : Nodes(at, xpath)) sum = sum + Dec(n);
  return sum;
}

Result<std::unique_ptr<CompiledRuleSet>> CompiledRuleSet::Compile(RuleSetDef def) {
  std::unique_ptr<CompiledRuleSet> rs(new CompiledRuleSet(std::move(def)));
  std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)> xp(xmlXPathNewContext(nullptr),
                                                                      &xmlXPathFreeContext);
  EvalContext eval(xp.get());
  SetUpXPathContext(xp.get(), &eval);
  std::map<std::string_view, NativeCheck> natives = NativeChecks();
  natives.insert(PeppolNativeChecks().begin(), PeppolNativeChecks().end());
  for (const auto& p : rs->def_.patterns) {
    auto& rules = rs->patterns_.emplace_back();
    for (const auto& r : p.rules) {
      Rule rule;
      for (const auto& branch : MatchPatternBranches(r.context)) {
        CompiledXPath c(CompileOptimized(xp.get(), branch));
        if (!c) return Internal(fmt::format("{}: bad context {}", rs->def_.name, branch));
        rule.contexts.push_back(std::move(c));
        rule.last_step.push_back(LastStepName(branch));
      }
      for (const auto& a : r.asserts) {
        Assert ca{&a, nullptr, nullptr};
        if (std::string_view(a.test).starts_with("native:")) {
          auto it = natives.find(std::string_view(a.test).substr(7));
          if (it == natives.end()) return Internal(fmt::format("{}: no native {}", a.id, a.test));
          ca.native = it->second;
        } else {
          ca.test.reset(CompileOptimized(xp.get(), a.test));
          if (!ca.test) return Internal(fmt::format("{}: bad test {}", a.id, a.test));
        }
        rule.asserts.push_back(std::move(ca));
      }
      rules.push_back(std::move(rule));
    }
  }
  return rs;
}

RuleSetReport CompiledRuleSet::Run(const XmlDocument& doc) {
  RuleSetReport report{.rule_set = def_.name};
  std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)> xp(xmlXPathNewContext(doc.doc()),
                                                                      &xmlXPathFreeContext);
  EvalContext eval(xp.get());
  SetUpXPathContext(xp.get(), &eval);
  // The element names present, to skip contexts that cannot match.
  std::unordered_set<std::string> present;
  for (xmlNode* n = xmlDocGetRootElement(doc.doc()); n != nullptr;) {
    if (n->type == XML_ELEMENT_NODE) {
      present.insert(fmt::format("{} {}",
                                 n->ns != nullptr ? reinterpret_cast<const char*>(n->ns->href) : "",
                                 reinterpret_cast<const char*>(n->name)));
    }
    if (n->children != nullptr && n->type == XML_ELEMENT_NODE) {
      n = n->children;
      continue;
    }
    while (n != nullptr && n->next == nullptr) n = n->parent;
    if (n != nullptr) n = n->next;
  }
  if (def_.bind_variables != nullptr) {
    def_.bind_variables(eval, reinterpret_cast<xmlNode*>(doc.doc()));
    // The reference evaluates its variables lazily, so a cardinality error in
    // one that no rule reaches never surfaces; we bind eagerly and forgive.
    eval.ClearCrash();
  }
  for (const auto& rules : patterns_) {
    std::unordered_set<xmlNode*> claimed;
    for (const auto& rule : rules) {
      // Branch by branch: libxml2 2.9 merges node sets of a union in
      // quadratic time; the claimed set removes the duplicates instead.
      std::vector<xmlNode*> nodes;
      for (std::size_t b = 0; b < rule.contexts.size(); ++b) {
        if (!rule.last_step[b].empty() && !present.contains(rule.last_step[b])) continue;
        const auto& context = rule.contexts[b];
        xp->node = reinterpret_cast<xmlNode*>(doc.doc());
        xmlXPathObjectPtr set = xmlXPathCompiledEval(context.get(), xp.get());
        if (set != nullptr && set->nodesetval != nullptr) {
          nodes.insert(nodes.end(), set->nodesetval->nodeTab,
                       set->nodesetval->nodeTab + set->nodesetval->nodeNr);
        }
        xmlXPathFreeObject(set);
      }
      // XSLT treats a dynamic error while matching a pattern as "no match",
      // so errors raised by context predicates never stop the reference.
      eval.ClearCrash();
      for (xmlNode* n : nodes) {
        if (!claimed.insert(n).second) continue;
        for (const auto& a : rule.asserts) {
          bool ok;
          if (a.native != nullptr) {
            ok = a.native(eval, n);
          } else {
            xp->node = n;
            ok = xmlXPathCompiledEvalToBoolean(a.test.get(), xp.get()) != 0;
          }
          if (eval.crashed()) {
            return RuleSetReport{
                .rule_set = def_.name,
                .crashed = true,
                .crash_reason = fmt::format("{}: {}", a.def->id, eval.crash_reason()),
                .firings = {}};
          }
          if (ok) continue;
          xmlChar* path = xmlGetNodePath(n);
          report.firings.push_back(Firing{a.def->id, a.def->flag,
                                          path != nullptr ? reinterpret_cast<char*>(path) : "",
                                          a.def->message});
          xmlFree(path);
        }
      }
    }
  }
  return report;
}

}  // namespace digitrade::trade::einvoice::internal
