#include "http/message.h"

#include <gtest/gtest.h>

namespace digitrade::http {
namespace {

TEST(ParseTarget, SplitsPathAndDecodesQuery) {
  Request r;
  ASSERT_TRUE(ParseTarget("/v1/a%20b?limit=5&after=org_1&q=x+y&flag", r));
  EXPECT_EQ(r.path, "/v1/a b");
  EXPECT_EQ(r.Query("limit"), "5");
  EXPECT_EQ(r.Query("q"), "x y");
  EXPECT_EQ(r.Query("flag"), "");
  EXPECT_FALSE(r.Query("missing").has_value());
}

TEST(ParseTarget, RejectsBadTargets) {
  Request r;
  EXPECT_EQ(ParseTarget("v1/x", r).error().message(), "the request target must be an absolute path");
  EXPECT_EQ(ParseTarget("/a%2", r).error().message(), "truncated percent-encoding in the request target");
  EXPECT_EQ(ParseTarget("/a%zz", r).error().message(), "bad percent-encoding in the request target");
  EXPECT_EQ(ParseTarget("/a%00b", r).error().message(), "NUL byte in the request target");
  EXPECT_FALSE(ParseTarget("/a?x=%", r));
}

}  // namespace
}  // namespace digitrade::http
