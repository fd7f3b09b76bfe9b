#include "app/files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
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
  // A device or pipe (/dev/stdout, a FIFO) is written in place.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.close();
    if (!out) return Unavailable(fmt::format("cannot write {}", path));
    return {};
  }
  // A regular file is replaced atomically: written beside it, then renamed,
  // so a reader (a script polling for --port-file, say) sees the old file
  // or the whole new one, never an empty or half-written one.
  std::string tmp = path + ".XXXXXX";
  const int fd = ::mkstemp(tmp.data());  // mode 0600
  if (fd < 0) {
    return Unavailable(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  }
  bool ok = true;
  if (!secret) {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ok = ::fchmod(fd, 0666 & ~mask) == 0;
  }
  for (std::size_t done = 0; ok && done < data.size();) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  const int saved = errno;
  ok = ::close(fd) == 0 && ok;
  if (ok && ::rename(tmp.c_str(), path.c_str()) == 0) return {};
  const int err = ok ? errno : saved;
  ::unlink(tmp.c_str());
  return Unavailable(fmt::format("cannot write {}: {}", path, std::strerror(err)));
}

}  // namespace digitrade::app
