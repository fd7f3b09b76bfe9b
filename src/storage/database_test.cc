#include "storage/database.h"

#include <gtest/gtest.h>

#include <limits>

namespace digitrade::storage {
namespace {

Row MakeRow() {
  auto columns = std::make_shared<const std::vector<std::string>>(
      std::vector<std::string>{"id", "Score", "name", "data", "missing", "ratio"});
  return Row(columns, {Value(int64_t{42}), Value(7), Value("Tianjin"), Value(Bytes{0, 1, 2}),
                       Value(), Value(0.5)});
}

TEST(Row, ReadsEachTypeByIndex) {
  const Row r = MakeRow();
  EXPECT_EQ(r.size(), 6u);
  EXPECT_EQ(r.Int(0), 42);
  EXPECT_EQ(r.Text(2), "Tianjin");
  EXPECT_EQ(r.Blob(3), (Bytes{0, 1, 2}));
  EXPECT_TRUE(r.IsNull(4));
  EXPECT_FALSE(r.IsNull(0));
  EXPECT_DOUBLE_EQ(r.Double(5), 0.5);
}

TEST(Row, OnlyIntegersConvertToDouble) {
  const Row r = MakeRow();
  EXPECT_DOUBLE_EQ(r.Double(0), 42.0);
  EXPECT_EQ(r.Int(5), 0);         // double does not read as int
  EXPECT_EQ(r.Text(0), "");       // int does not read as text
  EXPECT_EQ(r.Blob(2), Bytes{});  // text does not read as bytes
  EXPECT_DOUBLE_EQ(r.Double(2), 0.0);
}

TEST(Row, NullReadsAsTheEmptyValue) {
  const Row r = MakeRow();
  EXPECT_EQ(r.Int(4), 0);
  EXPECT_EQ(r.Text(4), "");
  EXPECT_EQ(r.Blob(4), Bytes{});
  EXPECT_EQ(r.OptionalInt(4), std::nullopt);
  EXPECT_EQ(r.OptionalText(4), std::nullopt);
  EXPECT_EQ(r.OptionalInt(0), 42);
  EXPECT_EQ(r.OptionalText(2), "Tianjin");
}

TEST(Row, ReadsByNameExactThenIgnoringCase) {
  const Row r = MakeRow();
  EXPECT_EQ(r.IndexOf("name"), 2u);
  EXPECT_EQ(r.IndexOf("score"), 1u);
  EXPECT_EQ(r.IndexOf("SCORE"), 1u);
  EXPECT_EQ(r.Int("Score"), 7);
  EXPECT_EQ(r.Text("NAME"), "Tianjin");
  EXPECT_EQ(r.Blob("data"), (Bytes{0, 1, 2}));
  EXPECT_DOUBLE_EQ(r.Double("id"), 42.0);
  EXPECT_EQ(r.OptionalInt("id"), 42);
  EXPECT_EQ(r.OptionalText("missing"), std::nullopt);

  auto columns =
      std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"ID", "id"});
  const Row both(columns, {Value(1), Value(2)});
  EXPECT_EQ(both.Int("id"), 2);  // the exact match wins
  EXPECT_EQ(both.Int("Id"), 1);  // else the first ignoring case
}

TEST(Row, UnknownNameReadsAsNull) {
  const Row r = MakeRow();
  EXPECT_EQ(r.IndexOf("nope"), std::nullopt);
  EXPECT_TRUE(r.IsNull("nope"));
  EXPECT_EQ(r.Int("nope"), 0);
  EXPECT_DOUBLE_EQ(r.Double("nope"), 0.0);
  EXPECT_EQ(r.Text("nope"), "");
  EXPECT_EQ(r.Blob("nope"), Bytes{});
  EXPECT_EQ(r.OptionalInt("nope"), std::nullopt);
  EXPECT_EQ(r.OptionalText("nope"), std::nullopt);
}

TEST(Value, ConvertsFromCommonTypes) {
  EXPECT_TRUE(Value().is_null());
  EXPECT_TRUE(Value(nullptr).is_null());
  EXPECT_EQ(Value(true), Value(int64_t{1}));
  EXPECT_EQ(Value(false), Value(int64_t{0}));
  EXPECT_EQ(Value(std::numeric_limits<uint32_t>::max()), Value(int64_t{4294967295}));
  EXPECT_EQ(Value(std::optional<int>()), Value());
  EXPECT_EQ(Value(std::optional<std::string>("x")), Value("x"));
}

}  // namespace
}  // namespace digitrade::storage
