// The request pipeline, independent of sockets: target parsing, routing,
// authentication and the server-side role check, content-type and body
// rules, the handler call, problem+json for every error, metrics and the
// structured access log.
//
// Asynchronous routes (Router::AddAsync) answer later, from whatever thread
// calls their Responder; HandleAsync() hands the response on then.
//
// Thread-safety: Handle() and HandleAsync() are called concurrently from the
// server's threads;
// the dispatcher holds references only (router, authenticator, metrics,
// logger, static files), all of which must outlive it and be thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "common/log.h"
#include "http/message.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/static_files.h"
#include "identity/principal.h"

namespace digitrade::http {

class Dispatcher {
 public:
  // `static_files` may be null (no portal).
  Dispatcher(const Router& router, identity::Authenticator& auth, Metrics& metrics, Logger& log,
             const StaticFiles* static_files)
      : router_(router), auth_(auth), metrics_(metrics), log_(log), static_files_(static_files) {}

  // The largest request body accepted for this method and target, so the
  // server can refuse an oversized body before reading it.
  std::size_t BodyLimit(std::string_view method, std::string_view target) const;
  // The 413 answer to a body over that limit: the route's error_body, or
  // problem+json.
  Response TooLarge(std::string_view method, std::string_view target) const;

  // Produces the response for `req` and passes it to `done`: before
  // returning for a synchronous route and for every answer found before the
  // handler runs; for an asynchronous route when its Responder is called, on
  // that thread. `executor` runs the asynchronous route's follow-up tasks
  // (the server passes the connection's strand). `req` is kept until `done`
  // has been called. Never throws; every failure becomes a problem+json
  // response.
  void HandleAsync(std::shared_ptr<Request> req, Executor executor,
                   std::function<void(Response)> done);

  // The same, waiting for the answer; an asynchronous route's tasks run on
  // the calling thread while it waits.
  Response Handle(Request& req);

  static constexpr std::size_t kDefaultBodyLimit = 1 << 20;

 private:
  // The response, or (with `*async` set) the asynchronous handler to run.
  Result<Response> Route(Request& req, std::string& route_label, const AsyncHandler** async);
  Status Authenticate(Request& req, const RouteSpec& spec);
  // The route `method` `target` goes to (null: none), with `probe` filled
  // as far as the target parses.
  const RouteSpec* SpecFor(std::string_view method, std::string_view target, Request& probe) const;
  // Turns the handler's result into the response (problem+json for an
  // error), records it and passes it to `done`.
  void Complete(const Request& req, Result<Response> result, std::string_view route,
                std::chrono::steady_clock::time_point start,
                const std::function<void(Response)>& done);
  void Finish(const Request& req, Response& res, std::string_view route, long long nanos);

  const Router& router_;
  identity::Authenticator& auth_;
  Metrics& metrics_;
  Logger& log_;
  const StaticFiles* static_files_;
  std::atomic<uint64_t> next_id_{1};
};

}  // namespace digitrade::http
