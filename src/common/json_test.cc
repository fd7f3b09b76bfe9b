#include "common/json.h"

#include <string>

#include <gtest/gtest.h>

namespace digitrade::json {
namespace {

TEST(Json, ParsesAnObject) {
  auto o = ParseObject(R"({"name":"Acme","n":3})");
  ASSERT_TRUE(o) << o.error().ToString();
  EXPECT_EQ(RequiredString(*o, "name").value(), "Acme");
  EXPECT_EQ(RequiredInt(*o, "n").value(), 3);
}

TEST(Json, RejectsMalformedInputWithItsPosition) {
  auto r = Parse(R"({"a":)");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("invalid JSON"), std::string::npos);
}

TEST(Json, RejectsTrailingData) {
  auto r = Parse(R"({} {})");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("after the value"), std::string::npos);
}

TEST(Json, EnforcesDepthAndSize) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  auto r = Parse(deep, {.max_bytes = 1 << 20, .max_depth = 32});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("nesting"), std::string::npos);
  auto big = Parse(std::string(100, ' '), {.max_bytes = 10, .max_depth = 32});
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code(), ErrorCode::kResourceExhausted);
}

TEST(Json, NonObjectTopLevelIsRejected) {
  auto r = ParseObject("[1]");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "invalid JSON: expected an object at the top level");
}

TEST(Json, FieldErrorsNameTheMember) {
  auto o = ParseObject(R"({"name":1,"flag":"yes"})").value();
  EXPECT_EQ(RequiredString(o, "name").error().message(), "/name: expected a string");
  EXPECT_EQ(RequiredString(o, "missing").error().message(), "/missing: required member is missing");
  EXPECT_EQ(OptionalBool(o, "flag").error().message(), "/flag: expected true or false");
  EXPECT_FALSE(OptionalString(o, "absent").value().has_value());
  EXPECT_EQ(RejectUnknownMembers(o, {"name"}).error().message(), "/flag: unknown member");
}

}  // namespace
}  // namespace digitrade::json
