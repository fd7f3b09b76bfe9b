#include "trade/einvoice/internal/engine.h"

#include <gtest/gtest.h>

namespace digitrade::trade::einvoice::internal {
namespace {

TEST(MatchPatternToXPath, AnchorsRelativeBranchesOnly) {
  EXPECT_EQ(MatchPatternToXPath("cac:A | /ubl:Invoice/cac:B[x | y]"),
            "//cac:A | /ubl:Invoice/cac:B[x | y]");
}

TEST(UseDescendantAxis, RewritesNameStepsOutsideLiterals) {
  EXPECT_EQ(UseDescendantAxis("//cac:A/b[//c = '//d'] | //@x | //*"),
            "/descendant::cac:A/b[/descendant::c = '//d'] | //@x | /descendant::*");
}

TEST(RewriteAbsoluteDescendants, ReadsLeadingStepsFromTheIndex) {
  // Absolute "//prefix:name" and "//@name" become index variables; a path
  // with more steps or predicates is memoised; a continuation keeps the axis.
  EXPECT_EQ(RewriteAbsoluteDescendants("not(//cac:A) and //@x"), "not($_d.cac.A) and $_a.x");
  EXPECT_EQ(RewriteAbsoluteDescendants("count(cac:B//cbc:C)"), "count(cac:B/descendant::cbc:C)");
  EXPECT_EQ(RewriteAbsoluteDescendants("'//cac:A'"), "'//cac:A'");
  const std::string memo = RewriteAbsoluteDescendants("exists(//cac:A[cbc:B = '1']/cbc:C)");
  EXPECT_TRUE(memo.starts_with("exists($_m.")) << memo;
  EXPECT_EQ(memo, RewriteAbsoluteDescendants("exists(//cac:A[cbc:B = '1']/cbc:C)"));
}

TEST(FastTest, ParsesTheSimpleFormsOnly) {
  EXPECT_TRUE(FastTest::Parse("exists(cbc:A) or not(cac:B/cbc:C/@d)"));
  EXPECT_TRUE(FastTest::Parse("count(cac:B) <= 1 and normalize-space(cbc:ID) != ''"));
  EXPECT_TRUE(FastTest::Parse("cac:T[normalize-space(upper-case(cbc:ID))='VAT']/cbc:ID"));
  EXPECT_TRUE(FastTest::Parse("string-length(substring-after(cbc:Amount,'.')) <= 2"));
  EXPECT_FALSE(FastTest::Parse("cbc:A = cbc:B"));
  EXPECT_FALSE(FastTest::Parse("sum(cbc:A) > 0"));
  EXPECT_FALSE(FastTest::Parse("cac:A[1]"));
  EXPECT_FALSE(FastTest::Parse("normalize-space(.) = 'x' or"));
}

}  // namespace
}  // namespace digitrade::trade::einvoice::internal
