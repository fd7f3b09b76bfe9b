#include "common/log.h"

#include <boost/json/serialize.hpp>

namespace digitrade {

namespace {
std::string_view LevelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}
}  // namespace

void Logger::Log(LogLevel level, std::string_view msg, boost::json::object fields) {
  if (level < min_level_ || out_ == nullptr) return;
  boost::json::object line;
  line["ts"] = FormatRfc3339(clock_.Now());
  line["level"] = LevelName(level);
  line["msg"] = msg;
  for (auto& kv : fields) line[kv.key()] = std::move(kv.value());
  std::string s = boost::json::serialize(line);
  s += '\n';
  std::lock_guard lock(mu_);
  std::fwrite(s.data(), 1, s.size(), out_);
  std::fflush(out_);
}

}  // namespace digitrade
