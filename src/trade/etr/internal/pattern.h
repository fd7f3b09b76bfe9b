// The ECMA-262 regular-expression subset that OpenAPI `pattern` keywords use,
// matched in time linear in the input (a Pike VM over code points), so a
// hostile string cannot make validation hang or recurse deeply the way a
// backtracking engine (std::regex) does.
//
// Supported: literals, `.`, escapes \d \D \s \S \w \W and escaped
// punctuation, classes `[...]` / `[^...]` with ranges and those escapes,
// groups `(...)` and `(?:...)`, alternation `|`, quantifiers `* + ? {n}
// {n,} {n,m}` (greedy or lazy; both accept the same strings), anchors `^` and
// `$`. Not supported (Compile fails): backreferences, lookaround, named
// groups, flags. `pattern` semantics are a search: unanchored unless the
// pattern anchors itself.
//
// Thread-safety: a compiled Pattern is immutable; Search() may be called from
// many threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace digitrade::trade::etr::internal {

class Pattern {
 public:
  // Errors: invalid_argument naming the unsupported or malformed construct;
  // resource_exhausted when counted repetition expands beyond 10,000
  // instructions.
  static Result<Pattern> Compile(std::string_view pattern);

  // Whether the pattern matches somewhere in `text` (UTF-8; invalid bytes
  // count as one code point each). ASCII text runs on a DFA built at
  // Compile time (one table look-up per byte); other text, or a pattern
  // whose DFA would exceed kMaxDfaStates, runs on the Pike VM. Both give
  // the same answer.
  bool Search(std::string_view text) const;

  // Whether Compile built the ASCII DFA (for tests and diagnostics).
  bool has_dfa() const { return !dfa_.empty(); }
  static constexpr std::size_t kMaxDfaStates = 256;

  const std::string& source() const { return source_; }

  // One VM instruction (public for the compiler in pattern.cc).
  struct Inst {
    enum class Op : std::uint8_t { kSet, kSplit, kJmp, kBol, kEol, kMatch };
    Op op = Op::kMatch;
    int x = 0;  // kSplit: first branch (preferred), kJmp: target, kSet: set index
    int y = 0;  // kSplit: second branch
  };
  struct CharSet {
    bool negated = false;
    std::vector<std::pair<char32_t, char32_t>> ranges;
    bool Contains(char32_t c) const;
  };

 private:
  bool SearchVm(std::string_view text) const;
  void BuildDfa();

  std::string source_;
  std::vector<Inst> prog_;
  std::vector<CharSet> sets_;
  // ASCII DFA: dfa_[state * 128 + byte] is the next state; state 0 is the
  // start. A state matches "now" (somewhere before the end) or "at end".
  std::vector<std::uint16_t> dfa_;
  std::vector<std::uint8_t> dfa_match_now_;
  std::vector<std::uint8_t> dfa_match_at_end_;
};

}  // namespace digitrade::trade::etr::internal
