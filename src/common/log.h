// Structured logging: one JSON object per line.
//
// A Logger writes events such as
//   {"ts":"2026-11-28T09:32:20.123Z","level":"info","msg":"request","status":200}
// to a sink (stderr by default). Thread-safe: each line is written whole
// under a mutex. Owned by app/ and passed by reference; no global logger.
#pragma once

#include <cstdio>
#include <mutex>
#include <string_view>

#include <boost/json/object.hpp>

#include "common/clock.h"

namespace digitrade {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

class Logger {
 public:
  // `out` is not owned and must outlive the logger.
  Logger(const Clock& clock, std::FILE* out, LogLevel min_level = LogLevel::kInfo)
      : clock_(clock), out_(out), min_level_(min_level) {}

  void Log(LogLevel level, std::string_view msg, boost::json::object fields = {});
  void Info(std::string_view msg, boost::json::object fields = {}) {
    Log(LogLevel::kInfo, msg, std::move(fields));
  }
  void Warn(std::string_view msg, boost::json::object fields = {}) {
    Log(LogLevel::kWarn, msg, std::move(fields));
  }
  void Error(std::string_view msg, boost::json::object fields = {}) {
    Log(LogLevel::kError, msg, std::move(fields));
  }

 private:
  const Clock& clock_;
  std::FILE* out_;
  LogLevel min_level_;
  std::mutex mu_;
};

}  // namespace digitrade
