#include "trade/etr/pint/error_response.h"

#include <fmt/format.h>

#include <boost/json/array.hpp>
#include <vector>

#include "common/json.h"

namespace digitrade::trade::etr::pint {

namespace {

// The schema's maxLength counts code points: never cut inside one.
std::string Cut(std::string_view s, std::size_t max_code_points) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (points == max_code_points) return std::string(s.substr(0, i));
    ++points;
  }
  return std::string(s);
}

// The member a path ends in: "$.charges[0].currencyCode" -> currencyCode,
// "$.charges[0]" -> charges; empty for "$".
std::string PropertyOf(std::string_view path) {
  while (path.ends_with(']')) {
    const auto open = path.rfind('[');
    if (open == std::string_view::npos) return "";
    path = path.substr(0, open);
  }
  const auto dot = path.rfind('.');
  return dot == std::string_view::npos ? "" : std::string(path.substr(dot + 1));
}

std::vector<std::string_view> Split(std::string_view s, std::string_view sep) {
  std::vector<std::string_view> out;
  for (std::size_t at = s.find(sep); at != std::string_view::npos; at = s.find(sep)) {
    out.push_back(s.substr(0, at));
    s.remove_prefix(at + sep.size());
  }
  out.push_back(s);
  return out;
}

boost::json::object Detailed(const Error& error, std::string_view message) {
  boost::json::object d{{"errorCode", 7000 + static_cast<int>(error.code())},
                        {"errorCodeText", std::string(ErrorCodeName(error.code()))},
                        {"errorCodeMessage", Cut(message, 5000)}};
  if (auto path = JsonPathIn(message)) {
    d["jsonPath"] = Cut(*path, 500);
    if (auto property = PropertyOf(*path); !property.empty()) d["property"] = Cut(property, 100);
  }
  return d;
}

// One DetailedError per "; "-separated part when several parts name a path
// (a violation list), else one for the whole message.
boost::json::array DetailedErrors(const Error& error) {
  const auto parts = Split(error.message(), "; ");
  std::size_t with_path = 0;
  for (auto p : parts) with_path += JsonPathIn(p).has_value() ? 1 : 0;
  boost::json::array out;
  if (with_path < 2) {
    out.push_back(Detailed(error, error.message()));
    return out;
  }
  for (auto p : parts) out.push_back(Detailed(error, p));
  return out;
}

}  // namespace

std::string_view StatusCodeText(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 503:
      return "Service Unavailable";
    default:
      return status >= 500 ? "Internal Server Error" : "Error";
  }
}

namespace {

// A JSON pointer that opens a message ("/documents/0/name: ...", the
// json:: helpers' style) as a JSONPath ("$.documents[0].name").
std::optional<std::string> PointerAsPath(std::string_view m) {
  const auto end = m.find(": ");
  if (!m.starts_with('/') || end == std::string_view::npos || end < 2) return std::nullopt;
  std::string path = "$";
  for (const auto segment : Split(m.substr(1, end - 1), "/")) {
    if (segment.empty() || segment.find(' ') != std::string_view::npos) return std::nullopt;
    const bool index = segment.find_first_not_of("0123456789") == std::string_view::npos;
    path += index ? fmt::format("[{}]", segment) : fmt::format(".{}", segment);
  }
  return path;
}

}  // namespace

std::optional<std::string> JsonPathIn(std::string_view m) {
  if (auto pointer = PointerAsPath(m)) return pointer;
  for (std::size_t i = m.find('$'); i != std::string_view::npos; i = m.find('$', i + 1)) {
    if (i > 0 && m[i - 1] != ' ' && m[i - 1] != '(') continue;
    const std::size_t next = i + 1;
    if (next < m.size() && m[next] != '.' && m[next] != '[' && m[next] != ':') continue;
    std::size_t end = next;
    while (end < m.size() && m[end] != ' ' && m[end] != ')' &&
           !(m[end] == ':' && (end + 1 == m.size() || m[end + 1] == ' '))) {
      ++end;
    }
    return std::string(m.substr(i, end - i));
  }
  return std::nullopt;
}

boost::json::object ErrorResponseJson(const Error& error, const ErrorContext& ctx) {
  boost::json::object o{{"httpMethod", ctx.http_method},
                        {"requestUri", ctx.request_uri},
                        {"statusCode", ctx.status},
                        {"statusCodeText", std::string(StatusCodeText(ctx.status))},
                        {"statusCodeMessage", Cut(error.message(), 200)},
                        {"errorDateTime", ctx.date_time},
                        {"errors", DetailedErrors(error)}};
  if (!ctx.correlation.empty()) o["providerCorrelationReference"] = Cut(ctx.correlation, 100);
  return o;
}

std::optional<std::string> PeerErrorText(std::string_view body) {
  auto o = json::ParseObject(body);
  if (!o) return std::nullopt;
  const auto* errors = o->if_contains("errors");
  if (o->contains("statusCode") && errors != nullptr && errors->is_array()) {
    std::string text;
    if (const auto* t = o->if_contains("statusCodeText"); t && t->is_string())
      text = t->get_string();
    std::string sep = ": ";
    for (const auto& e : errors->get_array()) {
      const auto* message =
          e.is_object() ? e.get_object().if_contains("errorCodeMessage") : nullptr;
      if (message == nullptr || !message->is_string()) continue;
      text += sep + std::string(message->get_string());
      sep = "; ";
      const auto* path = e.get_object().if_contains("jsonPath");
      if (path != nullptr && path->is_string())
        text += fmt::format(" (at {})", std::string_view(path->get_string()));
    }
    return text;
  }
  if (const auto* detail = o->if_contains("detail"); detail && detail->is_string())
    return std::string(detail->get_string());
  return std::nullopt;
}

}  // namespace digitrade::trade::etr::pint
