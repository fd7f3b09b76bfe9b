// A small router: (method, path pattern) -> handler, with the access rule
// each route needs.
//
// Patterns are '/'-separated segments; a segment "{name}" matches one
// non-empty segment, a final "{name...}" matches the rest of the path (one
// or more segments). Literal segments win over parameters when both match.
// Routes are added at start-up, then the router is read-only: Find() is
// thread-safe once Add() calls are over.
//
// A route's handler is synchronous (returns the response) or asynchronous
// (AddAsync: takes a Responder and returns at once; whoever finishes the
// work calls the Responder, from any thread). The asynchronous form is for
// handlers that would otherwise hold a server thread while they wait, e.g.
// for the evidence log's group commit.
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

// Runs a task on the thread that serves the request's connection (the
// server's io thread and strand), or inline where there is none.
using Executor = std::function<void(std::function<void()>)>;

// Completes one asynchronous request. Copies share one state: the first
// call answers, later ones are ignored. Call it from any thread; the
// Request it was made for stays valid until it is called. A Responder whose
// last copy is destroyed without having been called answers internal
// ("the handler dropped the request"), so a request is never left hanging.
class Responder {
 public:
  using Finish = std::function<void(Result<Response>)>;
  Responder(Executor executor, Finish finish);

  // Answers with `response` (an error becomes problem+json).
  void operator()(Result<Response> response) const;
  // Runs `task` on the request's connection thread and answers with what it
  // returns: for work that should not run on the thread that finished the
  // wait (rendering, database reads). An exception becomes internal.
  void Post(std::function<Result<Response>()> task) const;
  // Runs tasks on the request's connection thread (no answer by itself);
  // tasks arriving after the answer are dropped. An exception in a task
  // answers internal.
  Executor executor() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

using AsyncHandler = std::function<void(Request&, Responder)>;

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
  // The body of the refusals the dispatcher and server make for this route
  // before its handler runs (no or a bad token 401, a missing role 403, not
  // JSON 415, a body over max_body 413), with that status; empty =
  // problem+json. For routes that speak another standard's error format
  // (the DCSA ErrorResponse on /v3).
  std::function<Response(const Request&, const Error&, int status)> error_body;
};

struct Route {
  RouteSpec spec;
  Handler handler;             // empty for an asynchronous route
  AsyncHandler async_handler;  // set for an asynchronous route
  std::vector<std::string> segments;
};

class Router {
 public:
  // Precondition: not called concurrently with Find().
  void Add(RouteSpec spec, Handler handler);
  void AddAsync(RouteSpec spec, AsyncHandler handler);

  struct Match {
    const Route* route = nullptr;  // null when nothing matched
    std::vector<std::pair<std::string, std::string>> params;
    // When route is null but the path matched with other methods.
    std::vector<std::string> allowed_methods;
  };
  Match Find(std::string_view method, std::string_view path) const;

  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

 private:
  // Appends a route for `spec` (its segments split once), without a handler.
  Route& Insert(RouteSpec spec);

  std::vector<std::unique_ptr<Route>> routes_;
};

}  // namespace digitrade::http
