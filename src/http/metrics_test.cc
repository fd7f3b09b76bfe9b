#include "http/metrics.h"

#include <gtest/gtest.h>

namespace digitrade::http {
namespace {

TEST(Metrics, RendersCountersAndHistograms) {
  Metrics m;
  m.Observe("/v1/x", "GET", 200, std::chrono::microseconds(700));
  m.Observe("/v1/x", "GET", 200, std::chrono::milliseconds(30));
  m.Observe("/v1/x", "GET", 404, std::chrono::milliseconds(1));
  const std::string out = m.Render();
  EXPECT_NE(out.find("digitrade_http_requests_total{route=\"/v1/x\",method=\"GET\",status=\"200\"} 2"),
            std::string::npos);
  EXPECT_NE(out.find("status=\"404\"} 1"), std::string::npos);
  EXPECT_NE(out.find("digitrade_http_request_duration_seconds_bucket{route=\"/v1/x\",method=\"GET\",le=\"0.001\"} 2"),
            std::string::npos);
  EXPECT_NE(out.find("le=\"0.025\"} 2"), std::string::npos);
  EXPECT_NE(out.find("le=\"0.05\"} 3"), std::string::npos);
  EXPECT_NE(out.find("le=\"+Inf\"} 3"), std::string::npos);
  EXPECT_NE(out.find("_count{route=\"/v1/x\",method=\"GET\"} 3"), std::string::npos);
  EXPECT_EQ(m.RequestsTotal(), 3);
}

TEST(Metrics, EscapesLabelValues) {
  Metrics m;
  m.Observe("a\"b\\c", "GET", 200, std::chrono::nanoseconds(1));
  EXPECT_NE(m.Render().find("route=\"a\\\"b\\\\c\""), std::string::npos);
}

}  // namespace
}  // namespace digitrade::http
