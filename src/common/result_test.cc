#include "common/result.h"

#include <gtest/gtest.h>

namespace digitrade {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  DT_ASSIGN_OR_RETURN(int h, Half(x));
  DT_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(Result, PropagatesTheFirstError) {
  EXPECT_EQ(Quarter(8).value(), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message(), "odd");
}

TEST(Result, ContextPrefixesTheMessage) {
  Error e(ErrorCode::kNotFound, "no such row");
  EXPECT_EQ(e.WithContext("loading org").ToString(), "not_found: loading org: no such row");
}

TEST(Result, EveryCodeHasAStableName) {
  EXPECT_EQ(ErrorCodeName(ErrorCode::kFailedPrecondition), "failed_precondition");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kResourceExhausted), "resource_exhausted");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kUnauthenticated), "unauthenticated");
}

}  // namespace
}  // namespace digitrade
