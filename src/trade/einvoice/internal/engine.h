// The rule engine: compiles a RuleSetDef once (rule contexts into native
// pattern matchers, tests into FastTest forms or libxml2 XPath) and runs it
// over documents with Schematron's first-matching-rule-per-node semantics,
// from a per-document index of the elements (docs/einvoice.md, Pipeline).
// engine.cc holds the compilation, the contexts and the look-ups;
// fast_test.cc the FastTest parser and evaluator; text.h their shared helpers.
//
// Thread-safety: a CompiledRuleSet keeps one XPath context and one
// EvalContext across documents, so it is not safe for concurrent Run()
// calls; give each thread its own. Run() itself may use threads of its own
// (`threads`), each with its own XPath and EvalContext (Workers). The
// memoised-path table is shared and locked; the FastTest scratch vectors
// are per thread.
#pragma once

#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/result.h"
#include "trade/einvoice/internal/decimal.h"
#include "trade/einvoice/internal/rules.h"
#include "trade/einvoice/report.h"
#include "trade/einvoice/xml_document.h"

struct _xmlXPathCompExpr;
struct _xmlXPathContext;
struct _xmlDoc;

namespace digitrade::trade::einvoice::internal {

struct XPathFree {
  void operator()(_xmlXPathCompExpr* e) const;
};
using CompiledXPath = std::unique_ptr<_xmlXPathCompExpr, XPathFree>;

class EvalContext;
class Locations;

// The simplest test forms of the tables, evaluated natively without
// libxml2's XPath: boolean combinations (and, or, not, parentheses) of
// exists(P), P, P | Q, (P | Q)/R, count(P) [+- count(Q)...] OP N,
// (E) = / != (F), string-length(P) OP N, normalize-space(P) = / != 'literal' (also
// of upper-case(P)), upper-case(P) = / != 'literal', P = / != 'literal',
// substring(name(), string-length(name()) - N) = 'suffix',
// string-length(substring-after(P,'.')) OP N, contains(normalize-space(P),' '),
// contains('LIST', concat(' ', normalize-space(P), ' ')) (or of @name without
// normalize-space), is-true(P) and
// is-false(P), vat-scheme(P), dbl(P) OP N, $v and $v = / != 'literal' (the
// binder's variables, with libxml2's XPath 1.0 comparisons), where P is ".", "@name" or steps
// "prefix:name[predicate]/..." (child steps after "../"s, or from "//", "ancestor::" or "self::";
// or "//@name") optionally ending in "/@name", the predicates being such tests. Same results and
// the same dynamic errors (several items where one is expected; bad xs:boolean values) as the
// XPath.
struct FastTest {
  enum class Kind {
    kOr, kAnd, kNot, kExists, kCount, kNormalizedEq, kNormalizedNe, kDecimals,
    kContainsSpace, kInList, kIsTrue, kIsFalse, kNameSuffix, kAnyEq, kAnyNe,
    kVatScheme, kDbl, kStringLength, kBoolEq, kBoolNe, kVariable
  };
  struct Step {
    std::string ns;
    std::string local;
    std::vector<FastTest> predicates;  // boolean predicates only
    int ns_id = 0;                     // NamespaceId(ns)
    std::string text;                  // as written, predicates included
  };
  struct Path {
    bool self = false;
    bool from_root = false;  // "//prefix:name...": the first step from the document index
    bool from_doc = false;   // "/prefix:name...": from the document node
    bool ancestor = false;   // "ancestor::prefix:name...": the first step on the ancestor axis
    bool self_step = false;  // "self::prefix:name"
    int up = 0;              // leading "../" steps
    bool plain = false;      // child steps only, no predicates: walked without vectors
    std::vector<Step> steps;
    std::string attribute;  // final "@name"
  };
  Kind kind;
  // kCount: count(path) plus (+1) or minus (-1) the counts of these paths.
  std::vector<std::pair<int, Path>> terms;
  std::vector<FastTest> operands;  // kOr, kAnd, kNot, kBoolEq, kBoolNe
  Path path;
  std::string literal;
  // kInList: the codes of `literal` with a space on both sides, so that
  // contains(literal, ' v ') is a set look-up for a v without spaces.
  std::shared_ptr<const std::unordered_set<std::string>> codes;
  std::string op;  // comparison: "=", "!=", "<", "<=", ">", ">="
  double number = 0;
  bool upper = false;     // normalize-space(upper-case(P)), upper-case(P)
  bool normalize = true;  // false: upper-case(P) = 'literal' alone; kInList of @name as is
  std::string variable;   // kVariable: $variable, or $variable = / != 'literal' (op, literal)

  // nullopt when `xpath` is not one of these forms.
  static std::optional<FastTest> Parse(std::string_view xpath);
  // nullopt when `xpath` is not a path P as above.
  static std::optional<Path> ParsePath(std::string_view xpath);
  // The nodes `path` selects from `at`, in document order.
  static void Select(const Path& path, _xmlNode* at, EvalContext& ctx, std::vector<_xmlNode*>& out);
  bool Eval(_xmlNode* at, EvalContext& ctx) const;
};

// Per-document index of the elements by name and of the attributes without
// a namespace by name, in document order, built in one walk. It answers the
// "//name" steps of the rule tables (rewritten to $_d.prefix.local and
// $_a.name variables, see RewriteAbsoluteDescendants) and the candidate
// nodes of rule contexts, so no rule walks the whole document.
class DocIndex {
 public:
  explicit DocIndex(_xmlDoc* doc);
  // Elements {ns}local in document order (empty ns: no namespace).
  const std::vector<_xmlNode*>& Elements(std::string_view ns, std::string_view local);
  // Every element, in document order.
  const std::vector<_xmlNode*>& AllElements() const { return all_; }
  // Attributes without a namespace named `local`, in document order.
  const std::vector<_xmlNode*>& Attributes(std::string_view local);
  // Document-order ordinal of an element (0-based). The walk also stores
  // it where libxml2's xmlXPathOrderDocElems does, so XPath sorts node
  // sets without walking up the tree.
  static std::size_t Ordinal(const _xmlNode* element);

 private:
  _xmlDoc* doc_;
  std::vector<_xmlNode*> all_;
  // Keyed by the parser dictionary's name pointer: one hash of a pointer per node.
  struct Named {
    std::vector<_xmlNode*> nodes;
    const unsigned char* href = nullptr;  // their namespace when they all share one
    bool mixed = false;                   // several namespaces (or none and some)
  };
  std::unordered_map<const unsigned char*, Named> by_name_;
  std::unordered_map<const unsigned char*, std::vector<_xmlNode*>> attrs_;
  std::unordered_map<std::string, std::vector<_xmlNode*>> by_qname_;  // memo of Elements()
  const std::vector<_xmlNode*> empty_;
};

// What a native check sees: XPath helpers relative to a node, xs:decimal
// casts that record a dynamic error, and the crash flag.
class EvalContext {
 public:
  explicit EvalContext(_xmlXPathContext* xp) : xp_(xp) {}

  // Starts a new document: drops the index and the bound variables, clears the crash.
  void Reset(_xmlDoc* doc);
  // Starts `from`'s document on another thread: a copy of its index, its
  // bound variables and the memoised paths computed so far (so the copy
  // answers every look-up as `from` would, without touching `from` again).
  void ForkFrom(const EvalContext& from);
  // Ends the document: Reset(nullptr). The bound variables hold its nodes,
  // and libxml2 reads the nodes of a node-set when it frees one, so they
  // must go before the document does.
  void Release() { Reset(nullptr); }
  // The index of the current document (of the XPath context), built on first use.
  DocIndex& Index();
  // The nodes of the id-th memoised absolute path ($_m.id), evaluated once per document.
  const std::vector<_xmlNode*>& Memo(std::size_t id);
  // The elements "//step[predicates]" selects (FastTest), computed once per
  // document by `compute`; a dynamic error it raised is raised again at each use.
  const std::vector<_xmlNode*>& RootStep(const std::string& text,
                                         void (*compute)(const void* step, EvalContext& ctx,
                                                         std::vector<_xmlNode*>& out),
                                         const void* step);

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
  // A variable bound above, as FastTest reads it; null when unbound.
  struct Variable {
    enum class Type { kString, kBool, kNodes } type = Type::kString;
    std::string string;
    bool boolean = false;
    std::vector<_xmlNode*> nodes;
  };
  const Variable* FindVariable(std::string_view name) const;

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
  // The compiled regex of matches(s, pattern), compiled once per pattern
  // for the life of this context. Throws std::regex_error on a bad pattern.
  const std::regex& Regex(const char* pattern);

 private:
  _xmlXPathCompExpr* Compile(std::string_view xpath);
  _xmlXPathContext* xp_;
  // String() natively: the XPath 1.0 string value of a path P (its first
  // node), of normalize-space(P), of substring(P, 1, N) or of concat(P, Q, ...).
  // A path walked natively; "/*/P" is P from the root element.
  struct NativePath {
    FastTest::Path path;
    bool from_root_element = false;
  };
  struct StringForm {
    bool normalize = false;
    int prefix_chars = -1;          // substring(P, 1, N): the first N characters
    std::vector<NativePath> parts;  // one, except for concat()
  };
  struct Compiled {
    CompiledXPath xpath;
    std::optional<NativePath> path;  // a plain path: walked natively
    std::optional<StringForm> string_form;
  };
  void Select(const NativePath& p, _xmlNode* at, std::vector<_xmlNode*>& out);
  static std::optional<NativePath> ParseNativePath(std::string_view x);
  const Compiled* Lookup(std::string_view xpath);
  // Looked up by string_view (no allocation per look-up of a native check).
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, Compiled, TextHash, std::equal_to<>> cache_;
  std::unique_ptr<DocIndex> index_;
  struct MemoEntry {
    bool done = false;
    bool crashed = false;
    std::string reason;
    std::vector<_xmlNode*> nodes;
  };
  std::vector<MemoEntry> memo_;
  std::unordered_map<std::string, MemoEntry> root_steps_;
  bool crashed_ = false;
  std::string crash_reason_;
  std::unordered_map<std::string, std::regex> regexes_;
  std::unordered_map<std::string, Variable, TextHash, std::equal_to<>> variables_;
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
  // Validates `doc`. With threads > 1 (used for a document of at least
  // `min_items_per_thread` elements per thread) the rules' contexts are
  // matched rule by rule on any thread, the first-matching-rule claims
  // made in order on this one, then the asserts of the claimed (rule,
  // node) pairs evaluated in contiguous slices that the threads take in
  // turn, and the slices' firings concatenated in order: the same report
  // as threads == 1.
  RuleSetReport Run(const XmlDocument& doc, int threads = 1,
                    std::size_t min_items_per_thread = 2000);

 private:
  struct Assert {
    const AssertDef* def;
    CompiledXPath test;  // only when neither native nor fast
    NativeCheck native = nullptr;
    std::optional<FastTest> fast;
    int unused_slot = -1;  // an "unused:" test: its slot in the rule's trie
  };
  // The "unused:P|Q|..." tests of a rule (generated "not used" syntax rules):
  // their child paths merged into one trie, walked once per context node.
  struct UnusedTrie {
    struct Node {
      std::string ns;
      std::string local;
      std::vector<int> slots;                               // paths ending here
      std::vector<std::pair<std::string, int>> attributes;  // paths ending in "@name" here
      std::vector<Node> kids;
      std::unordered_map<std::string_view, std::vector<std::size_t>> by_local;  // into kids
      int ns_id = 0;
    };
    Node root;
    int slots = 0;
    void Add(const FastTest::Path& path, int slot);
    void Finish(Node& n);
    // Sets hits[slot] for every path that exists below `at`.
    void Walk(const Node& t, _xmlNode* at, std::vector<char>& hits) const;
  };
  // One step of a match pattern: a name test and its predicates.
  struct Step {
    std::string ns;                     // namespace URI; empty with `any_ns`
    int ns_id = 0;                      // NamespaceId(ns)
    std::string local;                  // empty: any name ("*" or "prefix:*")
    bool any_ns = false;                // "*"
    bool descendant_before = false;     // "//" before this step (not the first)
    std::string suffix;                 // pre-filter: the local name ends with this
    bool blank_leaf = false;            // the predicate is not(*) and not(normalize-space())
    std::vector<CompiledXPath> predicates;
    std::vector<std::optional<FastTest>> fast_predicates;  // per predicate
  };
  // One branch of a match pattern: steps matched natively from the
  // candidate node up through its ancestors, or, for the forms this does
  // not cover, the branch as an XPath selecting its nodes.
  struct Branch {
    CompiledXPath xpath;  // fallback; null when `steps` is used
    bool anchored = false;  // starts with "/": the first step is the root element
    bool child_only = true;  // no "//" between steps: the names fix the chain
    std::vector<Step> steps;
  };
  struct Rule {
    std::vector<Branch> branches;
    std::vector<Assert> asserts;
    std::unique_ptr<UnusedTrie> unused;
  };
  // A context node and the rule that claimed it, in the reference's order.
  struct Item {
    const Rule* rule;
    _xmlNode* node;
  };
  // The outcome of evaluating a slice of the items.
  struct Slice {
    std::vector<Firing> firings;
    bool crashed = false;
    std::string crash_reason;
  };
  // The XPath and evaluation context of a thread of Run() other than the caller's.
  struct Worker {
    std::unique_ptr<_xmlXPathContext, void (*)(_xmlXPathContext*)> xp{nullptr, nullptr};
    std::unique_ptr<EvalContext> eval;
  };
  // The asserts of items[begin, end) (stops at the first crash).
  Slice Evaluate(const std::vector<Item>& items, std::size_t begin, std::size_t end,
                 EvalContext& eval, Locations& locations);
  explicit CompiledRuleSet(RuleSetDef def) : def_(std::move(def)) {}
  bool Matches(_xmlNode* n, const Branch& b, std::size_t step, EvalContext& eval);
  // The name tests of steps [0, step] from `n` up (`name_known`: n's own
  // name is known to pass).
  bool NamesMatch(_xmlNode* n, const Branch& b, std::size_t step, bool name_known = false);
  bool StepHolds(_xmlNode* n, const Step& s, EvalContext& eval);
  // StepHolds without the name test (the caller has checked it).
  bool PredicatesHold(_xmlNode* n, const Step& s, EvalContext& eval);
  // Appends the nodes `rule`'s context matches, branch by branch.
  void Match(const Rule& rule, _xmlNode* doc_node, EvalContext& eval,
             std::vector<_xmlNode*>& nodes);
  // fn(k, thread, its context) for k in [0, count), the k taken in turn by
  // `threads` threads (this one, index 0, and workers_); rethrows the
  // first exception after all have finished.
  void ForEach(std::size_t count, int threads,
               const std::function<void(std::size_t, int, EvalContext&)>& fn);
  RuleSetDef def_;
  std::vector<std::vector<Rule>> patterns_;
  // Reused across documents: the XPath context, its extension functions
  // and the expressions the native checks compile.
  std::unique_ptr<_xmlXPathContext, void (*)(_xmlXPathContext*)> xp_{nullptr, nullptr};
  std::unique_ptr<EvalContext> eval_;
  std::vector<Worker> workers_;         // created on first use by Run(doc, threads > 1)
  std::vector<const Rule*> all_rules_;  // every rule, pattern by pattern (set by Run)
  std::vector<Item> items_;             // Run's, kept for its capacity
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

// How dbl() gives an untyped negative zero written as a decimal ("-0.00"):
// the smallest negative double, which keeps the reference's order (-0.0 below
// 0.0, engine.cc ParseXsDouble) in XPath 1.0 comparisons.
inline constexpr double kUntypedNegativeZero = -std::numeric_limits<double>::denorm_min();

// The extension functions vat-scheme() and dbl() compared with a number, on
// the nodes of their argument (shared by the XPath functions and FastTest).
bool VatScheme(_xmlNode* const* nodes, std::size_t count, EvalContext& eval);
bool DblCompare(_xmlNode* const* nodes, std::size_t count, int op, double number,
                EvalContext& eval);  // op: 0 =, 1 !=, 2 <, 3 <=, 4 >, 5 >=

// 1 + the index of `uri` among the namespaces the tables use, 0 for another.
// The document index stores it in each xmlNs (its _private field), so name
// tests compare a number instead of a 70-character URI.
int NamespaceId(std::string_view uri);
// The prefix the tables use for `uri` ("cac", ...), "" for another namespace.
std::string_view TablePrefix(std::string_view uri);

// Leading "//prefix:name" and "//@name" steps (absolute, outside string
// literals) -> "$_d.prefix.name" and "$_a.name": the same node sets in
// document order, answered from the DocIndex instead of a walk of the
// whole document; "//prefix:name" followed by predicates or child steps ->
// "$_m.N", that whole path evaluated once per document (EvalContext::Memo).
// Other "//name" steps become "/descendant::name".
std::string RewriteAbsoluteDescendants(std::string_view xpath);

// xs:date castability of a string (YYYY-MM-DD, optional timezone, real day).
bool IsXsDate(const std::string& s);

// Prepares an XPath context for `doc`: namespace prefixes and extension functions.
// `eval` receives dynamic errors raised inside XPath (is-true/is-false casts).
void SetUpXPathContext(_xmlXPathContext* xp, EvalContext* eval);

}  // namespace digitrade::trade::einvoice::internal
