#include "trade/etr/internal/pattern.h"

#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <string>

namespace digitrade::trade::etr::internal {
namespace {

bool Matches(std::string_view pattern, std::string_view text) {
  auto p = Pattern::Compile(pattern);
  EXPECT_TRUE(p) << pattern << ": " << p.error().ToString();
  return p && p->Search(text);
}

TEST(PatternTest, TheDcsaPatterns) {
  EXPECT_TRUE(Matches(R"(^[A-Z]{2}[A-Z2-9]{3}$)", "DEHAM"));
  EXPECT_FALSE(Matches(R"(^[A-Z]{2}[A-Z2-9]{3}$)", "DEHA1"));
  EXPECT_FALSE(Matches(R"(^[A-Z]{2}[A-Z2-9]{3}$)", "deham"));
  EXPECT_FALSE(Matches(R"(^[A-Z]{2}[A-Z2-9]{3}$)", "DEHAMX"));
  EXPECT_TRUE(Matches(R"(^\S(?:.*\S)?$)", "a"));
  EXPECT_TRUE(Matches(R"(^\S(?:.*\S)?$)", "King of the Seas"));
  EXPECT_FALSE(Matches(R"(^\S(?:.*\S)?$)", " leading"));
  EXPECT_FALSE(Matches(R"(^\S(?:.*\S)?$)", "trailing "));
  EXPECT_FALSE(Matches(R"(^\S(?:.*\S)?$)", ""));
  EXPECT_FALSE(Matches(R"(^\S(?:.*\S)?$)", "two\nlines"));  // '.' stops at line ends
  EXPECT_FALSE(Matches(R"(^\S(?:.*\S)?$)", "nbsp\u00a0"));  // U+00A0 is \s in ECMA-262
  EXPECT_TRUE(Matches(R"(^\S(?:.*\S)?$)", "こんにちは"));
  EXPECT_TRUE(Matches(R"(^\d{6,12}$)", "123456"));
  EXPECT_FALSE(Matches(R"(^\d{6,12}$)", "12345"));
  EXPECT_FALSE(Matches(R"(^\d{6,12}$)", "1234567890123"));
  EXPECT_TRUE(Matches(R"(^.+@\S+$)", "a@b"));
  EXPECT_FALSE(Matches(R"(^.+@\S+$)", "@b"));
  EXPECT_TRUE(Matches(R"(^[0-9](\.[0-9])?$)", "1.5"));
  EXPECT_FALSE(Matches(R"(^[0-9](\.[0-9])?$)", "1x5"));
  EXPECT_TRUE(Matches(R"(^\d{2}[0-9A-Z]{2}[NEWSR]$)", "21ABN"));
  EXPECT_TRUE(Matches(R"(^[0-9a-f]+$)", "0af9"));
  EXPECT_FALSE(Matches(R"(^[0-9a-f]+$)", "0aF9"));
}

TEST(PatternTest, SearchIsUnanchoredUnlessAnchored) {
  EXPECT_TRUE(Matches("b+", "aaabbbccc"));
  EXPECT_FALSE(Matches("^b+", "aaabbb"));
  EXPECT_TRUE(Matches("c$", "abc"));
  EXPECT_TRUE(Matches("", "anything"));
}

TEST(PatternTest, AlternationClassesAndEscapes) {
  EXPECT_TRUE(Matches("^(cat|dog)s?$", "dogs"));
  EXPECT_FALSE(Matches("^(cat|dog)s?$", "cow"));
  EXPECT_TRUE(Matches(R"(^[^\s,]+$)", "abc"));
  EXPECT_FALSE(Matches(R"(^[^\s,]+$)", "a,c"));
  EXPECT_TRUE(Matches(R"(^\u0041\x42$)", "AB"));
  EXPECT_TRUE(Matches(R"(^a{2,}$)", "aaaa"));
  EXPECT_TRUE(Matches(R"(^a{2}?$)", "aa"));  // lazy form, same language
  EXPECT_TRUE(Matches("^x{y$", "x{y"));      // '{' not a quantifier: literal
  EXPECT_TRUE(Matches(R"(^[\w.-]+$)", "a_b.c-d"));
}

TEST(PatternTest, RejectsWhatItDoesNotSupport) {
  for (std::string_view bad : {"(?=a)", "(?<n>a)", R"(\1)", R"(\b)", "a**", "*a", "(a", "a)", "[a",
                               "[z-a]", "a{3,2}", R"(\)", "^*"}) {
    auto p = Pattern::Compile(bad);
    EXPECT_FALSE(p) << bad;
    if (!p) {
      EXPECT_EQ(p.error().code(), ErrorCode::kInvalidArgument) << bad;
    }
  }
  auto huge = Pattern::Compile("(a{100}){1000}");
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().code(), ErrorCode::kResourceExhausted);
}

TEST(PatternTest, LinearOnHostileInput) {
  // Catastrophic for a backtracking engine; one pass here.
  const std::string text(200000, 'a');
  EXPECT_FALSE(Matches("^(a|a)*(a*)*b$", text));
  EXPECT_FALSE(Matches(R"(^\S(?:.*\S)?$)", text + " "));
  EXPECT_TRUE(Matches(R"(^\S(?:.*\S)?$)", text));
}

// Differential check against an independent engine (libstdc++'s ECMAScript
// std::regex) on the patterns the DCSA schemas use and more, over random
// ASCII strings short enough for a backtracking engine.
TEST(PatternTest, AgreesWithStdRegexOnAsciiInput) {
  const char* patterns[] = {R"(^\d{4}$)",
                            R"(^[0-3][0-9A-Z]{3}$)",
                            R"(^\S+$)",
                            R"(^\d{6,12}$)",
                            R"(^[A-Z]{3}$)",
                            R"(^[A-Z]{2}$)",
                            R"(^[A-Z0-9]{1,5}$)",
                            R"(^[A-Z0-9]{2}$)",
                            R"(^[A-Z]{2}[A-Z2-9]{3}$)",
                            R"(^\d{6,10}$)",
                            R"(^.+@\S+$)",
                            R"(^\S(?:.*\S)?$)",
                            R"(^[0-9](\.[0-9])?$)",
                            R"(^\d{2}[0-9A-Z]{2}[NEWSR]$)",
                            R"(^[0-9a-f]+$)",
                            "a|bc|",
                            R"((ab)*c?$)",
                            R"([^a-c\d]{2,})",
                            R"(^x{0,2}y+?z*$)"};
  const std::string alphabet = "aAbBcCzZ019xyz@ .-_\t";
  std::mt19937 rng(20261128);
  for (const char* p : patterns) {
    auto ours = Pattern::Compile(p);
    ASSERT_TRUE(ours) << p << ": " << ours.error().ToString();
    const std::regex reference(p, std::regex::ECMAScript);
    for (int i = 0; i < 3000; ++i) {
      std::string text(rng() % 14, ' ');
      for (auto& c : text) c = alphabet[rng() % alphabet.size()];
      ASSERT_EQ(ours->Search(text), std::regex_search(text, reference))
          << "/" << p << "/ on \"" << text << "\"";
    }
  }
}

// Every DCSA pattern gets the ASCII DFA; a pattern whose DFA would blow up
// (the classic "n-th symbol from the end") runs on the VM and still agrees
// with std::regex; text with non-ASCII code points takes the VM path.
TEST(PatternTest, DfaForTheDcsaPatternsVmBeyondTheStateLimit) {
  for (const char* p : {R"(^\S(?:.*\S)?$)", R"(^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$)",
                        R"(^\d{6,12}$)", R"(^.+@\S+$)", R"(^[0-9](\.[0-9])?$)"}) {
    auto compiled = Pattern::Compile(p);
    ASSERT_TRUE(compiled) << p;
    EXPECT_TRUE(compiled->has_dfa()) << p;
  }
  const char* big = "(a|b)*a(a|b){10}$";
  auto compiled = Pattern::Compile(big);
  ASSERT_TRUE(compiled);
  EXPECT_FALSE(compiled->has_dfa());
  const std::regex reference(big, std::regex::ECMAScript);
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string text(rng() % 24, 'a');
    for (auto& c : text) c = "ab"[rng() % 2];
    ASSERT_EQ(compiled->Search(text), std::regex_search(text, reference)) << text;
  }
  EXPECT_TRUE(Matches(R"(^\S(?:.*\S)?$)", "\u00e9 x \u00e9"));
  EXPECT_FALSE(Matches(R"(^\S(?:.*\S)?$)", "\u00e9 x \u00e9 "));
  EXPECT_TRUE(Matches(R"(^[A-Z]{2}$)", "AB"));
  EXPECT_FALSE(Matches(R"(^[A-Z]{2}$)", "A\u00c9"));
}

TEST(PatternTest, InvalidUtf8IsOneCodePointPerByte) {
  EXPECT_TRUE(Matches("^..$", "\xff\xfe"));
  EXPECT_FALSE(Matches("^.$", "\xff\xfe"));
}

}  // namespace
}  // namespace digitrade::trade::etr::internal
