#include "http/metrics.h"

#include <fmt/format.h>

namespace digitrade::http {

namespace {
// Prometheus label values escape backslash, double quote and newline.
std::string Escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

void Metrics::Observe(std::string_view route, std::string_view method, int status,
                      std::chrono::nanoseconds duration) {
  const double secs = std::chrono::duration<double>(duration).count();
  std::lock_guard lock(mu_);
  ++counts_[{std::string(route), std::string(method), status}];
  auto& h = durations_[{std::string(route), std::string(method)}];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (secs <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += secs;
  ++total_;
}

int64_t Metrics::RequestsTotal() const {
  std::lock_guard lock(mu_);
  return total_;
}

std::string Metrics::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  out += "# HELP digitrade_http_requests_total HTTP requests by route, method and status.\n";
  out += "# TYPE digitrade_http_requests_total counter\n";
  for (const auto& [key, n] : counts_) {
    const auto& [route, method, status] = key;
    out += fmt::format("digitrade_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                       Escape(route), Escape(method), status, n);
  }
  out += "# HELP digitrade_http_request_duration_seconds Time from request read to response ready.\n";
  out += "# TYPE digitrade_http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : durations_) {
    const auto labels = fmt::format("route=\"{}\",method=\"{}\"", Escape(key.first), Escape(key.second));
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out += fmt::format("digitrade_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels,
                         kBuckets[i], h.buckets[i]);
    }
    out += fmt::format("digitrade_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels,
                       h.count);
    out += fmt::format("digitrade_http_request_duration_seconds_sum{{{}}} {}\n", labels, h.sum);
    out += fmt::format("digitrade_http_request_duration_seconds_count{{{}}} {}\n", labels, h.count);
  }
  return out;
}

}  // namespace digitrade::http
