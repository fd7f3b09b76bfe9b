#include "trade/einvoice/service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace digitrade::trade::einvoice {
namespace {

constexpr const char* kInvoice =
    "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\" "
    "xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">"
    "<cbc:ID>1</cbc:ID></Invoice>";

TEST(ValidationService, GivesTheSameReportFromManyThreads) {
  ValidationService service;
  auto first = service.Validate(kInvoice);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  const auto expected = first->rule_sets.at(0).firings.size();
  EXPECT_GT(expected, 0u);
  std::vector<std::thread> threads;
  std::atomic<int> same{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        auto r = service.Validate(kInvoice);
        if (r && r->rule_sets.at(0).firings.size() == expected) ++same;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(same.load(), 80);
}

// The first validators are created concurrently (libxml2's global state
// must be initialized once, not raced).
TEST(ValidationService, FirstUseFromManyThreadsAtOnce) {
  ValidationService service;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] { ok += service.Validate(kInvoice).has_value() ? 1 : 0; });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
}

TEST(ValidationService, AppliesItsParseLimits) {
  ValidationService service(ParseLimits{.max_bytes = 16, .max_depth = 64});
  auto r = service.Validate(kInvoice);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted);
}

TEST(ParseRuleSetList, SplitsAndChecksNames) {
  auto ok = ParseRuleSetList(" CEN-UBL-1.3.16 ,PEPPOL-UBL-3.0.19,");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, (std::vector<std::string>{"CEN-UBL-1.3.16", "PEPPOL-UBL-3.0.19"}));
  auto bad = ParseRuleSetList("CEN-UBL-9");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message().find("unknown rule set 'CEN-UBL-9'"), std::string::npos);
}

}  // namespace
}  // namespace digitrade::trade::einvoice
