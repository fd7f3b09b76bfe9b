#include "http/compression.h"

#include <zlib.h>

#include <cctype>
#include <charconv>
#include <memory>

namespace digitrade::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// The weight of one Accept-Encoding member ("gzip;q=0.5"): 1 without a q
// parameter, 0 for q=0 / 0.0 / 0.00 / 0.000, -1 when malformed.
double Weight(std::string_view params) {
  double q = 1;
  while (!params.empty()) {
    const auto semi = params.find(';');
    std::string_view p = Trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    if (p.size() < 2 || !EqualsIgnoreCase(p.substr(0, 2), "q=")) continue;
    p.remove_prefix(2);
    double v = 0;
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (ec != std::errc() || ptr != p.data() + p.size() || v < 0 || v > 1) return -1;
    q = v;
  }
  return q;
}

struct DeflateStream {
  z_stream z{};
  bool open = false;
  ~DeflateStream() {
    if (open) deflateEnd(&z);
  }
};

struct InflateStream {
  z_stream z{};
  bool open = false;
  ~InflateStream() {
    if (open) inflateEnd(&z);
  }
};

}  // namespace

bool AcceptsGzip(std::string_view accept_encoding) {
  double gzip = -1;
  double any = -1;
  while (!accept_encoding.empty()) {
    const auto comma = accept_encoding.find(',');
    const std::string_view member = Trim(accept_encoding.substr(0, comma));
    accept_encoding = comma == std::string_view::npos ? std::string_view()
                                                      : accept_encoding.substr(comma + 1);
    const auto semi = member.find(';');
    const std::string_view coding = Trim(member.substr(0, semi));
    const double w = Weight(semi == std::string_view::npos ? "" : member.substr(semi + 1));
    if (w < 0) continue;
    if (EqualsIgnoreCase(coding, "gzip") || EqualsIgnoreCase(coding, "x-gzip")) gzip = w;
    if (coding == "*") any = w;
  }
  if (gzip >= 0) return gzip > 0;  // named explicitly: its own weight decides
  return any > 0;
}

Result<std::string> Gzip(std::string_view data) {
  DeflateStream s;
  // windowBits 15 + 16: a gzip header and trailer around the deflate data.
  if (deflateInit2(&s.z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Internal("zlib: cannot start compressing");
  }
  s.open = true;
  std::string out(deflateBound(&s.z, static_cast<uLong>(data.size())), '\0');
  s.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.z.avail_in = static_cast<uInt>(data.size());
  s.z.next_out = reinterpret_cast<Bytef*>(out.data());
  s.z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&s.z, Z_FINISH) != Z_STREAM_END) return Internal("zlib: compression failed");
  out.resize(s.z.total_out);
  return out;
}

Result<std::string> Gunzip(std::string_view data, std::size_t max_size) {
  InflateStream s;
  if (inflateInit2(&s.z, 15 + 16) != Z_OK) return Internal("zlib: cannot start decompressing");
  s.open = true;
  s.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[16384];
  while (true) {
    s.z.next_out = reinterpret_cast<Bytef*>(buf);
    s.z.avail_out = sizeof buf;
    const int rc = inflate(&s.z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      return InvalidArgument(std::string("not a valid gzip stream: ") +
                             (s.z.msg != nullptr ? s.z.msg : "truncated"));
    }
    const std::size_t n = sizeof buf - s.z.avail_out;
    if (out.size() + n > max_size) {
      return ResourceExhausted("gzip stream expands beyond " + std::to_string(max_size) +
                               " bytes");
    }
    out.append(buf, n);
    if (rc == Z_STREAM_END) break;
    if (n == 0 && s.z.avail_in == 0) return InvalidArgument("not a valid gzip stream: truncated");
  }
  if (s.z.avail_in != 0) return InvalidArgument("bytes after the end of the gzip stream");
  return out;
}

void CompressIfAccepted(const Request& request, Response& response) {
  response.headers.emplace_back("vary", "accept-encoding");
  const auto accept = request.Header("accept-encoding");
  if (!accept || !AcceptsGzip(*accept)) return;
  auto packed = Gzip(response.body);
  if (!packed) return;
  response.body = std::move(*packed);
  response.headers.emplace_back("content-encoding", "gzip");
}

}  // namespace digitrade::http
