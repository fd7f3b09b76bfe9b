// Request and Response as handlers see them: plain values, independent of
// Boost.Beast, so handlers and the dispatcher are tested without sockets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "identity/principal.h"

namespace digitrade::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as received: path and query
  std::string path;    // percent-decoded path without the query
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string remote;  // peer address, for the access log

  // Filled in by the dispatcher.
  std::vector<std::pair<std::string, std::string>> path_params;
  std::optional<identity::Principal> principal;
  std::string request_id;

  std::optional<std::string_view> Header(std::string_view lower_name) const;
  std::optional<std::string_view> Query(std::string_view name) const;
  // Path parameter by name; empty when the route has none of that name.
  std::string_view Param(std::string_view name) const;
  // The authenticated principal. Precondition: the route is not public.
  const identity::Principal& Caller() const { return *principal; }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response Json(int status, const boost::json::value& v);
  static Response Text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  static Response NoContent();
};

// Splits a request target into a percent-decoded path and query parameters.
// Errors: invalid_argument for bad percent-encoding, a NUL byte, or a path
// that does not start with '/'.
Status ParseTarget(std::string_view target, Request& out);

}  // namespace digitrade::http
