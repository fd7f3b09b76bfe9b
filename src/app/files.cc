#include "app/files.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace digitrade::app {

namespace {
constexpr std::uintmax_t kMaxInputBytes = 64u << 20;
}  // namespace

Result<std::string> ReadFileText(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return NotFound(fmt::format("cannot read {}: {}", path, ec.message()));
  if (size > kMaxInputBytes) return ResourceExhausted(fmt::format("{} is larger than 64 MiB", path));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (!in.good() && !in.eof()) return Unavailable(fmt::format("cannot read {}", path));
  return ss.str();
}

Status WriteFileText(const std::string& path, std::string_view data, bool secret) {
  if (path == "-" || path.empty()) {
    std::fwrite(data.data(), 1, data.size(), stdout);
    return {};
  }
  const mode_t old = ::umask(secret ? 077 : 022);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  ::umask(old);
  if (!out) return Unavailable(fmt::format("cannot write {}", path));
  // An existing file keeps its mode under O_TRUNC: tighten it for secrets.
  if (secret) ::chmod(path.c_str(), 0600);
  return {};
}

}  // namespace digitrade::app
