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

}  // namespace
}  // namespace digitrade::trade::einvoice::internal
