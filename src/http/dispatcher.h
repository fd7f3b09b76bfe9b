// The request pipeline, independent of sockets: target parsing, routing,
// authentication and the server-side role check, content-type and body
// rules, the handler call, problem+json for every error, metrics and the
// structured access log.
//
// Thread-safety: Handle() is called concurrently from the server's threads;
// the dispatcher holds references only (router, authenticator, metrics,
// logger, static files), all of which must outlive it and be thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
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

  // Produces the response for `req`. Never throws; every failure becomes a
  // problem+json response.
  Response Handle(Request& req);

  static constexpr std::size_t kDefaultBodyLimit = 1 << 20;

 private:
  Result<Response> Route(Request& req, std::string& route_label);
  Status Authenticate(Request& req, const RouteSpec& spec);
  void Finish(const Request& req, Response& res, std::string_view route, long long nanos);

  const Router& router_;
  identity::Authenticator& auth_;
  Metrics& metrics_;
  Logger& log_;
  const StaticFiles* static_files_;
  std::atomic<uint64_t> next_id_{1};
};

}  // namespace digitrade::http
