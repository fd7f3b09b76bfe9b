// FastTest: the simple test forms of the rule tables parsed once
// (FastParser) and evaluated over the libxml2 tree without its XPath, with
// the XPath's results and dynamic errors (engine.h, docs/einvoice.md).
#include <fmt/format.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "trade/einvoice/internal/engine.h"
#include "trade/einvoice/internal/text.h"

namespace digitrade::trade::einvoice::internal {

namespace {

class FastParser {
 public:
  explicit FastParser(std::string_view s) : s_(s) {}

  std::optional<FastTest::Path> PathAll() {
    auto p = Path();
    Skip();
    if (!p || i_ != s_.size()) return std::nullopt;
    return p;
  }

  std::optional<FastTest> ParseAll() {
    auto e = Or();
    Skip();
    if (!e || i_ != s_.size()) return std::nullopt;
    return e;
  }

 private:
  using Kind = FastTest::Kind;

  void Skip() {
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
  }
  bool Eat(std::string_view t) {
    Skip();
    if (s_.substr(i_).starts_with(t)) {
      i_ += t.size();
      return true;
    }
    return false;
  }
  // An operator keyword: followed by a space or "(".
  bool EatWord(std::string_view w) {
    Skip();
    const std::size_t save = i_;
    if (Eat(w) && i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '(')) return true;
    i_ = save;
    return false;
  }

  std::optional<FastTest> Or() { return Chain("or", Kind::kOr, &FastParser::And); }
  std::optional<FastTest> And() { return Chain("and", Kind::kAnd, &FastParser::Unary); }

  // operand (word operand)*: one node of `kind` over every operand, or the
  // single operand as it is.
  std::optional<FastTest> Chain(std::string_view word, Kind kind,
                                std::optional<FastTest> (FastParser::*operand)()) {
    auto left = (this->*operand)();
    if (!left) return std::nullopt;
    if (!EatWord(word)) return left;
    FastTest t{kind};
    t.operands.push_back(std::move(*left));
    do {
      auto right = (this->*operand)();
      if (!right) return std::nullopt;
      t.operands.push_back(std::move(*right));
    } while (EatWord(word));
    return t;
  }

  std::optional<std::string> Op() {
    Skip();
    for (std::string_view op : {"<=", ">=", "!=", "<", ">", "="}) {
      if (Eat(op)) return std::string(op);
    }
    return std::nullopt;
  }
  std::optional<double> Number() {
    Skip();
    const std::size_t b = i_;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    if (b == i_) return std::nullopt;
    return std::stod(std::string(s_.substr(b, i_ - b)));
  }
  std::optional<std::string> Literal() {
    Skip();
    if (i_ >= s_.size() || s_[i_] != '\'') return std::nullopt;
    const auto e = s_.find('\'', i_ + 1);
    if (e == std::string_view::npos) return std::nullopt;
    std::string lit(s_.substr(i_ + 1, e - i_ - 1));
    i_ = e + 1;
    return lit;
  }
  std::optional<std::string> Name() {
    const std::size_t b = i_;
    if (i_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[i_]))) {
      while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_'))
        ++i_;
    }
    if (b == i_) return std::nullopt;
    return std::string(s_.substr(b, i_ - b));
  }
  std::optional<FastTest::Path> Path() {
    Skip();
    FastTest::Path p;
    while (s_.substr(i_).starts_with("../")) {
      ++p.up;
      i_ += 3;
    }
    if (p.up == 0 && i_ < s_.size() && s_[i_] == '.' &&
        (i_ + 1 == s_.size() || (s_[i_ + 1] != '.' && s_[i_ + 1] != '/'))) {
      ++i_;
      p.self = true;
      return p;
    }
    if (p.up == 0 && i_ < s_.size() && s_[i_] == '@') {
      ++i_;
      auto n = Name();
      if (!n || (i_ < s_.size() && (s_[i_] == ':' || s_[i_] == '(' || s_[i_] == '['))) return std::nullopt;
      p.attribute = *n;
      return p;
    }
    if (p.up == 0) {
      if (s_.substr(i_).starts_with("//@")) {
        i_ += 3;
        auto n = Name();
        if (!n || (i_ < s_.size() && (s_[i_] == ':' || s_[i_] == '(' || s_[i_] == '[' ||
                                      s_[i_] == '/')))
          return std::nullopt;
        p.from_root = true;
        p.attribute = *n;
        return p;
      }
      if (s_.substr(i_).starts_with("//")) {
        p.from_root = true;
        i_ += 2;
      } else if (s_.substr(i_).starts_with("ancestor::")) {
        p.ancestor = true;
        i_ += 10;
      } else if (s_.substr(i_).starts_with("self::")) {
        p.self_step = true;
        i_ += 6;
      } else if (i_ + 1 < s_.size() && s_[i_] == '/' && std::isalpha(static_cast<unsigned char>(s_[i_ + 1]))) {
        p.from_doc = true;
        i_ += 1;
      }
    }
    while (true) {
      if (i_ < s_.size() && s_[i_] == '*' && !p.steps.empty() && !p.from_root &&
          (i_ + 1 == s_.size() || s_[i_ + 1] != '[')) {
        // "P/*": any child element.
        ++i_;
        p.steps.push_back(FastTest::Step{{}, {}, {}, 0, "*"});
        break;
      }
      auto prefix = Name();
      if (!prefix || i_ >= s_.size() || s_[i_] != ':') return std::nullopt;
      ++i_;
      auto local = Name();
      auto ns = NamespaceOf(*prefix);
      if (!local || !ns) return std::nullopt;
      FastTest::Step step{std::string(*ns), *local, {}, NamespaceId(*ns), {}};
      const std::size_t step_begin = i_ - local->size() - 1 - prefix->size();
      if (i_ < s_.size() && (s_[i_] == '(' || s_[i_] == ':')) return std::nullopt;
      while (i_ < s_.size() && s_[i_] == '[') {
        ++i_;
        auto pred = Or();
        if (!pred || !Eat("]")) return std::nullopt;
        step.predicates.push_back(std::move(*pred));
      }
      step.text = std::string(s_.substr(step_begin, i_ - step_begin));
      p.steps.push_back(std::move(step));
      if (p.self_step) break;
      if (i_ + 1 < s_.size() && s_[i_] == '/' && s_[i_ + 1] == '@') {
        i_ += 2;
        auto n = Name();
        if (!n) return std::nullopt;
        p.attribute = *n;
        break;
      }
      if (i_ + 1 < s_.size() && s_[i_] == '/' && s_[i_ + 1] != '/') {
        ++i_;
        continue;
      }
      break;
    }
    if (i_ < s_.size() && (s_[i_] == '/' || s_[i_] == '[' || s_[i_] == '(' || s_[i_] == ':'))
      return std::nullopt;
    if (i_ < s_.size() && s_[i_] == '*') return std::nullopt;
    p.plain = !p.from_root && !p.ancestor && !p.self_step &&
              std::all_of(p.steps.begin(), p.steps.end(),
                          [](const FastTest::Step& st) { return st.predicates.empty(); });
    return p;
  }

  // "NAME(" PATH ")": the path argument of a one-argument function.
  std::optional<FastTest::Path> PathArg() {
    auto p = Path();
    if (!p || !Eat(")")) return std::nullopt;
    return p;
  }

  // "(A | B | ...)/R" as the paths A/R, B/R, ...; nullopt (and i_ kept)
  // when the text there is not that.
  std::optional<std::vector<FastTest::Path>> UnionPaths() {
    Skip();
    const std::size_t save = i_;
    if (!Eat("(")) return std::nullopt;
    std::vector<FastTest::Path> alts;
    do {
      auto a = Path();
      if (!a || a->self || a->up != 0 || a->ancestor || a->self_step || !a->attribute.empty()) {
        i_ = save;
        return std::nullopt;
      }
      alts.push_back(std::move(*a));
    } while (Eat("|"));
    if (!Eat(")") || i_ >= s_.size() || s_[i_] != '/' || alts.size() < 2) {
      i_ = save;
      return std::nullopt;
    }
    ++i_;
    auto rest = Path();
    if (!rest || rest->self || rest->up != 0 || rest->from_root || rest->from_doc || rest->ancestor ||
        rest->self_step) {
      i_ = save;
      return std::nullopt;
    }
    for (auto& a : alts) {
      a.steps.insert(a.steps.end(), rest->steps.begin(), rest->steps.end());
      a.attribute = rest->attribute;
      a.plain = a.plain && rest->plain;
    }
    return alts;
  }
  // One of the union's paths selects something.
  static FastTest AnyOf(std::vector<FastTest::Path> alts) {
    FastTest t{Kind::kOr};
    for (auto& a : alts) {
      FastTest e{Kind::kExists};
      e.path = std::move(a);
      t.operands.push_back(std::move(e));
    }
    return t;
  }
  // count(P) [+- count(Q) ...]: the first path and the signed others.
  bool CountSum(FastTest& t) {
    auto p = PathArg();
    if (!p) return false;
    t.path = std::move(*p);
    while (true) {
      const std::size_t save = i_;
      int sign = 0;
      if (Eat("+")) sign = 1;
      else if (Eat("-")) sign = -1;
      if (sign == 0) return true;
      if (!Eat("count(")) {
        i_ = save;
        return true;
      }
      auto q = PathArg();
      if (!q) return false;
      t.terms.emplace_back(sign, std::move(*q));
    }
  }

  std::optional<FastTest> Unary() {
    Skip();
    const std::size_t save = i_;
    auto with_path = [](Kind k, FastTest::Path p) {
      FastTest t{k};
      t.path = std::move(p);
      return t;
    };
    // "P) OP N" after "name(": the path argument compared with a number.
    auto compared = [&](Kind k) -> std::optional<FastTest> {
      auto p = PathArg();
      auto op = Op();
      auto n = Number();
      if (!p || !op || !n) return std::nullopt;
      FastTest t = with_path(k, std::move(*p));
      t.op = *op;
      t.number = *n;
      return t;
    };
    if (Eat("not(")) {
      auto e = Or();
      if (!e || !Eat(")")) return std::nullopt;
      FastTest t{Kind::kNot};
      t.operands.push_back(std::move(*e));
      return t;
    }
    if (i_ < s_.size() && s_[i_] == '$') {
      // $name, $name = 'literal', $name != 'literal': a variable of the
      // rule set's binder (EvalContext::SetString/SetBool/SetNodes).
      std::size_t e = i_ + 1;
      while (e < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[e])) || s_[e] == '_')) ++e;
      if (e == i_ + 1) return std::nullopt;
      FastTest t{Kind::kVariable};
      t.variable = std::string(s_.substr(i_ + 1, e - i_ - 1));
      i_ = e;
      const std::size_t after = i_;
      if (auto op = Op()) {
        auto lit = Literal();
        if ((*op != "=" && *op != "!=") || !lit) return std::nullopt;
        t.op = *op;
        t.literal = *lit;
      } else {
        i_ = after;
      }
      return t;
    }
    if (Eat("exists(")) {
      if (auto alts = UnionPaths()) {
        if (!Eat(")")) return std::nullopt;
        return AnyOf(std::move(*alts));
      }
      auto p = PathArg();
      if (!p) return std::nullopt;
      return with_path(Kind::kExists, std::move(*p));
    }
    const bool is_true = Eat("is-true(");
    if (is_true || Eat("is-false(")) {
      const bool want = is_true;
      auto p = PathArg();
      if (!p) return std::nullopt;
      return with_path(want ? Kind::kIsTrue : Kind::kIsFalse, std::move(*p));
    }
    if (Eat("vat-scheme(")) {
      auto p = PathArg();
      if (!p) return std::nullopt;
      return with_path(Kind::kVatScheme, std::move(*p));
    }
    if (Eat("dbl(")) return compared(Kind::kDbl);
    if (Eat("count(")) {
      FastTest t{Kind::kCount};
      if (!CountSum(t)) return std::nullopt;
      auto op = Op();
      auto n = Number();
      if (!op || !n) return std::nullopt;
      t.op = *op;
      t.number = *n;
      return t;
    }
    if (Eat("normalize-space(")) {
      const bool upper = Eat("upper-case(");
      auto p = PathArg();
      if (upper && !Eat(")")) return std::nullopt;
      auto op = Op();
      auto lit = Literal();
      if (!p || !op || !lit || (*op != "=" && *op != "!=")) return std::nullopt;
      FastTest t = with_path(*op == "=" ? Kind::kNormalizedEq : Kind::kNormalizedNe, std::move(*p));
      t.literal = *lit;
      t.upper = upper;
      return t;
    }
    if (Eat("upper-case(")) {
      auto p = PathArg();
      auto op = Op();
      auto lit = Literal();
      if (!p || !op || !lit || (*op != "=" && *op != "!=")) return std::nullopt;
      FastTest t = with_path(*op == "=" ? Kind::kNormalizedEq : Kind::kNormalizedNe, std::move(*p));
      t.literal = *lit;
      t.upper = true;
      t.normalize = false;
      return t;
    }
    if (Eat("substring(name(), string-length(name()) - ")) {
      auto n = Number();
      if (!n || !Eat(")") || !Eat("=")) return std::nullopt;
      auto lit = Literal();
      if (!lit) return std::nullopt;
      FastTest t{Kind::kNameSuffix};
      t.number = *n;
      t.literal = *lit;
      return t;
    }
    if (Eat("string-length(substring-after(")) {
      auto p = Path();
      if (!p || !Eat(",'.'))")) return std::nullopt;
      auto op = Op();
      auto n = Number();
      if (!op || !n) return std::nullopt;
      FastTest t = with_path(Kind::kDecimals, std::move(*p));
      t.op = *op;
      t.number = *n;
      return t;
    }
    if (Eat("string-length(")) return compared(Kind::kStringLength);
    if (Eat("contains(normalize-space(")) {
      auto p = Path();
      if (!p || !Eat("),' ')")) return std::nullopt;
      return with_path(Kind::kContainsSpace, std::move(*p));
    }
    if (Eat("contains(")) {
      auto lit = Literal();
      if (!lit || !Eat(",") || !Eat("concat(' ',")) return std::nullopt;
      // concat(' ', normalize-space(P), ' '), or concat(' ', @name, ' ') of
      // the context node's attribute (at most one node: no cardinality error
      // to raise, the same value as libxml2's string()).
      const bool normalize = Eat("normalize-space(");
      auto p = Path();
      if (!p || (normalize && !Eat(")")) || !Eat(",") || !Eat("' '))")) return std::nullopt;
      if (!normalize && (p->attribute.empty() || !p->steps.empty() || p->up != 0 || p->from_doc ||
                         p->from_root || p->self)) {
        return std::nullopt;
      }
      FastTest t = with_path(Kind::kInList, std::move(*p));
      t.normalize = normalize;
      t.literal = *lit;
      auto codes = std::make_shared<std::unordered_set<std::string>>();
      for (std::size_t b = 0; b < lit->size();) {
        const auto e = std::min(lit->find(' ', b), lit->size());
        if (e > b && b > 0 && e < lit->size()) codes->insert(lit->substr(b, e - b));
        b = e + 1;
      }
      t.codes = std::move(codes);
      return t;
    }
    if (auto alts = UnionPaths()) {
      const std::size_t after = i_;
      if (Op()) return std::nullopt;  // a union compared: not this form
      i_ = after;
      return AnyOf(std::move(*alts));
    }
    if (Eat("(")) {
      // "(count(A) + count(B)) OP N"
      const std::size_t inner = i_;
      if (Eat("count(")) {
        FastTest t{Kind::kCount};
        if (CountSum(t) && Eat(")")) {
          auto op = Op();
          auto n = Number();
          if (op && n) {
            t.op = *op;
            t.number = *n;
            return t;
          }
        }
        i_ = inner;
      }
      auto e = Or();
      if (!e || !Eat(")")) return std::nullopt;
      // "(E) = (F)": two booleans compared.
      const std::size_t after = i_;
      if (auto op = Op()) {
        if ((*op != "=" && *op != "!=") || !Eat("(")) return std::nullopt;
        auto f = Or();
        if (!f || !Eat(")")) return std::nullopt;
        FastTest t{*op == "=" ? Kind::kBoolEq : Kind::kBoolNe};
        t.operands.push_back(std::move(*e));
        t.operands.push_back(std::move(*f));
        return t;
      }
      i_ = after;
      return e;
    }
    i_ = save;
    auto p = Path();
    if (!p) return std::nullopt;
    Skip();
    if (i_ < s_.size() && s_[i_] == '|') {
      // A union in a boolean context: one of the paths selects something.
      FastTest t{Kind::kOr};
      t.operands.push_back(with_path(Kind::kExists, std::move(*p)));
      while (Eat("|")) {
        auto q = Path();
        if (!q) return std::nullopt;
        t.operands.push_back(with_path(Kind::kExists, std::move(*q)));
      }
      const std::size_t after = i_;
      if (Op()) return std::nullopt;  // a union compared: not this form
      i_ = after;
      return t;
    }
    const std::size_t after = i_;
    if (auto op = Op()) {
      auto lit = Literal();
      if (!lit || (*op != "=" && *op != "!=")) return std::nullopt;
      FastTest t = with_path(*op == "=" ? Kind::kAnyEq : Kind::kAnyNe, std::move(*p));
      t.literal = *lit;
      return t;
    }
    i_ = after;
    return with_path(Kind::kExists, std::move(*p));
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

namespace {
// A node vector borrowed from a per-thread pool for the duration of a
// scope (Select and Eval recurse through predicates; no allocation per call).
class Scratch {
 public:
  Scratch() {
    auto& pool = Pool();
    if (pool.empty()) {
      v_ = new std::vector<xmlNode*>();
    } else {
      v_ = pool.back();
      pool.pop_back();
    }
    v_->clear();
  }
  ~Scratch() { Pool().push_back(v_); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  std::vector<xmlNode*>& operator*() { return *v_; }

 private:
  struct Vectors {
    std::vector<std::vector<xmlNode*>*> free;
    ~Vectors() {
      for (auto* v : free) delete v;
    }
  };
  static std::vector<std::vector<xmlNode*>*>& Pool() {
    thread_local Vectors vectors;
    return vectors.free;
  }
  std::vector<xmlNode*>* v_;
};

bool StepMatches(const FastTest::Step& st, xmlNode* c) {
  if (st.local.empty()) return c->type == XML_ELEMENT_NODE;  // "*"
  // strcmp, not std::string == const char*: no strlen of the node's name per node.
  return c->type == XML_ELEMENT_NODE && c->name[0] == st.local[0] &&
         std::strcmp(reinterpret_cast<const char*>(c->name), st.local.c_str()) == 0 &&
         HasNamespace(c, st.ns, st.ns_id);
}
// Keeps the nodes of `level` for which every predicate of `st` holds (each
// predicate evaluated at every node, as XPath does).
void Filter(const FastTest::Step& st, std::vector<xmlNode*>& level, EvalContext& ctx) {
  for (const auto& pred : st.predicates) {
    std::size_t kept = 0;
    for (xmlNode* n : level) {
      if (pred.Eval(n, ctx)) level[kept++] = n;
    }
    level.resize(kept);
  }
}
}  // namespace

void FastTest::Select(const Path& p, xmlNode* at, EvalContext& ctx, std::vector<xmlNode*>& out) {
  out.clear();
  for (int k = 0; k < p.up && at != nullptr; ++k) at = at->parent;
  if (p.from_doc && at != nullptr) at = reinterpret_cast<xmlNode*>(at->doc);
  if (at == nullptr) return;
  if (p.self) {
    out.push_back(at);
    return;
  }
  if (p.from_root && p.steps.empty()) {  // "//@name"
    out = ctx.Index().Attributes(p.attribute);
    return;
  }
  Scratch level_buf;
  std::vector<xmlNode*>& level = *level_buf;
  std::size_t first = 0;
  if (p.from_root || p.ancestor || p.self_step) {
    const Step& st = p.steps[0];
    if (p.from_root && !st.predicates.empty()) {
      // Shared by every path that starts with the same filtered step (the
      // VAT-scheme filters of the category rules, for one).
      const auto& done = ctx.RootStep(
          st.text,
          [](const void* step, EvalContext& c, std::vector<xmlNode*>& filtered) {
            const auto& s = *static_cast<const Step*>(step);
            const auto& all = c.Index().Elements(s.ns, s.local);
            filtered.assign(all.begin(), all.end());
            Filter(s, filtered, c);
          },
          &st);
      level.assign(done.begin(), done.end());
      first = 1;
    } else if (p.from_root) {
      const auto& all = ctx.Index().Elements(st.ns, st.local);
      level.assign(all.begin(), all.end());
    } else if (p.self_step) {
      if (StepMatches(st, at)) level.push_back(at);
    } else {
      for (xmlNode* a = at->parent; a != nullptr && a->type == XML_ELEMENT_NODE; a = a->parent) {
        if (StepMatches(st, a)) level.push_back(a);
      }
      std::reverse(level.begin(), level.end());  // document order
    }
    if (first == 0) {
      Filter(st, level, ctx);
      first = 1;
    }
  } else {
    level.push_back(at);
  }
  Scratch next_buf;
  std::vector<xmlNode*>& next = *next_buf;
  for (std::size_t k = first; k < p.steps.size(); ++k) {
    const Step& st = p.steps[k];
    next.clear();
    for (xmlNode* n : level) {
      if (n->type != XML_ELEMENT_NODE && n->type != XML_DOCUMENT_NODE) continue;
      for (xmlNode* c = n->children; c != nullptr; c = c->next) {
        if (StepMatches(st, c)) next.push_back(c);
      }
    }
    Filter(st, next, ctx);
    level.swap(next);
  }
  if (p.attribute.empty()) {
    out.swap(level);
    return;
  }
  for (xmlNode* n : level) {
    if (n->type != XML_ELEMENT_NODE) continue;
    for (xmlAttr* a = n->properties; a != nullptr; a = a->next) {
      if (a->ns == nullptr && p.attribute == reinterpret_cast<const char*>(a->name))
        out.push_back(reinterpret_cast<xmlNode*>(a));
    }
  }
}

void AppendStringValue(xmlNode* n, std::string& out) {
  if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
    if (n->content != nullptr) out += reinterpret_cast<const char*>(n->content);
    return;
  }
  if (n->type != XML_ELEMENT_NODE && n->type != XML_ATTRIBUTE_NODE &&
      n->type != XML_DOCUMENT_NODE)
    return;
  for (xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE || c->type == XML_ELEMENT_NODE)
      AppendStringValue(c, out);
  }
}

std::string NormalizeSpace(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (IsXmlSpace(static_cast<xmlChar>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

namespace {

// `op` is one of the parser's "=", "!=", "<", "<=", ">", ">=".
bool Compare(double a, const std::string& op, double b) {
  const bool or_equal = op.size() == 2 && op[1] == '=';
  switch (op[0]) {
    case '=':
      return a == b;
    case '!':
      return a != b;
    case '<':
      return or_equal ? a <= b : a < b;
    default:
      return or_equal ? a >= b : a > b;
  }
}

}  // namespace

std::optional<FastTest> FastTest::Parse(std::string_view xpath) {
  return FastParser(xpath).ParseAll();
}

std::optional<FastTest::Path> FastTest::ParsePath(std::string_view xpath) {
  return FastParser(xpath).PathAll();
}

namespace {

// The string-function kinds on the nodes of their path: `count` of them, the
// first one `first`.
bool StringKindTest(const FastTest& t, std::size_t count, xmlNode* first, EvalContext& ctx) {
  using Kind = FastTest::Kind;
  // The string functions take one item: several are the reference's error.
  if (count > 1) {
    ctx.Crash("a sequence of more than one item is not allowed as a function argument");
  }
  std::string value;
  if (first != nullptr) AppendStringValue(first, value);
  switch (t.kind) {
    case Kind::kNormalizedEq:
    case Kind::kNormalizedNe: {
      if (t.upper) {
        for (char& c : value) {
          if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        }
      }
      return ((t.normalize ? NormalizeSpace(value) : value) == t.literal) ==
             (t.kind == Kind::kNormalizedEq);
    }
    case Kind::kDecimals: {
      const auto dot = value.find('.');
      double chars = 0;
      if (dot != std::string::npos) {
        for (std::size_t k = dot + 1; k < value.size(); ++k) {
          if ((static_cast<unsigned char>(value[k]) & 0xC0) != 0x80) ++chars;
        }
      }
      return Compare(chars, t.op, t.number);
    }
    case Kind::kContainsSpace:
      return NormalizeSpace(value).find(' ') != std::string::npos;
    case Kind::kStringLength: {
      double chars = 0;
      for (char c : value) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;
      }
      return Compare(chars, t.op, t.number);
    }
    case Kind::kInList: {
      const std::string v = t.normalize ? NormalizeSpace(value) : value;
      if (!v.empty() && v.find(' ') == std::string::npos) return t.codes->contains(v);
      return t.literal.find(" " + v + " ") != std::string::npos;
    }
    default:
      return false;
  }
}

// The number of nodes (at most `limit`) a plain path selects from `at`, and
// the first of them in document order.
std::size_t CountPlain(const FastTest::Path& p, xmlNode* at, std::size_t limit, xmlNode** first) {
  for (int k = 0; k < p.up && at != nullptr; ++k) at = at->parent;
  if (p.from_doc && at != nullptr) at = reinterpret_cast<xmlNode*>(at->doc);
  if (at == nullptr || limit == 0) return 0;
  if (p.self) {
    *first = at;
    return 1;
  }
  std::size_t n = 0;
  auto emit = [&](xmlNode* node) {
    if (n++ == 0) *first = node;
    return n < limit;
  };
  // Depth-first over the child steps: document order.
  auto visit = [&](auto& self, xmlNode* node, std::size_t k) -> bool {
    if (k == p.steps.size()) {
      if (p.attribute.empty()) return emit(node);
      for (xmlAttr* a = node->properties; a != nullptr; a = a->next) {
        if (a->ns == nullptr && p.attribute == reinterpret_cast<const char*>(a->name) &&
            !emit(reinterpret_cast<xmlNode*>(a)))
          return false;
      }
      return true;
    }
    if (node->type != XML_ELEMENT_NODE && node->type != XML_DOCUMENT_NODE) return true;
    for (xmlNode* c = node->children; c != nullptr; c = c->next) {
      if (StepMatches(p.steps[k], c) && !self(self, c, k + 1)) return false;
    }
    return true;
  };
  if (p.steps.empty() && at->type != XML_ELEMENT_NODE) return 0;
  visit(visit, at, 0);
  return n;
}

}  // namespace

namespace {

// $v, $v = 'literal', $v != 'literal' with XPath 1.0's comparisons, as
// libxml2 evaluates them: a boolean against a string compares with the
// string's boolean; a node set holds when one of its nodes' string values
// compares so. An unbound variable is libxml2's evaluation error: the
// tables' variables are all bound by their binder, so this is a defect.
bool VariableTest(const FastTest& t, EvalContext& ctx) {
  using Type = EvalContext::Variable::Type;
  const EvalContext::Variable* v = ctx.FindVariable(t.variable);
  if (v == nullptr) {
    ctx.Crash("undefined variable $" + t.variable);
    return false;
  }
  const bool eq = t.op == "=";
  switch (v->type) {
    case Type::kBool:
      return t.op.empty() ? v->boolean : (v->boolean == !t.literal.empty()) == eq;
    case Type::kString:
      return t.op.empty() ? !v->string.empty() : (v->string == t.literal) == eq;
    case Type::kNodes:
      if (t.op.empty()) return !v->nodes.empty();
      for (xmlNode* n : v->nodes) {
        std::string value;
        AppendStringValue(n, value);
        if ((value == t.literal) == eq) return true;
      }
      return false;
  }
  return false;
}

}  // namespace

bool FastTest::Eval(_xmlNode* at, EvalContext& ctx) const {
  switch (kind) {
    case Kind::kOr:
      for (const auto& o : operands) {
        if (o.Eval(at, ctx)) return true;
      }
      return false;
    case Kind::kAnd:
      for (const auto& o : operands) {
        if (!o.Eval(at, ctx)) return false;
      }
      return true;
    case Kind::kNot:
      return !operands[0].Eval(at, ctx);
    case Kind::kVariable:
      return VariableTest(*this, ctx);
    case Kind::kBoolEq:
    case Kind::kBoolNe: {
      // Both sides are evaluated (their errors too), then compared.
      const bool a = operands[0].Eval(at, ctx);
      const bool b = operands[1].Eval(at, ctx);
      return (a == b) == (kind == Kind::kBoolEq);
    }
    case Kind::kCount:
      if (!terms.empty()) {
        auto count = [&](const Path& q) {
          Scratch buf;
          Select(q, at, ctx, *buf);
          return static_cast<double>((*buf).size());
        };
        double sum = count(path);
        for (const auto& [sign, q] : terms) sum += sign * count(q);
        return Compare(sum, op, number);
      }
      break;
    default:
      break;
  }
  if (kind == Kind::kNameSuffix) {
    // substring(name(), string-length(name()) - number): the last number + 1
    // characters of the qualified name.
    std::string name;
    if (at->type == XML_ELEMENT_NODE || at->type == XML_ATTRIBUTE_NODE) {
      if (at->ns != nullptr && at->ns->prefix != nullptr)
        name = std::string(reinterpret_cast<const char*>(at->ns->prefix)) + ":";
      name += reinterpret_cast<const char*>(at->name);
    }
    std::size_t keep = static_cast<std::size_t>(number) + 1;
    std::size_t pos = name.size();
    while (pos > 0 && keep > 0) {
      --pos;
      if ((static_cast<unsigned char>(name[pos]) & 0xC0) != 0x80) --keep;
    }
    return std::string_view(name).substr(pos) == literal;
  }
  const bool string_kind =
      (kind >= Kind::kNormalizedEq && kind <= Kind::kInList) || kind == Kind::kStringLength;
  if (path.plain && (kind == Kind::kExists || kind == Kind::kCount || string_kind)) {
    // No predicate can raise an error on the way: count only as far as needed.
    std::size_t limit = 2;  // the string functions: the first node, and whether there are more
    if (kind == Kind::kExists) limit = 1;
    if (kind == Kind::kCount) limit = static_cast<std::size_t>(std::max(0.0, number)) + 2;
    xmlNode* first = nullptr;
    const std::size_t n = CountPlain(path, at, limit, &first);
    if (kind == Kind::kExists) return n > 0;
    if (kind == Kind::kCount) return Compare(static_cast<double>(n), op, number);
    return StringKindTest(*this, n, first, ctx);
  }
  Scratch nodes_buf;
  std::vector<xmlNode*>& nodes = *nodes_buf;
  Select(path, at, ctx, nodes);
  switch (kind) {
    case Kind::kExists:
      return !nodes.empty();
    case Kind::kCount:
      return Compare(static_cast<double>(nodes.size()), op, number);
    case Kind::kVatScheme:
      return VatScheme(nodes.data(), nodes.size(), ctx);
    case Kind::kDbl: {
      static constexpr std::string_view kOps[] = {"=", "!=", "<", "<=", ">", ">="};
      const int code = static_cast<int>(std::find(std::begin(kOps), std::end(kOps), op) - std::begin(kOps));
      return DblCompare(nodes.data(), nodes.size(), code, number, ctx);
    }
    case Kind::kAnyEq:
    case Kind::kAnyNe:
      // A general comparison: some node's string-value is (or is not) the literal.
      for (xmlNode* n : nodes) {
        std::string v;
        AppendStringValue(n, v);
        if ((v == literal) == (kind == Kind::kAnyEq)) return true;
      }
      return false;
    case Kind::kIsTrue:
    case Kind::kIsFalse: {
      bool r = false;
      const bool want = kind == Kind::kIsTrue;
      for (xmlNode* n : nodes) {
        std::string v;
        AppendStringValue(n, v);
        v = Trim(v);
        if (v == "true" || v == "1") {
          r = r || want;
        } else if (v == "false" || v == "0") {
          r = r || !want;
        } else {
          ctx.Crash(fmt::format("xs:boolean('{}'): invalid value", v));
        }
      }
      return r;
    }
    default:
      break;
  }
  return StringKindTest(*this, nodes.size(), nodes.empty() ? nullptr : nodes[0], ctx);
}
}  // namespace digitrade::trade::einvoice::internal
