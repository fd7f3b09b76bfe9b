#include "common/clock.h"

#include <gtest/gtest.h>

namespace digitrade {
namespace {

TEST(Clock, FakeClockMovesOnlyWhenTold) {
  FakeClock c;
  EXPECT_EQ(FormatRfc3339(c.Now()), "2026-01-01T00:00:00.000Z");
  c.Advance(std::chrono::milliseconds(1500));
  EXPECT_EQ(FormatRfc3339(c.Now()), "2026-01-01T00:00:01.500Z");
  EXPECT_EQ(UnixSeconds(c.Now()), 1767225601);
}

}  // namespace
}  // namespace digitrade
