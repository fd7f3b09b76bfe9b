// A small router: (method, path pattern) -> handler, with the access rule
// each route needs.
//
// Patterns are '/'-separated segments; a segment "{name}" matches one
// non-empty segment, a final "{name...}" matches the rest of the path (one
// or more segments). Literal segments win over parameters when both match.
// Routes are added at start-up, then the router is read-only: Find() is
// thread-safe once Add() calls are over.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "http/message.h"
#include "identity/roles.h"

namespace digitrade::http {

using Handler = std::function<Result<Response>(Request&)>;

enum class Access {
  kPublic,         // no token needed (health, metrics, static files, public registers)
  kAuthenticated,  // any valid token; `roles`, when not empty, restricts further
};

struct RouteSpec {
  std::string method;   // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string pattern;  // "/v1/organisations/{id}"
  Access access = Access::kAuthenticated;
  identity::RoleSet roles;  // any of these; empty = any authenticated caller
  // Request body: largest accepted size, and whether it must be JSON
  // (Content-Type application/json).
  std::size_t max_body = 1 << 20;
  bool json_body = false;
  std::string summary;  // one line, for logs and docs
};

struct Route {
  RouteSpec spec;
  Handler handler;
  std::vector<std::string> segments;
};

class Router {
 public:
  // Precondition: not called concurrently with Find().
  void Add(RouteSpec spec, Handler handler);

  struct Match {
    const Route* route = nullptr;  // null when nothing matched
    std::vector<std::pair<std::string, std::string>> params;
    // When route is null but the path matched with other methods.
    std::vector<std::string> allowed_methods;
  };
  Match Find(std::string_view method, std::string_view path) const;

  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

 private:
  std::vector<std::unique_ptr<Route>> routes_;
};

}  // namespace digitrade::http
