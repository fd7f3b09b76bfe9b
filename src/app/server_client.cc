#include "app/server_client.h"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <optional>
#include <string_view>

namespace digitrade::app {

namespace {

constexpr std::string_view kProblemPrefix = "urn:digitrade:problem:";

ErrorCode CodeForStatus(int status) {
  switch (status) {
    case 400: return ErrorCode::kInvalidArgument;
    case 401: return ErrorCode::kUnauthenticated;
    case 403: return ErrorCode::kPermissionDenied;
    case 404: return ErrorCode::kNotFound;
    case 409: return ErrorCode::kConflict;
    case 413: return ErrorCode::kResourceExhausted;
    case 422: return ErrorCode::kFailedPrecondition;
    default: return ErrorCode::kUnavailable;
  }
}

// The code a problem type names ("failed-precondition"), if it is one of ours.
std::optional<ErrorCode> CodeForProblemType(std::string_view type) {
  if (!type.starts_with(kProblemPrefix)) return std::nullopt;
  std::string slug(type.substr(kProblemPrefix.size()));
  for (auto& c : slug) c = c == '-' ? '_' : c;
  for (int i = 0; i <= static_cast<int>(ErrorCode::kInternal); ++i) {
    const auto code = static_cast<ErrorCode>(i);
    if (ErrorCodeName(code) == slug) return code;
  }
  return std::nullopt;
}

}  // namespace

void AddServerOptions(CLI::App* cmd, ServerOptions& o, const std::string& default_server,
                      bool server_from_env) {
  o.server = default_server;
  auto* server = cmd->add_option("--server", o.server, "The digitrade server (http[s]://host:port)");
  if (server_from_env) server->envname("DIGITRADE_SERVER");
  if (!default_server.empty()) server->capture_default_str();
  cmd->add_option("--token", o.token, "API token (default: $DIGITRADE_TOKEN)")
      ->envname("DIGITRADE_TOKEN");
  cmd->add_option("--cacert", o.cacert, "PEM CAs to trust for https (default: the system's)");
}

Error ProblemError(const http::ClientResponse& res) {
  std::string detail = res.body.substr(0, 500);
  ErrorCode code = CodeForStatus(res.status);
  boost::system::error_code ec;
  const auto v = boost::json::parse(res.body, ec);
  if (!ec && v.is_object()) {
    const auto& o = v.as_object();
    if (const auto* d = o.if_contains("detail"); d != nullptr && d->is_string()) {
      detail = std::string(d->as_string());
    }
    if (const auto* t = o.if_contains("type"); t != nullptr && t->is_string()) {
      code = CodeForProblemType(std::string_view(t->as_string())).value_or(code);
    }
  }
  return Error(code, fmt::format("HTTP {}: {}", res.status, detail));
}

Result<http::ClientResponse> CallServer(const ServerOptions& o, http::ClientRequest request) {
  if (o.token.empty()) {
    return InvalidArgument("an API token is needed: --token or DIGITRADE_TOKEN");
  }
  if (o.server.empty()) return InvalidArgument("a server is needed: --server or DIGITRADE_SERVER");
  DT_ASSIGN_OR_RETURN(auto client,
                      http::HttpClient::Create(o.server, {.max_body = 64u << 20, .ca_file = o.cacert}));
  request.headers.emplace_back("Authorization", "Bearer " + o.token);
  return client->Send(request);
}

Result<boost::json::object> CallServerJson(const ServerOptions& o, std::string method,
                                           std::string path, const boost::json::object* body) {
  http::ClientRequest req{.method = std::move(method), .path = path};
  if (body != nullptr) {
    req.body = boost::json::serialize(*body);
    req.headers.emplace_back("Content-Type", "application/json");
  }
  DT_ASSIGN_OR_RETURN(auto res, CallServer(o, std::move(req)));  // `path` stays ours
  if (res.status < 200 || res.status > 299) return std::unexpected(ProblemError(res));
  boost::system::error_code ec;
  auto v = boost::json::parse(res.body, ec);
  if (ec || !v.is_object()) {
    return Unavailable(fmt::format("the server's answer to {} is not a JSON object", path));
  }
  return std::move(v.as_object());
}

}  // namespace digitrade::app
