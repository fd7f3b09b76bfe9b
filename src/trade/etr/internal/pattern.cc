#include "trade/etr/internal/pattern.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <utility>

namespace digitrade::trade::etr::internal {

namespace {

constexpr char32_t kMaxCodePoint = 0x10FFFF;
constexpr std::size_t kMaxInstructions = 10000;
constexpr int kUnbounded = -1;
using Ranges = std::vector<std::pair<char32_t, char32_t>>;

// Decodes one code point at `i` and advances; a byte that does not start a
// valid sequence decodes to U+FFFD on its own.
char32_t NextCodePoint(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  int len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? b0 : (b0 & (0x7F >> len));
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += len;
  return cp;
}

Ranges Complement(Ranges r) {
  std::sort(r.begin(), r.end());
  Ranges out;
  char32_t next = 0;
  for (const auto& [lo, hi] : r) {
    if (lo > next) out.emplace_back(next, lo - 1);
    if (hi + 1 > next) next = hi + 1;
  }
  if (next <= kMaxCodePoint) out.emplace_back(next, kMaxCodePoint);
  return out;
}

Ranges Digits() {
  return {{'0', '9'}};
}
Ranges Word() {
  return {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
}
// ECMA-262 WhiteSpace and LineTerminator.
Ranges Space() {
  return {{0x09, 0x0D},     {0x20, 0x20},     {0xA0, 0xA0},     {0x1680, 0x1680}, {0x2000, 0x200A},
          {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}, {0xFEFF, 0xFEFF}};
}
Ranges AnyButLineTerminator() {
  return Complement({{'\n', '\n'}, {'\r', '\r'}, {0x2028, 0x2029}});
}

struct Node {
  enum class Kind { kSet, kBol, kEol, kConcat, kAlt, kRepeat };
  Kind kind = Kind::kConcat;
  int set = 0;
  int min = 0;
  int max = 0;
  std::vector<std::unique_ptr<Node>> children;
};

class Parser {
 public:
  explicit Parser(std::string_view p, std::vector<Pattern::CharSet>& sets) : p_(p), sets_(sets) {}

  Result<std::unique_ptr<Node>> ParseAll() {
    DT_ASSIGN_OR_RETURN(auto node, ParseAlt());
    if (i_ < p_.size()) return Bad("unbalanced ')'");
    return node;
  }

 private:
  std::unexpected<Error> Bad(std::string_view what) const {
    return InvalidArgument(fmt::format("pattern /{}/ at offset {}: {}", p_, i_, what));
  }

  Result<std::unique_ptr<Node>> ParseAlt() {
    auto alt = std::make_unique<Node>();
    alt->kind = Node::Kind::kAlt;
    while (true) {
      DT_ASSIGN_OR_RETURN(auto seq, ParseConcat());
      alt->children.push_back(std::move(seq));
      if (i_ >= p_.size() || p_[i_] != '|') break;
      ++i_;
    }
    if (alt->children.size() == 1) return std::move(alt->children.front());
    return alt;
  }

  Result<std::unique_ptr<Node>> ParseConcat() {
    auto seq = std::make_unique<Node>();
    while (i_ < p_.size() && p_[i_] != '|' && p_[i_] != ')') {
      DT_ASSIGN_OR_RETURN(auto atom, ParseAtom());
      DT_ASSIGN_OR_RETURN(atom, ParseQuantifier(std::move(atom)));
      seq->children.push_back(std::move(atom));
    }
    return seq;
  }

  Result<std::unique_ptr<Node>> ParseAtom() {
    const char c = p_[i_];
    if (c == '(') return ParseGroup();
    if (c == '^' || c == '$') {
      ++i_;
      auto n = std::make_unique<Node>();
      n->kind = c == '^' ? Node::Kind::kBol : Node::Kind::kEol;
      return n;
    }
    if (c == '*' || c == '+' || c == '?') return Bad("nothing to repeat");
    if (c == '[') return ParseClass();
    if (c == '.') {
      ++i_;
      return SetNode(AnyButLineTerminator(), false);
    }
    if (c == '\\') {
      DT_ASSIGN_OR_RETURN(auto ranges, ParseEscape());
      return SetNode(std::move(ranges), false);
    }
    const char32_t cp = NextCodePoint(p_, i_);
    return SetNode({{cp, cp}}, false);
  }

  Result<std::unique_ptr<Node>> ParseGroup() {
    ++i_;
    if (p_.substr(i_).starts_with("?:")) {
      i_ += 2;
    } else if (i_ < p_.size() && p_[i_] == '?') {
      return Bad("lookaround and named groups are not supported");
    }
    DT_ASSIGN_OR_RETURN(auto inner, ParseAlt());
    if (i_ >= p_.size() || p_[i_] != ')') return Bad("missing ')'");
    ++i_;
    return inner;
  }

  // An escape outside or inside a class, as the code points it stands for.
  Result<Ranges> ParseEscape() {
    ++i_;
    if (i_ >= p_.size()) return Bad("'\\' at the end");
    const char e = p_[i_++];
    switch (e) {
      case 'd':
        return Digits();
      case 'D':
        return Complement(Digits());
      case 's':
        return Space();
      case 'S':
        return Complement(Space());
      case 'w':
        return Word();
      case 'W':
        return Complement(Word());
      case 't':
        return Ranges{{'\t', '\t'}};
      case 'n':
        return Ranges{{'\n', '\n'}};
      case 'r':
        return Ranges{{'\r', '\r'}};
      case 'f':
        return Ranges{{'\f', '\f'}};
      case 'v':
        return Ranges{{'\v', '\v'}};
      case 'x':
        return ParseHex(2);
      case 'u':
        return ParseHex(4);
      default:
        break;
    }
    if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) {
      --i_;
      return Bad(fmt::format("unsupported escape '\\{}'", e));
    }
    --i_;
    const char32_t cp = NextCodePoint(p_, i_);
    return Ranges{{cp, cp}};
  }

  Result<Ranges> ParseHex(int digits) {
    if (i_ + digits > p_.size()) return Bad("short hex escape");
    char32_t v = 0;
    for (int k = 0; k < digits; ++k) {
      const char h = p_[i_++];
      const int d = h >= '0' && h <= '9'   ? h - '0'
                    : h >= 'a' && h <= 'f' ? h - 'a' + 10
                    : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                           : -1;
      if (d < 0) return Bad("bad hex escape");
      v = v * 16 + static_cast<char32_t>(d);
    }
    return Ranges{{v, v}};
  }

  Result<std::unique_ptr<Node>> ParseClass() {
    ++i_;
    bool negated = false;
    if (i_ < p_.size() && p_[i_] == '^') {
      negated = true;
      ++i_;
    }
    Ranges ranges;
    while (i_ < p_.size() && p_[i_] != ']') {
      DT_ASSIGN_OR_RETURN(Ranges lo, ClassAtom());
      const bool single = lo.size() == 1 && lo[0].first == lo[0].second;
      if (single && i_ + 1 < p_.size() && p_[i_] == '-' && p_[i_ + 1] != ']') {
        ++i_;
        DT_ASSIGN_OR_RETURN(Ranges hi, ClassAtom());
        if (hi.size() != 1 || hi[0].first != hi[0].second) return Bad("class range to an escape");
        if (hi[0].first < lo[0].first) return Bad("class range out of order");
        ranges.emplace_back(lo[0].first, hi[0].first);
        continue;
      }
      ranges.insert(ranges.end(), lo.begin(), lo.end());
    }
    if (i_ >= p_.size()) return Bad("missing ']'");
    ++i_;
    return SetNode(std::move(ranges), negated);
  }

  Result<Ranges> ClassAtom() {
    if (p_[i_] == '\\') return ParseEscape();
    const char32_t cp = NextCodePoint(p_, i_);
    return Ranges{{cp, cp}};
  }

  // Parses {n}, {n,}, {n,m} at i_; false (i_ unchanged) if the text is not
  // a quantifier (then '{' is a literal, as ECMA-262 Annex B allows).
  bool ParseBraces(int& min, int& max) {
    std::size_t j = i_ + 1;
    auto number = [&](int& out) {
      const std::size_t start = j;
      long v = 0;
      while (j < p_.size() && p_[j] >= '0' && p_[j] <= '9' && v < 100000)
        v = v * 10 + (p_[j++] - '0');
      out = static_cast<int>(v);
      return j > start;
    };
    if (!number(min)) return false;
    max = min;
    if (j < p_.size() && p_[j] == ',') {
      ++j;
      if (!number(max)) max = kUnbounded;
    }
    if (j >= p_.size() || p_[j] != '}') return false;
    i_ = j + 1;
    return true;
  }

  Result<std::unique_ptr<Node>> ParseQuantifier(std::unique_ptr<Node> atom) {
    if (i_ >= p_.size()) return atom;
    int min = 0;
    int max = 0;
    const char c = p_[i_];
    if (c == '*' || c == '+' || c == '?') {
      ++i_;
      min = c == '+' ? 1 : 0;
      max = c == '?' ? 1 : kUnbounded;
    } else if (c != '{' || !ParseBraces(min, max)) {
      return atom;
    }
    if (max != kUnbounded && max < min) return Bad("numbers out of order in {n,m}");
    if (atom->kind == Node::Kind::kBol || atom->kind == Node::Kind::kEol) {
      return Bad("nothing to repeat");
    }
    if (i_ < p_.size() && p_[i_] == '?') ++i_;  // lazy: same language
    auto rep = std::make_unique<Node>();
    rep->kind = Node::Kind::kRepeat;
    rep->min = min;
    rep->max = max;
    rep->children.push_back(std::move(atom));
    return rep;
  }

  std::unique_ptr<Node> SetNode(Ranges ranges, bool negated) {
    sets_.push_back({negated, std::move(ranges)});
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::kSet;
    n->set = static_cast<int>(sets_.size() - 1);
    return n;
  }

  std::string_view p_;
  std::size_t i_ = 0;
  std::vector<Pattern::CharSet>& sets_;
};

using Inst = Pattern::Inst;
using Op = Pattern::Inst::Op;

class Compiler {
 public:
  explicit Compiler(std::vector<Inst>& prog) : prog_(prog) {}

  Status Emit(const Node& n) {
    if (prog_.size() > kMaxInstructions) {
      return ResourceExhausted("pattern expands to too many instructions");
    }
    switch (n.kind) {
      case Node::Kind::kSet:
        Add({Op::kSet, n.set, 0});
        return {};
      case Node::Kind::kBol:
        Add({Op::kBol, 0, 0});
        return {};
      case Node::Kind::kEol:
        Add({Op::kEol, 0, 0});
        return {};
      case Node::Kind::kConcat:
        for (const auto& c : n.children) DT_TRY(Emit(*c));
        return {};
      case Node::Kind::kAlt:
        return EmitAlt(n, 0);
      case Node::Kind::kRepeat:
        return EmitRepeat(n);
    }
    return {};
  }

 private:
  int Add(Inst inst) {
    prog_.push_back(inst);
    return static_cast<int>(prog_.size() - 1);
  }
  int Here() const { return static_cast<int>(prog_.size()); }

  Status EmitAlt(const Node& n, std::size_t k) {
    if (k + 1 == n.children.size()) return Emit(*n.children[k]);
    const int split = Add({Op::kSplit, 0, 0});
    prog_[split].x = Here();
    DT_TRY(Emit(*n.children[k]));
    const int jmp = Add({Op::kJmp, 0, 0});
    prog_[split].y = Here();
    DT_TRY(EmitAlt(n, k + 1));
    prog_[jmp].x = Here();
    return {};
  }

  Status EmitRepeat(const Node& n) {
    const Node& body = *n.children.front();
    for (int k = 0; k < n.min; ++k) DT_TRY(Emit(body));
    if (n.max == kUnbounded) {
      const int split = Add({Op::kSplit, 0, 0});
      prog_[split].x = Here();
      DT_TRY(Emit(body));
      Add({Op::kJmp, split, 0});
      prog_[split].y = Here();
      return {};
    }
    std::vector<int> exits;
    for (int k = n.min; k < n.max; ++k) {
      const int split = Add({Op::kSplit, 0, 0});
      prog_[split].x = Here();
      exits.push_back(split);
      DT_TRY(Emit(body));
    }
    for (int s : exits) prog_[s].y = Here();
    return {};
  }

  std::vector<Inst>& prog_;
};

}  // namespace

bool Pattern::CharSet::Contains(char32_t c) const {
  bool in = false;
  for (const auto& [lo, hi] : ranges) {
    if (c >= lo && c <= hi) {
      in = true;
      break;
    }
  }
  return in != negated;
}

Result<Pattern> Pattern::Compile(std::string_view pattern) {
  Pattern p;
  p.source_ = std::string(pattern);
  Parser parser(pattern, p.sets_);
  DT_ASSIGN_OR_RETURN(auto root, parser.ParseAll());
  Compiler compiler(p.prog_);
  DT_TRY(compiler.Emit(*root));
  if (p.prog_.size() > kMaxInstructions) {
    return ResourceExhausted("pattern expands to too many instructions");
  }
  p.prog_.push_back({Inst::Op::kMatch, 0, 0});
  p.BuildDfa();
  return p;
}

namespace {

// Follows the epsilon moves from the instructions on `stack` at a position
// (start of text or not, end of text or not), appending the kSet
// instructions reached to `sets`; true as soon as kMatch is reached.
// `first_visit(pc)` marks pc and says whether it was unmarked.
template <typename FirstVisit>
bool Follow(const std::vector<Pattern::Inst>& prog, std::vector<int>& stack, FirstVisit&& first_visit,
            bool at_start, bool at_end, std::vector<int>& sets) {
  using enum Pattern::Inst::Op;
  while (!stack.empty()) {
    const int pc = stack.back();
    stack.pop_back();
    if (!first_visit(pc)) continue;
    const auto& inst = prog[pc];
    switch (inst.op) {
      case kMatch:
        return true;
      case kSet:
        sets.push_back(pc);
        break;
      case kJmp:
        stack.push_back(inst.x);
        break;
      case kSplit:
        stack.push_back(inst.y);
        stack.push_back(inst.x);
        break;
      case kBol:
        if (at_start) stack.push_back(pc + 1);
        break;
      case kEol:
        if (at_end) stack.push_back(pc + 1);
        break;
    }
  }
  return false;
}

// The closure of `seeds` for the DFA: the kSet instructions (complete only
// when `match` is false, which is the only case the DFA uses them).
struct Closure {
  std::vector<int> sets;
  bool match = false;
};

Closure Close(const std::vector<Pattern::Inst>& prog, const std::vector<int>& seeds, bool at_start,
              bool at_end) {
  Closure out;
  std::vector<char> seen(prog.size(), 0);
  std::vector<int> stack(seeds.rbegin(), seeds.rend());
  auto first_visit = [&](int pc) { return std::exchange(seen[pc], 1) == 0; };
  out.match = Follow(prog, stack, first_visit, at_start, at_end, out.sets);
  return out;
}

}  // namespace

// Subset construction over the ASCII alphabet. A DFA state is the set of
// instructions to close over at a position ("seeds": the successors of the
// sets that consumed the previous character, plus instruction 0, since a
// new attempt starts at every position), and whether it is the start of the
// text (only state 0 is). Gives up (no DFA) beyond kMaxDfaStates.
void Pattern::BuildDfa() {
  using Key = std::pair<std::vector<int>, bool>;
  std::map<Key, std::uint16_t> index;
  std::vector<Key> states;
  auto intern = [&](Key key) -> int {
    if (auto it = index.find(key); it != index.end()) return it->second;
    if (states.size() >= kMaxDfaStates) return -1;
    const auto id = static_cast<std::uint16_t>(states.size());
    index.emplace(key, id);
    states.push_back(std::move(key));
    return id;
  };
  intern({{0}, true});
  std::vector<std::uint16_t> table;
  std::vector<std::uint8_t> now;
  std::vector<std::uint8_t> at_end;
  for (std::size_t s = 0; s < states.size(); ++s) {
    const auto [seeds, at_start] = states[s];
    const Closure mid = Close(prog_, seeds, at_start, false);
    now.push_back(mid.match ? 1 : 0);
    at_end.push_back(Close(prog_, seeds, at_start, true).match ? 1 : 0);
    for (char32_t c = 0; c < 128; ++c) {
      std::vector<int> next{0};
      for (int pc : mid.sets) {
        if (sets_[prog_[pc].x].Contains(c)) next.push_back(pc + 1);
      }
      std::sort(next.begin(), next.end());
      next.erase(std::unique(next.begin(), next.end()), next.end());
      const int id = intern({std::move(next), false});
      if (id < 0) return;  // too many states: the VM serves every search
      table.push_back(static_cast<std::uint16_t>(id));
    }
  }
  dfa_ = std::move(table);
  dfa_match_now_ = std::move(now);
  dfa_match_at_end_ = std::move(at_end);
}

bool Pattern::Search(std::string_view text) const {
  if (dfa_.empty()) return SearchVm(text);
  std::size_t state = 0;
  for (const char ch : text) {
    const auto b = static_cast<unsigned char>(ch);
    if (b >= 0x80) return SearchVm(text);
    if (dfa_match_now_[state] != 0) return true;
    state = dfa_[state * 128 + b];
  }
  return dfa_match_at_end_[state] != 0;
}

bool Pattern::SearchVm(std::string_view text) const {
  std::vector<char32_t> cps;
  cps.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) cps.push_back(NextCodePoint(text, i));
  const std::size_t n = cps.size();
  std::vector<int> current;
  std::vector<int> next;
  std::vector<std::size_t> mark(prog_.size(), SIZE_MAX);
  std::vector<int> stack;
  std::size_t generation = 0;
  // Adds the epsilon closure of `pc` at position `pos` to `list`; true when
  // it reaches kMatch.
  auto first_visit = [&](int pc) { return std::exchange(mark[pc], generation) != generation; };
  auto add = [&](std::vector<int>& list, int start, std::size_t pos) {
    stack.assign(1, start);
    return Follow(prog_, stack, first_visit, pos == 0, pos == n, list);
  };
  for (std::size_t pos = 0;; ++pos) {
    if (add(current, 0, pos)) return true;  // a new attempt starts at every position
    if (pos == n) return false;
    ++generation;
    next.clear();
    for (int pc : current) {
      if (sets_[prog_[pc].x].Contains(cps[pos]) && add(next, pc + 1, pos + 1)) return true;
    }
    current.swap(next);
  }
}

}  // namespace digitrade::trade::etr::internal
