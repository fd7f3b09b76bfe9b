// Request metrics in the Prometheus text exposition format (version 0.0.4):
//   digitrade_http_requests_total{route,method,status}
//   digitrade_http_request_duration_seconds{route,method} (histogram)
// plus process gauges. Labels use the route pattern, never the raw path, so
// cardinality stays bounded. Thread-safe: Observe() and Render() may run
// concurrently from any thread.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace digitrade::http {

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  void Observe(std::string_view route, std::string_view method, int status,
               std::chrono::nanoseconds duration);
  std::string Render() const;
  int64_t RequestsTotal() const;

 private:
  struct Histogram {
    std::array<int64_t, kBuckets.size()> buckets{};
    int64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, int64_t> counts_;
  std::map<std::pair<std::string, std::string>, Histogram> durations_;
  int64_t total_ = 0;
};

}  // namespace digitrade::http
