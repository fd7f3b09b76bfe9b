// Time, injected. Production code asks a Clock for the time; tests use
// FakeClock to control it. Implementations are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace digitrade {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

// A clock that only moves when told to. Starts at 2026-01-01T00:00:00Z.
class FakeClock final : public Clock {
 public:
  FakeClock() : micros_(1767225600LL * 1000000) {}
  TimePoint Now() const override {
    return TimePoint(std::chrono::microseconds(micros_.load()));
  }
  void Advance(std::chrono::microseconds d) { micros_ += d.count(); }
  void Set(TimePoint t) {
    micros_ = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  }

 private:
  std::atomic<int64_t> micros_;
};

// RFC 3339 UTC with millisecond precision: "2026-11-28T09:32:20.123Z".
std::string FormatRfc3339(TimePoint t);
// Unix time in seconds / milliseconds.
int64_t UnixSeconds(TimePoint t);
int64_t UnixMillis(TimePoint t);

}  // namespace digitrade
