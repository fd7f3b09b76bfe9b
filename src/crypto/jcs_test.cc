#include "crypto/jcs.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>

#include "crypto/test_util.h"

namespace digitrade::crypto {
namespace {

// The RFC author's vectors (testdata/jcs): every input canonicalises to
// exactly its output file, and canonicalising is idempotent.
class JcsVectors : public ::testing::TestWithParam<const char*> {};

TEST_P(JcsVectors, MatchesPublishedOutput) {
  const std::string name = GetParam();
  const auto input = testing::ReadTestData("jcs/input/" + name);
  const auto expected = testing::ReadTestData("jcs/output/" + name);
  auto got = CanonicalizeJson(input);
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(*got, expected);
  EXPECT_EQ(CanonicalizeJson(*got).value(), expected);
}

INSTANTIATE_TEST_SUITE_P(Rfc8785, JcsVectors,
                         ::testing::Values("arrays.json", "french.json", "structures.json",
                                           "unicode.json", "values.json", "weird.json"));

// RFC 8785 Appendix B: IEEE-754 bit patterns and their serialisation.
TEST(Jcs, Rfc8785AppendixBNumbers) {
  const std::pair<std::uint64_t, const char*> cases[] = {
      {0x0000000000000000, "0"},
      {0x8000000000000000, "0"},
      {0x0000000000000001, "5e-324"},
      {0x8000000000000001, "-5e-324"},
      {0x7fefffffffffffff, "1.7976931348623157e+308"},
      {0xffefffffffffffff, "-1.7976931348623157e+308"},
      {0x4340000000000000, "9007199254740992"},
      {0xc340000000000000, "-9007199254740992"},
      {0x4430000000000000, "295147905179352830000"},
      {0x44b52d02c7e14af5, "9.999999999999997e+22"},
      {0x44b52d02c7e14af6, "1e+23"},
      {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
      {0x444b1ae4d6e2ef4e, "999999999999999700000"},
      {0x444b1ae4d6e2ef4f, "999999999999999900000"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x41b3de4355555553, "333333333.3333332"},
      {0x41b3de4355555554, "333333333.33333325"},
      {0x41b3de4355555555, "333333333.3333333"},
      {0x41b3de4355555556, "333333333.3333334"},
      {0x41b3de4355555557, "333333333.33333343"},
      {0xbecbf647612f3696, "-0.0000033333333333333333"},
      {0x43143ff3c1cb0959, "1424953923781206.2"},
  };
  for (const auto& [bits, want] : cases) {
    auto got = SerializeJsonNumber(std::bit_cast<double>(bits));
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, want) << std::hex << bits;
  }
  EXPECT_FALSE(SerializeJsonNumber(std::bit_cast<double>(std::uint64_t{0x7ff0000000000000})));
  EXPECT_FALSE(SerializeJsonNumber(std::bit_cast<double>(std::uint64_t{0x7fffffffffffffff})));
}

TEST(Jcs, RejectsWhatIJsonForbids) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {R"({"a":1,"a":2})", "duplicate member name"},
      {R"(["\ud800"])", "lone high surrogate"},
      {R"(["\udc00"])", "lone low surrogate"},
      {"[\"\xff\"]", "invalid UTF-8"},
      {"[\"\xc0\xaf\"]", "invalid UTF-8"},
      {"[1e400]", "number out of range"},
      {"[01]", "expected ',' or ']'"},
      {"[1,]", "unexpected character"},
      {"{\"a\" 1}", "expected ':'"},
      {"[\"a\nb\"]", "control character"},
      {"[NaN]", "unexpected character"},
      {"[1] x", "unexpected data after the value"},
      {"[\"abc", "unterminated string"},
      {"", "unexpected end of input"},
      {R"(["\x"])", "bad escape"},
  };
  for (const auto& [input, reason] : cases) {
    auto r = CanonicalizeJson(input);
    ASSERT_FALSE(r) << input;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message().find(reason), std::string::npos)
        << input << " -> " << r.error().message();
  }
}

TEST(Jcs, EnforcesLimits) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  auto r = CanonicalizeJson(deep);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("too deep"), std::string::npos);
  auto big = CanonicalizeJson(std::string(100, ' ') + "1", {.max_bytes = 50});
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code(), ErrorCode::kResourceExhausted);
}

TEST(Jcs, CanonicalisesValuesBuiltInCode) {
  boost::json::object o;
  o["b"] = 1;
  o["a"] = boost::json::array{2.5, "x", nullptr};
  o["\xe2\x82\xac"] = true;  // the euro sign sorts after ASCII
  EXPECT_EQ(CanonicalizeJson(boost::json::value(o)).value(),
            "{\"a\":[2.5,\"x\",null],\"b\":1,\"\xe2\x82\xac\":true}");
}

}  // namespace
}  // namespace digitrade::crypto
