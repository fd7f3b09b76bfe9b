#include "http/message.h"

#include <boost/json/serialize.hpp>

namespace digitrade::http {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `in`; '+' becomes a space only in query components.
Result<std::string> Decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) {
        return InvalidArgument("truncated percent-encoding in the request target");
      }
      const int hi = HexValue(in[i + 1]);
      const int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return InvalidArgument("bad percent-encoding in the request target");
      c = static_cast<char>(hi << 4 | lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') return InvalidArgument("NUL byte in the request target");
    out += c;
  }
  return out;
}

}  // namespace

std::optional<std::string_view> Request::Header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::Query(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::string_view Request::Param(std::string_view name) const {
  for (const auto& [k, v] : path_params) {
    if (k == name) return v;
  }
  return {};
}

Response Response::Json(int status, const boost::json::value& v) {
  return Response{.status = status, .content_type = "application/json", .body = boost::json::serialize(v)};
}

Response Response::Text(int status, std::string body, std::string content_type) {
  return Response{.status = status, .content_type = std::move(content_type), .body = std::move(body)};
}

Response Response::NoContent() { return Response{.status = 204, .content_type = ""}; }

Status ParseTarget(std::string_view target, Request& out) {
  if (target.empty() || target.front() != '/') {
    return InvalidArgument("the request target must be an absolute path");
  }
  const auto q = target.find('?');
  DT_ASSIGN_OR_RETURN(out.path, Decode(target.substr(0, q), false));
  out.query.clear();
  if (q == std::string_view::npos) return {};
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    std::string_view part = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (part.empty()) continue;
    const auto eq = part.find('=');
    DT_ASSIGN_OR_RETURN(std::string key, Decode(part.substr(0, eq), true));
    std::string value;
    if (eq != std::string_view::npos) {
      DT_ASSIGN_OR_RETURN(value, Decode(part.substr(eq + 1), true));
    }
    out.query.emplace_back(std::move(key), std::move(value));
  }
  return {};
}

}  // namespace digitrade::http
