#include "http/static_files.h"

#include <fstream>
#include <system_error>

namespace digitrade::http {

namespace {

std::string_view ContentType(const std::filesystem::path& p) {
  const auto ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool SafeRelative(std::string_view rel) {
  if (rel.find('\\') != std::string_view::npos || rel.find('\0') != std::string_view::npos) {
    return false;
  }
  std::size_t i = 0;
  while (i <= rel.size()) {
    const auto j = rel.find('/', i);
    const auto seg = rel.substr(i, (j == std::string_view::npos ? rel.size() : j) - i);
    if (seg == "." || seg == ".." || (seg.empty() && j != std::string_view::npos)) return false;
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  return true;
}

}  // namespace

StaticFiles::StaticFiles(std::filesystem::path root) {
  std::error_code ec;
  root_ = std::filesystem::weakly_canonical(root, ec);
  if (ec) root_ = std::move(root);
}

std::optional<Response> StaticFiles::Serve(std::string_view path) const {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::string_view rel = path.substr(1);
  if (rel.empty()) rel = "index.html";
  if (!SafeRelative(rel)) return std::nullopt;
  std::error_code ec;
  const auto full = std::filesystem::canonical(root_ / std::filesystem::path(rel), ec);
  if (ec || !std::filesystem::is_regular_file(full, ec)) return std::nullopt;
  // Refuse anything that resolved outside the root (symlinks).
  const auto rel_to_root = full.lexically_relative(root_).string();
  if (rel_to_root.empty() || rel_to_root.starts_with("..")) return std::nullopt;
  std::ifstream in(full, std::ios::binary);
  if (!in) return std::nullopt;
  Response r;
  r.status = 200;
  r.content_type = std::string(ContentType(full));
  r.body.assign(std::istreambuf_iterator<char>(in), {});
  const bool hashed = rel.starts_with("assets/");
  r.headers.emplace_back("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace digitrade::http
