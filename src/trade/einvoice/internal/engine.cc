#include "trade/einvoice/internal/engine.h"

#include <fmt/format.h>
#include <libxml/hash.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <regex>
#include <thread>
#include <unordered_set>

#include "trade/einvoice/internal/location.h"
#include "trade/einvoice/internal/text.h"

namespace digitrade::trade::einvoice::internal {

std::string Trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

namespace {

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
  // [+-]?(d+(.d*)?|.d+)([eE][+-]?d+)? by hand: called per amount of every line.
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t b = i;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
    return i - b;
  };
  if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
  std::size_t mantissa = digits();
  if (i < v.size() && v[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return false;
  if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  if (i != v.size()) return false;
  *out = std::strtod(v.c_str(), nullptr);
  // The reference compares an untyped value converted to xs:double with
  // Java's Double.compare, where -0.0 sorts below 0.0: "-0.00" = 0 is false
  // and "-0.00" < 0 true (an integer form, "-0", is an xs:integer there and
  // equals 0). The smallest negative double keeps that order in XPath 1.0's
  // comparisons and is -0.0 to every computation that rounds.
  if (*out == 0 && std::signbit(*out) && v.find_first_of(".eE") != std::string::npos) {
    *out = kUntypedNegativeZero;
  } else if (*out == 0) {
    *out = 0.0;
  }
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
}  // namespace

bool VatScheme(_xmlNode* const* nodes, std::size_t count, EvalContext& eval) {
  bool r = false;
  if (count > 1) {
    eval.Crash("effective boolean value of several booleans (two tax schemes)");
  } else if (count == 1) {
    int ids = 0;
    for (xmlNode* c = nodes[0]->children; c != nullptr; c = c->next) {
      if (c->type != XML_ELEMENT_NODE || xmlStrcmp(c->name, BAD_CAST "ID") != 0) continue;
      if (++ids > 1) {
        eval.Crash("a sequence of more than one item is not allowed as a function argument");
        break;
      }
      std::string v = Trim(NodeString(c));
      for (char& ch : v) {
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
      }
      r = v == "VAT";
    }
  }
  return r;
}

bool DblCompare(_xmlNode* const* nodes, std::size_t count, int op, double number, EvalContext& eval) {
  // As FnDbl then the XPath 1.0 comparison: one node is its xs:double; 0 or
  // several stay a node-set compared by XPath 1.0's number() of each.
  double value = 0;
  for (std::size_t k = 0; k < count; ++k) {
    const std::string v = NodeString(nodes[k]);
    if (!ParseXsDouble(v, &value)) eval.Crash(fmt::format("cannot convert '{}' to xs:double", Trim(v)));
  }
  auto cmp = [&](double a) {
    switch (op) {
      case 0: return a == number;
      case 1: return a != number;
      case 2: return a < number;
      case 3: return a <= number;
      case 4: return a > number;
      default: return a >= number;
    }
  };
  if (count == 1) return cmp(value);
  for (std::size_t k = 0; k < count; ++k) {
    xmlChar* str = xmlNodeGetContent(nodes[k]);
    const double a = xmlXPathStringEvalNumber(str);
    xmlFree(str);
    if (cmp(a)) return true;
  }
  return false;
}

namespace {

void FnVatScheme(xmlXPathParserContextPtr ctxt, int nargs) {
  if (nargs != 1) {
    xmlXPathSetArityError(ctxt);
    return;
  }
  xmlXPathObjectPtr obj = valuePop(ctxt);
  bool r = false;
  if (obj != nullptr && obj->type == XPATH_NODESET && obj->nodesetval != nullptr) {
    r = VatScheme(obj->nodesetval->nodeTab, static_cast<std::size_t>(obj->nodesetval->nodeNr),
                  *EvalOf(ctxt));
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
                          EvalOf(ctxt)->Regex(reinterpret_cast<const char*>(re)));
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

// The prefixes the rule tables use.
constexpr std::pair<std::string_view, std::string_view> kNamespaces[] = {
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

}  // namespace

std::optional<std::string_view> NamespaceOf(std::string_view prefix) {
  for (const auto& [p, uri] : kNamespaces) {
    if (p == prefix) return uri;
  }
  return std::nullopt;
}

int NamespaceId(std::string_view uri) {
  for (std::size_t k = 0; k < std::size(kNamespaces); ++k) {
    if (kNamespaces[k].second == uri) return static_cast<int>(k) + 1;
  }
  return 0;
}

std::string_view TablePrefix(std::string_view uri) {
  const int id = NamespaceId(uri);
  return id == 0 ? std::string_view() : kNamespaces[id - 1].first;
}

namespace {

xmlXPathObjectPtr WrapNodes(const std::vector<xmlNode*>& nodes) {
  xmlNodeSetPtr set = xmlXPathNodeSetCreate(nullptr);
  if (set != nullptr && !nodes.empty()) {
    set->nodeTab = static_cast<xmlNodePtr*>(xmlMalloc(nodes.size() * sizeof(xmlNodePtr)));
    if (set->nodeTab != nullptr) {
      std::copy(nodes.begin(), nodes.end(), set->nodeTab);
      set->nodeNr = set->nodeMax = static_cast<int>(nodes.size());
    }
  }
  return xmlXPathWrapNodeSet(set);
}

// Variables: $_d.prefix.local and $_a.name from the document index (see
// RewriteAbsoluteDescendants), the others as registered.
xmlXPathObjectPtr LookUpVariable(void* data, const xmlChar* name, const xmlChar* ns_uri) {
  auto* eval = static_cast<EvalContext*>(data);
  const std::string_view n(reinterpret_cast<const char*>(name));
  if (ns_uri == nullptr && n.starts_with("_d.")) {
    const auto dot = n.find('.', 3);
    auto ns = NamespaceOf(n.substr(3, dot - 3));
    if (dot == std::string_view::npos || !ns) return nullptr;
    return WrapNodes(eval->Index().Elements(*ns, n.substr(dot + 1)));
  }
  if (ns_uri == nullptr && n.starts_with("_a.")) {
    return WrapNodes(eval->Index().Attributes(n.substr(3)));
  }
  if (ns_uri == nullptr && n.starts_with("_m.")) {
    return WrapNodes(eval->Memo(std::strtoul(n.data() + 3, nullptr, 10)));
  }
  xmlXPathContextPtr xp = eval->xpath_context();
  if (xp->varHash == nullptr) return nullptr;
  auto* v = static_cast<xmlXPathObjectPtr>(xmlHashLookup2(xp->varHash, name, ns_uri));
  return v != nullptr ? xmlXPathObjectCopy(v) : nullptr;
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

namespace {

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

// Whether "//" at the end of `before` starts an absolute path (rather than
// continuing a step): only after an operator, a bracket, a comma or at the
// start. Anything else keeps the descendant form, which is right either way.
bool StartsAbsolutePath(const std::string& before) {
  std::size_t i = before.size();
  while (i > 0 && before[i - 1] == ' ') --i;
  if (i == 0) return true;
  const char c = before[i - 1];
  if (std::string_view("([,|=<>!+").find(c) != std::string_view::npos) return true;
  std::size_t j = i;
  while (j > 0 && IsNameChar(before[j - 1])) --j;
  const std::string_view word(before.data() + j, i - j);
  const bool op = word == "and" || word == "or" || word == "div" || word == "mod";
  return op && j > 0 && j < i && before[j - 1] == ' ';
}

// Length of the "prefix:local" or "@name" at the start of `s` (0 if none),
// with the variable it becomes.
std::size_t IndexedStep(std::string_view s, std::string* var) {
  auto name_len = [](std::string_view t) {
    std::size_t k = 0;
    if (k < t.size() && std::isalpha(static_cast<unsigned char>(t[k]))) {
      while (k < t.size() && (std::isalnum(static_cast<unsigned char>(t[k])) || t[k] == '_' ||
                              t[k] == '-'))
        ++k;
    }
    return k;
  };
  if (!s.empty() && s[0] == '@') {
    const std::size_t k = name_len(s.substr(1));
    if (k == 0 || (1 + k < s.size() && (s[1 + k] == ':' || s[1 + k] == '('))) return 0;
    *var = "$_a." + std::string(s.substr(1, k));
    return 1 + k;
  }
  const std::size_t p = name_len(s);
  if (p == 0 || p + 1 >= s.size() || s[p] != ':' || !NamespaceOf(s.substr(0, p))) return 0;
  const std::size_t l = name_len(s.substr(p + 1));
  if (l == 0) return 0;
  const std::size_t end = p + 1 + l;
  if (end < s.size() && (s[end] == '(' || s[end] == ':')) return 0;
  *var = "$_d." + std::string(s.substr(0, p)) + "." + std::string(s.substr(p + 1, l));
  return end;
}

// The memoised absolute paths: "$_m.K" names the K-th text, evaluated once
// per document (EvalContext::Memo).
struct MemoEntryDef {
  std::string text;                    // as written ("//cac:X[...]/...")
  std::optional<FastTest::Path> path;  // when it is a FastTest path
  std::string indexed;                 // else: the XPath, without memoising itself
};
struct MemoTable {
  std::mutex mu;
  std::deque<MemoEntryDef> entries;  // immutable once added
  std::map<std::string, std::size_t, std::less<>> ids;
};
MemoTable& Memos() {
  static auto& t = *new MemoTable();
  return t;
}
std::string RewriteDescendants(std::string_view xpath, bool use_index, bool memo);

std::size_t MemoId(std::string text) {
  auto& t = Memos();
  std::lock_guard<std::mutex> lock(t.mu);
  auto it = t.ids.find(text);
  if (it != t.ids.end()) return it->second;
  t.entries.push_back({text, FastTest::ParsePath(text), RewriteDescendants(text, true, false)});
  t.ids.emplace(std::move(text), t.entries.size() - 1);
  return t.entries.size() - 1;
}

const MemoEntryDef* MemoDef(std::size_t id) {
  auto& t = Memos();
  std::lock_guard<std::mutex> lock(t.mu);
  return id < t.entries.size() ? &t.entries[id] : nullptr;
}

// End of the predicates and plain child steps ("/prefix:name[...]") that
// follow position `i` of `xpath`, at most to the end of the path.
std::size_t PathEnd(std::string_view xpath, std::size_t i) {
  while (i < xpath.size()) {
    if (xpath[i] == '[') {
      int depth = 0;
      char quote = 0;
      std::size_t j = i;
      for (; j < xpath.size(); ++j) {
        const char c = xpath[j];
        if (quote != 0) {
          if (c == quote) quote = 0;
          continue;
        }
        if (c == '\'' || c == '"') quote = c;
        if (c == '[') ++depth;
        if (c == ']' && --depth == 0) break;
      }
      if (j == xpath.size()) return i;
      i = j + 1;
      continue;
    }
    std::string var;
    if (xpath[i] == '/' && i + 1 < xpath.size() && xpath[i + 1] != '/' && xpath[i + 1] != '@') {
      const std::size_t n = IndexedStep(xpath.substr(i + 1), &var);
      if (n == 0) return i;
      i += 1 + n;
      continue;
    }
    return i;
  }
  return i;
}

std::string RewriteDescendants(std::string_view xpath, bool use_index, bool memo) {
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
    if (c == '/' && i + 1 < xpath.size() && xpath[i + 1] == '/') {
      std::string var;
      const std::size_t n = use_index && StartsAbsolutePath(out) ? IndexedStep(xpath.substr(i + 2), &var) : 0;
      if (n > 0 && memo && xpath[i + 2] != '@') {
        // A path that is more than the name: evaluated once per document.
        const std::size_t end = PathEnd(xpath, i + 2 + n);
        const std::string_view path = xpath.substr(i, end - i);
        if (end > i + 2 + n && path.find('$') == std::string_view::npos) {
          out += "$_m." + std::to_string(MemoId(std::string(path)));
          i = end - 1;
          continue;
        }
      }
      if (n > 0) {
        out += var;
        i += 1 + n;
        continue;
      }
      const bool name_follows =
          i + 2 < xpath.size() &&
          (std::isalpha(static_cast<unsigned char>(xpath[i + 2])) || xpath[i + 2] == '*');
      if (name_follows) {
        out += "/descendant::";
        ++i;
        continue;
      }
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string UseDescendantAxis(std::string_view xpath) {
  return RewriteDescendants(xpath, false, false);
}

std::string RewriteAbsoluteDescendants(std::string_view xpath) {
  return RewriteDescendants(xpath, true, true);
}

namespace {
xmlXPathCompExprPtr CompileOptimized(xmlXPathContextPtr xp, std::string_view xpath) {
  const std::string text = RewriteAbsoluteDescendants(xpath);
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
std::string MatchPatternToXPath(std::string_view pattern) {
  std::string out;
  for (const auto& b : MatchPatternBranches(pattern)) out += (out.empty() ? "" : " | ") + b;
  return out;
}

void SetUpXPathContext(_xmlXPathContext* xp, EvalContext* eval) {
  for (const auto& [p, uri] : kNamespaces) {
    xmlXPathRegisterNs(xp, BAD_CAST std::string(p).c_str(), BAD_CAST std::string(uri).c_str());
  }
  xmlXPathRegisterVariableLookup(xp, LookUpVariable, eval);
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

namespace {

// The arguments of `name(a, b, ...)` when `x` is exactly one such call, split
// at its top-level commas (outside parentheses, brackets and literals).
std::optional<std::vector<std::string_view>> CallArguments(std::string_view x,
                                                           std::string_view name) {
  if (!x.starts_with(name) || x.size() < name.size() + 2 || x[name.size()] != '(' ||
      x.back() != ')')
    return std::nullopt;
  const std::string_view inner = x.substr(name.size() + 1, x.size() - name.size() - 2);
  std::vector<std::string_view> args;
  int depth = 0;
  char quote = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < inner.size(); ++i) {
    const char c = inner[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(' || c == '[') {
      ++depth;
    } else if (c == ')' || c == ']') {
      if (--depth < 0) return std::nullopt;  // the first call ends before the last ')'
    } else if (c == ',' && depth == 0) {
      args.push_back(inner.substr(start, i - start));
      start = i + 1;
    }
  }
  if (depth != 0 || quote != 0) return std::nullopt;
  args.push_back(inner.substr(start));
  return args;
}

}  // namespace

// A path FastTest walks, or "/*/" and such a path (from the root element).
std::optional<EvalContext::NativePath> EvalContext::ParseNativePath(std::string_view x) {
  const auto b = x.find_first_not_of(' ');
  if (b == std::string_view::npos) return std::nullopt;
  x = x.substr(b, x.find_last_not_of(' ') - b + 1);
  const bool from_root_element = x.starts_with("/*/");
  if (from_root_element) x.remove_prefix(3);
  auto p = FastTest::ParsePath(x);
  if (!p || (from_root_element && (p->from_doc || p->from_root || p->up != 0))) return std::nullopt;
  return NativePath{std::move(*p), from_root_element};
}

void EvalContext::Select(const NativePath& p, _xmlNode* at, std::vector<_xmlNode*>& out) {
  if (p.from_root_element) {
    at = at != nullptr ? xmlDocGetRootElement(at->doc) : nullptr;
    if (at == nullptr) {
      out.clear();
      return;
    }
  }
  FastTest::Select(p.path, at, *this, out);
}

const EvalContext::Compiled* EvalContext::Lookup(std::string_view xpath) {
  auto it = cache_.find(xpath);
  if (it != cache_.end()) return &it->second;
  std::string key(xpath);
  Compiled c{CompiledXPath(CompileOptimized(xp_, key)), ParseNativePath(key), std::nullopt};
  if (c.path) {
    c.string_form = StringForm{.normalize = false, .parts = {*c.path}};
  } else if (auto str = CallArguments(key, "string"); str && str->size() == 1) {
    if (auto p = ParseNativePath((*str)[0])) c.string_form = StringForm{.parts = {*p}};
  } else if (auto args = CallArguments(key, "normalize-space"); args && args->size() == 1) {
    if (auto p = ParseNativePath((*args)[0]))
      c.string_form = StringForm{.normalize = true, .parts = {*p}};
  } else if (auto sargs = CallArguments(key, "substring"); sargs && sargs->size() == 3) {
    // substring(P, 1, N) with a small literal N: characters 1..N.
    const std::string_view from = (*sargs)[1], count = (*sargs)[2];
    auto p = ParseNativePath((*sargs)[0]);
    const bool small = count.size() == 2 && count[0] == ' ' && count[1] >= '0' && count[1] <= '9';
    if (p && from == " 1" && small) {
      c.string_form = StringForm{.normalize = false, .prefix_chars = count[1] - '0', .parts = {*p}};
    }
  } else if (auto cargs = CallArguments(key, "concat"); cargs && cargs->size() >= 2) {
    StringForm form;
    for (std::string_view a : *cargs) {
      auto p = ParseNativePath(a);
      if (!p) break;
      form.parts.push_back(std::move(*p));
    }
    if (form.parts.size() == cargs->size()) c.string_form = std::move(form);
  }
  return &cache_.emplace(std::move(key), std::move(c)).first->second;
}

_xmlXPathCompExpr* EvalContext::Compile(std::string_view xpath) {
  return Lookup(xpath)->xpath.get();
}

std::vector<_xmlNode*> EvalContext::Nodes(_xmlNode* at, std::string_view xpath) {
  std::vector<_xmlNode*> out;
  const Compiled* c = Lookup(xpath);
  if (c->path) {
    Select(*c->path, at, out);
    return out;
  }
  auto* comp = c->xpath.get();
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
  const Compiled* compiled = Lookup(xpath);
  if (compiled->path) {  // boolean(node-set): not empty
    std::vector<_xmlNode*> nodes;
    Select(*compiled->path, at, nodes);
    return !nodes.empty();
  }
  auto* comp = compiled->xpath.get();
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
  const Compiled* compiled = Lookup(xpath);
  if (compiled->string_form) {
    // As libxml2's string(): the string value of the first node in
    // document order (Select's order), "" for none; no cardinality error.
    std::string s;
    std::vector<_xmlNode*> nodes;
    for (const auto& part : compiled->string_form->parts) {
      Select(part, at, nodes);
      if (!nodes.empty()) AppendStringValue(nodes.front(), s);
    }
    if (const int n = compiled->string_form->prefix_chars; n >= 0) {
      // n characters (code points) of a UTF-8 string: XmlDocument::Parse checked it.
      std::size_t end = 0;
      for (int k = 0; k < n && end < s.size(); ++k) {
        ++end;
        while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) ++end;
      }
      s.resize(end);
    }
    return compiled->string_form->normalize ? NormalizeSpace(s) : s;
  }
  auto* comp = compiled->xpath.get();
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
  variables_[name] = Variable{.type = Variable::Type::kString, .string = value};
}

void EvalContext::SetBool(const char* name, bool value) {
  xmlXPathRegisterVariable(xp_, BAD_CAST name, xmlXPathNewBoolean(value ? 1 : 0));
  variables_[name] = Variable{.type = Variable::Type::kBool, .boolean = value};
}

const EvalContext::Variable* EvalContext::FindVariable(std::string_view name) const {
  auto it = variables_.find(name);
  return it == variables_.end() ? nullptr : &it->second;
}

void EvalContext::SetNodes(const char* name, _xmlNode* doc_node, std::string_view xpath) {
  auto* comp = Compile(xpath);
  if (comp == nullptr) {
    Crash(fmt::format("bad XPath {}", xpath));
    return;
  }
  xp_->node = doc_node;
  xmlXPathObjectPtr set = xmlXPathCompiledEval(comp, xp_);
  Variable v{.type = Variable::Type::kNodes};
  if (set != nullptr && set->type == XPATH_NODESET && set->nodesetval != nullptr) {
    v.nodes.assign(set->nodesetval->nodeTab, set->nodesetval->nodeTab + set->nodesetval->nodeNr);
  }
  variables_[name] = std::move(v);
  xmlXPathRegisterVariable(xp_, BAD_CAST name, set);
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
  // The common case, an element or attribute holding one text node: its
  // content as it is, without xmlNodeGetContent's copy.
  const xmlNode* only = n->children;
  if ((n->type == XML_ELEMENT_NODE || n->type == XML_ATTRIBUTE_NODE) && only != nullptr &&
      only->next == nullptr && only->type == XML_TEXT_NODE && only->content != nullptr) {
    return DecOf(reinterpret_cast<const char*>(only->content));
  }
  return DecOf(NodeString(n));
}

Decimal EvalContext::DecSum(_xmlNode* at, std::string_view xpath) {
  Decimal sum;
  for (auto* n : Nodes(at, xpath)) sum = sum + Dec(n);
  return sum;
}

DocIndex::DocIndex(_xmlDoc* doc) : doc_(doc) {
  std::ptrdiff_t count = 0;
  for (xmlNode* n = doc != nullptr ? xmlDocGetRootElement(doc) : nullptr; n != nullptr;) {
    if (n->type == XML_ELEMENT_NODE) {
      all_.push_back(n);
      // As xmlXPathOrderDocElems: libxml2 then compares elements by this number.
      n->content = reinterpret_cast<xmlChar*>(-(++count));
      if (n->ns != nullptr && n->ns->_private == nullptr && n->ns->href != nullptr) {
        // kForeignNamespace for a namespace the tables do not name.
        const int id = NamespaceId(reinterpret_cast<const char*>(n->ns->href));
        n->ns->_private = reinterpret_cast<void*>(static_cast<std::intptr_t>(id != 0 ? id : 1000));
      }
      Named& named = by_name_[n->name];
      const xmlChar* href = n->ns != nullptr ? n->ns->href : nullptr;
      if (named.nodes.empty()) {
        named.href = href;
      } else if (named.href != href &&
                 (named.href == nullptr || href == nullptr || xmlStrEqual(named.href, href) == 0)) {
        named.mixed = true;
      }
      named.nodes.push_back(n);
      for (xmlAttr* a = n->properties; a != nullptr; a = a->next) {
        if (a->ns == nullptr) attrs_[a->name].push_back(reinterpret_cast<xmlNode*>(a));
      }
      if (n->children != nullptr) {
        n = n->children;
        continue;
      }
    }
    while (n != nullptr && n->next == nullptr) n = n->parent;
    if (n != nullptr) n = n->next;
  }
}

std::size_t DocIndex::Ordinal(const _xmlNode* element) {
  return static_cast<std::size_t>(-reinterpret_cast<std::ptrdiff_t>(element->content) - 1);
}

namespace {
// The dictionary's copy of `name` (the key of the maps), or null when no
// node of the document has that name.
const xmlChar* Interned(xmlDoc* doc, std::string_view name) {
  if (doc == nullptr || doc->dict == nullptr) return nullptr;
  return xmlDictExists(doc->dict, reinterpret_cast<const xmlChar*>(name.data()),
                       static_cast<int>(name.size()));
}

}  // namespace

bool HasNamespace(const xmlNode* n, std::string_view ns) {
  if (n->ns == nullptr || n->ns->href == nullptr) return ns.empty();
  return ns == reinterpret_cast<const char*>(n->ns->href);
}

bool HasNamespace(const xmlNode* n, std::string_view ns, int ns_id) {
  if (ns_id != 0 && n->ns != nullptr && n->ns->_private != nullptr)
    return reinterpret_cast<std::intptr_t>(n->ns->_private) == ns_id;
  return HasNamespace(n, ns);
}

const std::vector<_xmlNode*>& DocIndex::Elements(std::string_view ns, std::string_view local) {
  if (doc_ != nullptr && doc_->dict != nullptr) {
    // The common case: every element of that name in one namespace.
    auto it = by_name_.find(Interned(doc_, local));
    if (it == by_name_.end()) return empty_;
    const Named& named = it->second;
    if (!named.mixed) {
      const bool same = named.href == nullptr
                            ? ns.empty()
                            : ns == reinterpret_cast<const char*>(named.href);
      return same ? named.nodes : empty_;
    }
  }
  std::string key;
  key.reserve(ns.size() + local.size() + 1);
  key.append(ns).append(" ").append(local);
  auto memo = by_qname_.find(key);
  if (memo != by_qname_.end()) return memo->second;
  std::vector<xmlNode*> out;
  if (doc_ != nullptr && doc_->dict != nullptr) {
    auto it = by_name_.find(Interned(doc_, local));
    if (it != by_name_.end()) {
      for (xmlNode* n : it->second.nodes) {
        if (HasNamespace(n, ns)) out.push_back(n);
      }
    }
  } else {  // a document built without a dictionary: compare names
    for (xmlNode* n : all_) {
      if (local == reinterpret_cast<const char*>(n->name) && HasNamespace(n, ns)) out.push_back(n);
    }
  }
  return by_qname_.emplace(std::move(key), std::move(out)).first->second;
}

const std::vector<_xmlNode*>& DocIndex::Attributes(std::string_view local) {
  if (doc_ != nullptr && doc_->dict != nullptr) {
    auto it = attrs_.find(Interned(doc_, local));
    return it != attrs_.end() ? it->second : empty_;
  }
  const std::string key = " @" + std::string(local);
  auto memo = by_qname_.find(key);
  if (memo != by_qname_.end()) return memo->second;
  std::vector<xmlNode*> out;
  for (auto& [name, attrs] : attrs_) {
    if (local == reinterpret_cast<const char*>(name)) out = attrs;
  }
  return by_qname_.emplace(key, std::move(out)).first->second;
}

void EvalContext::Reset(_xmlDoc* doc) {
  xp_->doc = doc;
  xp_->node = reinterpret_cast<xmlNode*>(doc);
  xmlXPathRegisteredVariablesCleanup(xp_);
  variables_.clear();
  index_.reset();
  memo_.clear();
  root_steps_.clear();
  ClearCrash();
}

void EvalContext::ForkFrom(const EvalContext& from) {
  Reset(from.xp_->doc);
  if (from.index_ != nullptr) index_ = std::make_unique<DocIndex>(*from.index_);
  memo_ = from.memo_;
  root_steps_ = from.root_steps_;
  variables_ = from.variables_;
  if (from.xp_->varHash != nullptr) {
    xmlHashScan(
        from.xp_->varHash,
        [](void* payload, void* data, const xmlChar* name) {
          xmlXPathRegisterVariable(static_cast<xmlXPathContext*>(data), name,
                                   xmlXPathObjectCopy(static_cast<xmlXPathObjectPtr>(payload)));
        },
        xp_);
  }
}

const std::vector<_xmlNode*>& EvalContext::RootStep(
    const std::string& text,
    void (*compute)(const void* step, EvalContext& ctx, std::vector<_xmlNode*>& out),
    const void* step) {
  auto it = root_steps_.find(text);
  if (it == root_steps_.end()) {
    const bool was_crashed = crashed_;
    std::string was_reason = crash_reason_;
    ClearCrash();
    MemoEntry m;
    compute(step, *this, m.nodes);
    m.done = true;
    m.crashed = crashed_;
    m.reason = crash_reason_;
    crashed_ = was_crashed;
    crash_reason_ = std::move(was_reason);
    it = root_steps_.emplace(text, std::move(m)).first;
  }
  if (it->second.crashed) Crash(it->second.reason);
  return it->second.nodes;
}

const std::vector<_xmlNode*>& EvalContext::Memo(std::size_t id) {
  if (id >= memo_.size()) memo_.resize(id + 1);
  auto& m = memo_[id];
  if (!m.done) {
    const MemoEntryDef* def = MemoDef(id);
    // Evaluated on its own: the crash it raises (if any) is kept with the
    // result and raised again at every use, as evaluating it there would.
    const bool was_crashed = crashed_;
    std::string was_reason = crash_reason_;
    ClearCrash();
    xmlNode* at = xp_->node;
    xmlNode* doc_node = reinterpret_cast<xmlNode*>(xp_->doc);
    if (def == nullptr) {
      Crash(fmt::format("no memoised path {}", id));
    } else if (def->path) {
      FastTest::Select(*def->path, doc_node, *this, m.nodes);
    } else {
      m.nodes = Nodes(doc_node, def->indexed);
    }
    xp_->node = at;
    m.done = true;
    m.crashed = crashed_;
    m.reason = crash_reason_;
    crashed_ = was_crashed;
    crash_reason_ = std::move(was_reason);
  }
  if (m.crashed) Crash(m.reason);
  return m.nodes;
}

const std::regex& EvalContext::Regex(const char* pattern) {
  auto it = regexes_.find(pattern);
  if (it == regexes_.end()) it = regexes_.emplace(pattern, std::regex(pattern)).first;
  return it->second;
}

DocIndex& EvalContext::Index() {
  if (index_ == nullptr) index_ = std::make_unique<DocIndex>(xp_->doc);
  return *index_;
}

namespace {

// Position of `n` among its siblings that pass `keep` (the "child" axis
// position a numeric predicate of a pattern step compares with).
template <typename Keep>
int ChildPosition(xmlNode* n, Keep keep) {
  int pos = 0;
  for (xmlNode* c = n->parent != nullptr ? n->parent->children : n; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && keep(c)) ++pos;
    if (c == n) return pos;
  }
  return pos;
}

}  // namespace

bool IsXmlSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

namespace {

// not(*) and not(normalize-space()): no child element and only whitespace text.
bool IsBlankLeaf(xmlNode* n) {
  for (xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) return false;
    if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content != nullptr) {
      for (const xmlChar* p = c->content; *p != 0; ++p) {
        if (!IsXmlSpace(*p)) return false;
      }
    }
  }
  return true;
}

// The text of a bracketed predicate starting at s[i] == '['; i moves past it.
std::optional<std::string> TakePredicate(std::string_view s, std::size_t& i) {
  int depth = 0;
  char quote = 0;
  const std::size_t begin = i + 1;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    if (c == '[' || c == '(') ++depth;
    if (c == ']' || c == ')') --depth;
    if (depth == 0) {
      ++i;
      return std::string(s.substr(begin, i - 1 - begin));
    }
  }
  return std::nullopt;
}

}  // namespace


Result<std::unique_ptr<CompiledRuleSet>> CompiledRuleSet::Compile(RuleSetDef def) {
  std::unique_ptr<CompiledRuleSet> rs(new CompiledRuleSet(std::move(def)));
  rs->xp_ = {xmlXPathNewContext(nullptr), &xmlXPathFreeContext};
  if (rs->xp_ == nullptr) return Internal("out of memory creating an XPath context");
  rs->eval_ = std::make_unique<EvalContext>(rs->xp_.get());
  xmlXPathContext* xp = rs->xp_.get();
  SetUpXPathContext(xp, rs->eval_.get());
  std::map<std::string_view, NativeCheck> natives = NativeChecks();
  natives.insert(PeppolNativeChecks().begin(), PeppolNativeChecks().end());
  // A step "prefix:local", "prefix:*" or "*" with predicates, as the native
  // matcher takes it; nullopt sends the branch to XPath.
  static const std::regex kSuffix(
      "^substring\\(name\\(\\), string-length\\(name\\(\\)\\) - ([0-9]+)\\) = '([A-Za-z]+)'( and |$)");
  auto parse_branch = [&](std::string_view b) -> std::optional<Branch> {
    Branch out;
    std::size_t i = 0;
    if (b.starts_with("//")) {
      i = 2;
    } else if (b.starts_with("/")) {
      out.anchored = true;
      i = 1;
    }
    bool descendant = false;
    while (true) {
      Step step;
      step.descendant_before = descendant;
      std::size_t j = i;
      while (j < b.size() && (std::isalnum(static_cast<unsigned char>(b[j])) || b[j] == ':' ||
                              b[j] == '*' || b[j] == '_' || b[j] == '-'))
        ++j;
      const std::string_view test = b.substr(i, j - i);
      if (test == "*") {
        step.any_ns = true;
      } else {
        const auto colon = test.find(':');
        if (colon == std::string_view::npos || test.find(':', colon + 1) != std::string_view::npos)
          return std::nullopt;
        auto ns = NamespaceOf(test.substr(0, colon));
        if (!ns) return std::nullopt;
        step.ns = std::string(*ns);
        step.ns_id = NamespaceId(*ns);
        step.local = std::string(test.substr(colon + 1));
        if (step.local == "*") step.local.clear();
        if (step.local.find('*') != std::string::npos || (step.local.empty() && test.back() != '*'))
          return std::nullopt;
      }
      i = j;
      while (i < b.size() && b[i] == '[') {
        auto pred = TakePredicate(b, i);
        if (!pred) return std::nullopt;
        if (*pred == "not(*) and not(normalize-space())") {
          step.blank_leaf = true;
          continue;
        }
        std::smatch m;
        if (step.predicates.empty() && std::regex_search(*pred, m, kSuffix) &&
            std::stoul(m[1].str()) + 1 == m[2].str().size()) {
          step.suffix = m[2].str();
        }
        CompiledXPath c(CompileOptimized(xp, *pred));
        if (!c) return std::nullopt;
        step.predicates.push_back(std::move(c));
        step.fast_predicates.push_back(FastTest::Parse(*pred));
      }
      if (step.descendant_before) out.child_only = false;
      out.steps.push_back(std::move(step));
      if (i == b.size()) return out;
      if (b.substr(i).starts_with("//")) {
        descendant = true;
        i += 2;
      } else if (b[i] == '/') {
        descendant = false;
        i += 1;
      } else {
        return std::nullopt;
      }
    }
  };
  for (const auto& p : rs->def_.patterns) {
    auto& rules = rs->patterns_.emplace_back();
    for (const auto& r : p.rules) {
      Rule rule;
      for (const auto& branch : MatchPatternBranches(r.context)) {
        auto parsed = parse_branch(branch);
        if (parsed) {
          rule.branches.push_back(std::move(*parsed));
          continue;
        }
        Branch fallback;
        fallback.xpath.reset(CompileOptimized(xp, branch));
        if (!fallback.xpath) return Internal(fmt::format("{}: bad context {}", rs->def_.name, branch));
        rule.branches.push_back(std::move(fallback));
      }
      for (const auto& a : r.asserts) {
        Assert ca{&a, nullptr, nullptr};
        if (std::string_view(a.test).starts_with("unused:")) {
          if (!rule.unused) rule.unused = std::make_unique<UnusedTrie>();
          ca.unused_slot = rule.unused->slots++;
          std::string_view paths = std::string_view(a.test).substr(7);
          while (!paths.empty()) {
            const auto bar = std::min(paths.find('|'), paths.size());
            auto path = FastTest::ParsePath(paths.substr(0, bar));
            if (!path || path->self || path->up != 0 || path->from_root || path->from_doc ||
                path->ancestor || path->self_step)
              return Internal(fmt::format("{}: bad unused path {}", a.id, a.test));
            for (const auto& st : path->steps) {
              if (!st.predicates.empty() || st.local.empty())
                return Internal(fmt::format("{}: bad unused path {}", a.id, a.test));
            }
            rule.unused->Add(*path, ca.unused_slot);
            paths = paths.substr(std::min(bar + 1, paths.size()));
          }
          rule.asserts.push_back(std::move(ca));
          continue;
        }
        if (std::string_view(a.test).starts_with("native:")) {
          auto it = natives.find(std::string_view(a.test).substr(7));
          if (it == natives.end()) return Internal(fmt::format("{}: no native {}", a.id, a.test));
          ca.native = it->second;
        } else {
          // A FastTest never falls back to the XPath: compiling it too was a
          // quarter of a rule set's compilation, paid by every process.
          ca.fast = FastTest::Parse(a.test);
          if (!ca.fast) {
            ca.test.reset(CompileOptimized(xp, a.test));
            if (!ca.test) return Internal(fmt::format("{}: bad test {}", a.id, a.test));
          }
        }
        rule.asserts.push_back(std::move(ca));
      }
      if (rule.unused) rule.unused->Finish(rule.unused->root);
      rules.push_back(std::move(rule));
    }
  }
  return rs;
}

void CompiledRuleSet::UnusedTrie::Add(const FastTest::Path& path, int slot) {
  Node* n = &root;
  for (const auto& st : path.steps) {
    auto it = std::find_if(n->kids.begin(), n->kids.end(),
                           [&](const Node& k) { return k.ns == st.ns && k.local == st.local; });
    if (it == n->kids.end()) {
      n->kids.push_back(Node{st.ns, st.local, {}, {}, {}, {}, st.ns_id});
      it = n->kids.end() - 1;
    }
    n = &*it;
  }
  if (path.attribute.empty()) {
    n->slots.push_back(slot);
  } else {
    n->attributes.emplace_back(path.attribute, slot);
  }
}

void CompiledRuleSet::UnusedTrie::Finish(Node& n) {
  n.by_local.clear();
  for (std::size_t k = 0; k < n.kids.size(); ++k) {
    Finish(n.kids[k]);
    n.by_local[n.kids[k].local].push_back(k);
  }
}

void CompiledRuleSet::UnusedTrie::Walk(const Node& t, _xmlNode* at, std::vector<char>& hits) const {
  for (int slot : t.slots) hits[slot] = 1;
  if (at->type != XML_ELEMENT_NODE) return;
  for (const auto& [name, slot] : t.attributes) {
    for (xmlAttr* a = at->properties; a != nullptr; a = a->next) {
      if (a->ns == nullptr && name == reinterpret_cast<const char*>(a->name)) hits[slot] = 1;
    }
  }
  if (t.kids.empty()) return;
  for (xmlNode* c = at->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    auto it = t.by_local.find(reinterpret_cast<const char*>(c->name));
    if (it == t.by_local.end()) continue;
    for (std::size_t k : it->second) {
      if (HasNamespace(c, t.kids[k].ns, t.kids[k].ns_id)) Walk(t.kids[k], c, hits);
    }
  }
}

namespace {
// The name test of a pattern step.
template <typename StepT>
bool NameHolds(const xmlNode* n, const StepT& s) {
  if (n == nullptr || n->type != XML_ELEMENT_NODE) return false;
  const char* name = reinterpret_cast<const char*>(n->name);
  if (!s.local.empty() && (name[0] != s.local[0] || std::strcmp(name, s.local.c_str()) != 0))
    return false;
  if (!s.any_ns && !HasNamespace(n, s.ns, s.ns_id)) return false;
  return s.suffix.empty() || std::string_view(name).ends_with(s.suffix);
}
}  // namespace

bool CompiledRuleSet::NamesMatch(_xmlNode* n, const Branch& b, std::size_t step, bool name_known) {
  const Step& s = b.steps[step];
  if (!name_known && !NameHolds(n, s)) return false;
  if (step == 0) {
    return !b.anchored || (n->parent != nullptr && n->parent->type == XML_DOCUMENT_NODE);
  }
  xmlNode* up = n->parent;
  if (!s.descendant_before) return up != nullptr && NamesMatch(up, b, step - 1);
  for (; up != nullptr && up->type == XML_ELEMENT_NODE; up = up->parent) {
    if (NamesMatch(up, b, step - 1)) return true;
  }
  return false;
}

bool CompiledRuleSet::StepHolds(_xmlNode* n, const Step& s, EvalContext& eval) {
  return NameHolds(n, s) && PredicatesHold(n, s, eval);
}

bool CompiledRuleSet::PredicatesHold(_xmlNode* n, const Step& s, EvalContext& eval) {
  if (s.blank_leaf && !IsBlankLeaf(n)) return false;
  xmlXPathContext* xp = eval.xpath_context();
  for (std::size_t k = 0; k < s.predicates.size(); ++k) {
    if (s.fast_predicates[k]) {
      const bool ok = s.fast_predicates[k]->Eval(n, eval);
      eval.ClearCrash();  // as below
      if (!ok) return false;
      continue;
    }
    xp->node = n;
    xmlXPathObjectPtr r = xmlXPathCompiledEval(s.predicates[k].get(), xp);
    bool ok = false;
    if (r != nullptr && r->type == XPATH_NUMBER) {
      // A numeric predicate compares with the position among the siblings
      // that pass the name test and the predicates before it.
      const double want = r->floatval;
      xmlXPathFreeObject(r);
      r = nullptr;
      Step name_test;
      name_test.ns = s.ns;
      name_test.ns_id = s.ns_id;
      name_test.local = s.local;
      name_test.any_ns = s.any_ns;
      name_test.suffix = s.suffix;
      name_test.blank_leaf = s.blank_leaf;
      const int pos = ChildPosition(n, [&](xmlNode* c) {
        if (!StepHolds(c, name_test, eval)) return false;
        for (std::size_t q = 0; q < k; ++q) {
          xp->node = c;
          if (xmlXPathCompiledEvalToBoolean(s.predicates[q].get(), xp) != 1) return false;
        }
        return true;
      });
      ok = pos == want;
    } else if (r != nullptr) {
      ok = xmlXPathCastToBoolean(r) != 0;
    }
    xmlXPathFreeObject(r);
    // XSLT treats a dynamic error while matching a pattern as "no match",
    // so errors raised by context predicates never stop the reference.
    eval.ClearCrash();
    if (!ok) return false;
  }
  return true;
}

bool CompiledRuleSet::Matches(_xmlNode* n, const Branch& b, std::size_t step, EvalContext& eval) {
  const Step& s = b.steps[step];
  if (!StepHolds(n, s, eval)) return false;
  if (step == 0) {
    return !b.anchored || (n->parent != nullptr && n->parent->type == XML_DOCUMENT_NODE);
  }
  xmlNode* up = n->parent;
  if (!s.descendant_before) return up != nullptr && Matches(up, b, step - 1, eval);
  for (; up != nullptr && up->type == XML_ELEMENT_NODE; up = up->parent) {
    if (Matches(up, b, step - 1, eval)) return true;
  }
  return false;
}

namespace {

// libxml2's error handlers are per thread: a Run() thread reports nothing
// (dynamic errors reach the EvalContext), as the parsing thread does.
void IgnoreXmlErrors(void* /*ctx*/, const char* /*msg*/, ...) {}

}  // namespace

void CompiledRuleSet::Match(const Rule& rule, _xmlNode* doc_node, EvalContext& eval,
                            std::vector<_xmlNode*>& nodes) {
  xmlXPathContext* xp = eval.xpath_context();
  DocIndex& index = eval.Index();
  for (const auto& branch : rule.branches) {
    if (branch.xpath) {
      xp->node = doc_node;
      xmlXPathObjectPtr set = xmlXPathCompiledEval(branch.xpath.get(), xp);
      if (set != nullptr && set->nodesetval != nullptr) {
        nodes.insert(nodes.end(), set->nodesetval->nodeTab,
                     set->nodesetval->nodeTab + set->nodesetval->nodeNr);
      }
      xmlXPathFreeObject(set);
      eval.ClearCrash();  // as in StepHolds
      continue;
    }
    const Step& last = branch.steps.back();
    const std::vector<xmlNode*>& candidates =
        last.local.empty() ? index.AllElements() : index.Elements(last.ns, last.local);
    // Candidates of a name from the index have it: only a suffix test remains.
    const bool name_known = !last.local.empty() && last.suffix.empty();
    for (xmlNode* n : candidates) {
      // Names first (cheap), then the predicates; along a chain of
      // child steps the names fix the ancestors, so only their
      // predicates remain to check.
      if (!NamesMatch(n, branch, branch.steps.size() - 1, name_known)) continue;
      bool match = true;
      if (branch.child_only) {
        xmlNode* up = n;
        for (std::size_t k = branch.steps.size(); k-- > 0 && match; up = up->parent) {
          match = PredicatesHold(up, branch.steps[k], eval);
        }
      } else {
        match = Matches(n, branch, branch.steps.size() - 1, eval);
      }
      if (match) nodes.push_back(n);
    }
  }
}

void CompiledRuleSet::ForEach(std::size_t count, int threads,
                              const std::function<void(std::size_t, int, EvalContext&)>& fn) {
  std::atomic<std::size_t> next{0};
  auto work = [&](int t, EvalContext& e) {
    for (std::size_t k = next++; k < count; k = next++) fn(k, t, e);
  };
  std::vector<std::exception_ptr> errors(threads);
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) {
    pool.emplace_back([&, t] {
      xmlSetGenericErrorFunc(nullptr, IgnoreXmlErrors);
      try {
        work(t, *workers_[t - 1].eval);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  }
  try {
    work(0, *eval_);
  } catch (...) {
    errors[0] = std::current_exception();
  }
  for (auto& t : pool) t.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

RuleSetReport CompiledRuleSet::Run(const XmlDocument& doc, int threads,
                                   std::size_t min_items_per_thread) {
  EvalContext& eval = *eval_;
  eval.Reset(doc.doc());
  struct Release {
    EvalContext& eval;
    std::vector<Worker>& workers;
    ~Release() {
      eval.Release();
      for (auto& w : workers) w.eval->Release();
    }
  } release{eval, workers_};
  DocIndex& index = eval.Index();
  xmlNode* doc_node = reinterpret_cast<xmlNode*>(doc.doc());
  if (def_.bind_variables != nullptr) {
    def_.bind_variables(eval, doc_node);
    // The reference evaluates its variables lazily, so a cardinality error in
    // one that no rule reaches never surfaces; we bind eagerly and forgive.
    eval.ClearCrash();
  }
  // Threads: for a document of enough elements; their contexts are copies
  // of this one (index, variables).
  const std::size_t per_thread = std::max<std::size_t>(min_items_per_thread, 1);
  threads = static_cast<int>(
      std::clamp<std::size_t>(index.AllElements().size() / per_thread, 1, std::max(threads, 1)));
  if (threads > 1) {
    while (workers_.size() + 1 < static_cast<std::size_t>(threads)) {
      Worker w;
      w.xp = {xmlXPathNewContext(nullptr), &xmlXPathFreeContext};
      if (w.xp == nullptr) throw std::bad_alloc();
      w.eval = std::make_unique<EvalContext>(w.xp.get());
      SetUpXPathContext(w.xp.get(), w.eval.get());
      workers_.push_back(std::move(w));
    }
    for (int t = 1; t < threads; ++t) workers_[t - 1].eval->ForkFrom(eval);
  }
  // Every context node with the rule that claims it (the first matching
  // rule of its pattern), in the reference's order; their asserts after.
  // With threads, each rule's nodes are matched on any thread first.
  if (all_rules_.empty()) {
    for (const auto& rules : patterns_) {
      for (const auto& rule : rules) all_rules_.push_back(&rule);
    }
  }
  const std::vector<const Rule*>& all_rules = all_rules_;
  std::vector<std::vector<xmlNode*>> matched(threads > 1 ? all_rules.size() : 0);
  if (threads > 1) {
    ForEach(all_rules.size(), threads, [&](std::size_t r, int, EvalContext& e) {
      Match(*all_rules[r], doc_node, e, matched[r]);
    });
  }
  std::vector<Item>& items = items_;
  items.clear();
  std::vector<char> claimed;  // by element ordinal
  std::unordered_set<xmlNode*> claimed_other;
  std::vector<xmlNode*> scratch;
  std::size_t r = 0;
  for (const auto& rules : patterns_) {
    claimed.assign(index.AllElements().size(), 0);
    claimed_other.clear();
    for (const auto& rule : rules) {
      std::vector<xmlNode*>& nodes = threads > 1 ? matched[r] : scratch;
      ++r;
      if (threads == 1) {
        nodes.clear();
        Match(rule, doc_node, eval, nodes);
      }
      for (xmlNode* n : nodes) {
        if (n->type == XML_ELEMENT_NODE) {
          char& c = claimed[DocIndex::Ordinal(n)];
          if (c != 0) continue;
          c = 1;
        } else if (!claimed_other.insert(n).second) {
          continue;
        }
        items.push_back(Item{&rule, n});
      }
      if (threads > 1) std::vector<xmlNode*>().swap(nodes);
    }
  }
  threads = static_cast<int>(std::clamp<std::size_t>(items.size() / per_thread, 1, threads));
  std::vector<Slice> slices;
  if (threads == 1) {
    Locations locations;
    slices.push_back(Evaluate(items, 0, items.size(), eval, locations));
  } else {
    // Contiguous slices of about equal work (an item's asserts; a rule's
    // "not used" trie counts as a few), several per thread and taken in
    // turn, since the work per item varies a lot (the root's asserts sum
    // over every line); their firings concatenate in order.
    std::vector<std::size_t> weight_until(items.size() + 1, 0);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Rule& rule = *items[i].rule;
      const std::size_t unused = rule.unused ? static_cast<std::size_t>(rule.unused->slots) : 0;
      weight_until[i + 1] = weight_until[i] + 1 + (rule.asserts.size() - unused) + (unused ? 4 : 0);
    }
    const std::size_t count = std::min<std::size_t>(items.size(), 16 * threads);
    std::vector<std::size_t> bounds(count + 1, items.size());
    bounds[0] = 0;
    for (std::size_t k = 1; k < count; ++k) {
      const std::size_t target = weight_until.back() * k / count;
      bounds[k] = static_cast<std::size_t>(
          std::lower_bound(weight_until.begin(), weight_until.end(), target) -
          weight_until.begin());
      bounds[k] = std::clamp(bounds[k], bounds[k - 1], items.size());
    }
    slices.resize(count);
    std::vector<Locations> locations(threads);
    // Slices after one that crashed are not needed: the report stops there.
    std::atomic<std::size_t> first_crash{count};
    ForEach(count, threads, [&](std::size_t k, int t, EvalContext& e) {
      if (k > first_crash.load()) return;
      slices[k] = Evaluate(items, bounds[k], bounds[k + 1], e, locations[t]);
      if (!slices[k].crashed) return;
      std::size_t seen = first_crash.load();
      while (k < seen && !first_crash.compare_exchange_weak(seen, k)) {
      }
    });
  }
  // The serial run stops at the first crash: the first slice that crashed.
  for (auto& slice : slices) {
    if (slice.crashed) {
      return RuleSetReport{.rule_set = def_.name,
                           .crashed = true,
                           .crash_reason = std::move(slice.crash_reason),
                           .firings = {}};
    }
  }
  RuleSetReport report{.rule_set = def_.name};
  if (slices.size() == 1) {
    report.firings = std::move(slices[0].firings);
    return report;
  }
  std::size_t firings = 0;
  for (const auto& slice : slices) firings += slice.firings.size();
  report.firings.reserve(firings);
  for (auto& slice : slices) {
    std::move(slice.firings.begin(), slice.firings.end(), std::back_inserter(report.firings));
  }
  return report;
}

CompiledRuleSet::Slice CompiledRuleSet::Evaluate(const std::vector<Item>& items, std::size_t begin,
                                                 std::size_t end, EvalContext& eval,
                                                 Locations& locations) {
  Slice out;
  xmlXPathContext* xp = eval.xpath_context();
  std::vector<char> unused_hits;
  for (std::size_t i = begin; i < end; ++i) {
    const Rule& rule = *items[i].rule;
    xmlNode* n = items[i].node;
    if (rule.unused) {
      unused_hits.assign(rule.unused->slots, 0);
      rule.unused->Walk(rule.unused->root, n, unused_hits);
    }
    for (const auto& a : rule.asserts) {
      bool ok;
      if (a.unused_slot >= 0) {
        ok = unused_hits[a.unused_slot] == 0;
      } else if (a.native != nullptr) {
        ok = a.native(eval, n);
      } else if (a.fast) {
        ok = a.fast->Eval(n, eval);
      } else {
        xp->node = n;
        ok = xmlXPathCompiledEvalToBoolean(a.test.get(), xp) != 0;
      }
      if (eval.crashed()) {
        out.crashed = true;
        out.crash_reason = fmt::format("{}: {}", a.def->id, eval.crash_reason());
        out.firings.clear();
        return out;
      }
      if (ok) continue;
      // Several rules often fire on one node (the root, for one): its
      // location is built once per thread.
      out.firings.push_back(Firing{a.def->id, a.def->flag, locations.Of(n), a.def->message});
    }
  }
  return out;
}

}  // namespace digitrade::trade::einvoice::internal
