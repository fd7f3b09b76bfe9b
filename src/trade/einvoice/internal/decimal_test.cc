#include "trade/einvoice/internal/decimal.h"

#include <gtest/gtest.h>

namespace digitrade::trade::einvoice::internal {
namespace {

Decimal D(const char* s) {
  return *Decimal::Parse(s);
}

TEST(Decimal, ParsesTheXsDecimalLexicalSpaceOnly) {
  EXPECT_EQ(D(" 1.50 ").ToString(), "1.5");
  EXPECT_EQ(D("-.5").ToString(), "-0.5");
  EXPECT_EQ(D("+007").ToString(), "7");
  for (const char* bad : {"1,00", "1e3", "", "NaN", "INF", "1.2.3", "-", "."}) {
    EXPECT_FALSE(Decimal::Parse(bad).has_value()) << bad;
  }
}

TEST(Decimal, IsExactWhereDoubleIsNot) {
  EXPECT_TRUE(D("0.1") + D("0.2") == D("0.3"));
  EXPECT_EQ((D("19.99") * D("3")).ToString(), "59.97");
  EXPECT_EQ((D("1") / D("100")).ToString(), "0.01");
}

TEST(Decimal, RoundsHalfTowardsPositiveInfinity) {
  EXPECT_EQ(D("2.5").Round().ToString(), "3");
  EXPECT_EQ(D("-2.5").Round().ToString(), "-2");
  EXPECT_EQ(D("-2.51").Round().ToString(), "-3");
  EXPECT_EQ(D("1.005").RoundTo2().ToString(), "1.01");
  EXPECT_EQ(D("-1.005").RoundTo2().ToString(), "-1");
}

}  // namespace
}  // namespace digitrade::trade::einvoice::internal
