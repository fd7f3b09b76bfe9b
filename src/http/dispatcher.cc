#include "http/dispatcher.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>

#include <fmt/format.h>

#include "http/problem.h"

namespace digitrade::http {

namespace {

bool IsJsonContentType(std::string_view ct) {
  const auto semi = ct.find(';');
  std::string_view base = ct.substr(0, semi);
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  std::string lower(base);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json";
}

}  // namespace

const RouteSpec* Dispatcher::SpecFor(std::string_view method, std::string_view target,
                                    Request& probe) const {
  probe.method = std::string(method);
  probe.target = std::string(target);
  if (!ParseTarget(target, probe)) return nullptr;
  const auto m = router_.Find(method, probe.path);
  return m.route != nullptr ? &m.route->spec : nullptr;
}

std::size_t Dispatcher::BodyLimit(std::string_view method, std::string_view target) const {
  Request probe;
  const RouteSpec* spec = SpecFor(method, target, probe);
  return spec != nullptr ? spec->max_body : kDefaultBodyLimit;
}

Response Dispatcher::TooLarge(std::string_view method, std::string_view target) const {
  Request probe;
  const RouteSpec* spec = SpecFor(method, target, probe);
  const std::size_t limit = spec != nullptr ? spec->max_body : kDefaultBodyLimit;
  const std::string detail =
      fmt::format("the request body exceeds the limit of {} bytes for this endpoint", limit);
  if (spec != nullptr && spec->error_body) {
    return spec->error_body(probe, Error(ErrorCode::kResourceExhausted, detail), 413);
  }
  return Problem(413, "payload-too-large", "Payload too large", detail);
}

Status Dispatcher::Authenticate(Request& req, const RouteSpec& spec) {
  if (spec.access == Access::kPublic) return {};
  const auto header = req.Header("authorization");
  if (!header) return Unauthenticated("this endpoint needs an API token: Authorization: Bearer dt_...");
  std::string_view h = *header;
  if (h.size() < 7 || !(h.substr(0, 7) == "Bearer " || h.substr(0, 7) == "bearer ")) {
    return Unauthenticated("the Authorization header must use the Bearer scheme");
  }
  DT_ASSIGN_OR_RETURN(auto principal, auth_.Authenticate(h.substr(7)));
  req.principal = std::move(principal);
  if (!spec.roles.empty()) DT_TRY(identity::RequireAnyRole(*req.principal, spec.roles));
  return {};
}

Result<Response> Dispatcher::Route(Request& req, std::string& route_label,
                                   const AsyncHandler** async) {
  const auto match = router_.Find(req.method, req.path);
  if (match.route == nullptr) {
    route_label = "unmatched";
    if (req.method == "GET" && static_files_ != nullptr) {
      if (auto file = static_files_->Serve(req.path)) {
        route_label = "static";
        return std::move(*file);
      }
    }
    if (!match.allowed_methods.empty()) {
      std::string allow;
      for (const auto& m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
      Response r = Problem(405, "method-not-allowed", "Method not allowed",
                           fmt::format("{} is not supported here; use {}", req.method, allow), req.path);
      r.headers.emplace_back("Allow", allow);
      return r;
    }
    return Problem(404, "not-found-route", "Not found",
                   fmt::format("no resource at {} {}", req.method, req.path), req.path);
  }
  const RouteSpec& spec = match.route->spec;
  route_label = spec.pattern;
  req.path_params = match.params;
  if (auto st = Authenticate(req, spec); !st) {
    if (spec.error_body) return spec.error_body(req, st.error(), HttpStatusFor(st.error().code()));
    return std::unexpected(st.error());
  }
  if (spec.json_body) {
    const auto ct = req.Header("content-type");
    if (!ct || !IsJsonContentType(*ct)) {
      constexpr std::string_view kNotJson =
          "the request body must be JSON sent with Content-Type: application/json";
      if (spec.error_body) {
        return spec.error_body(req, Error(ErrorCode::kInvalidArgument, std::string(kNotJson)), 415);
      }
      return Problem(415, "unsupported-media-type", "Unsupported media type", kNotJson, req.path);
    }
  }
  if (match.route->async_handler) {
    *async = &match.route->async_handler;
    return Response{};
  }
  return match.route->handler(req);
}

void Dispatcher::HandleAsync(std::shared_ptr<Request> req, Executor executor,
                             std::function<void(Response)> done) {
  const auto start = std::chrono::steady_clock::now();
  req->request_id = fmt::format("{:016x}", next_id_.fetch_add(1));
  std::string route = "unmatched";
  const AsyncHandler* async = nullptr;
  Result<Response> r = InvalidArgument("unreachable");
  if (auto st = ParseTarget(req->target, *req); !st) {
    r = Problem(400, "bad-request", "Bad request", st.error().message());
  } else {
    try {
      r = Route(*req, route, &async);
    } catch (const std::exception& e) {
      r = Internal(fmt::format("unhandled exception: {}", e.what()));
    }
  }
  if (async == nullptr) return Complete(*req, std::move(r), route, start, done);
  Request& request = *req;
  Responder reply(std::move(executor), [this, req = std::move(req), route, start,
                                        done = std::move(done)](Result<Response> result) {
    Complete(*req, std::move(result), route, start, done);
  });
  try {
    (*async)(request, reply);
  } catch (const std::exception& e) {
    reply(Internal(fmt::format("unhandled exception: {}", e.what())));
  }
}

Response Dispatcher::Handle(Request& req) {
  // The calling thread plays the connection's thread: it runs the route's
  // tasks while it waits (shared: the route may keep the executor longer).
  struct Loop {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::function<void()>> tasks;
    std::optional<Response> answer;
  };
  auto loop = std::make_shared<Loop>();
  // Not owned: this call waits for the answer, so `req` outlives it.
  HandleAsync(
      std::shared_ptr<Request>(std::shared_ptr<Request>(), &req),
      [loop](std::function<void()> task) {
        {
          std::lock_guard lock(loop->mu);
          loop->tasks.push_back(std::move(task));
        }
        loop->cv.notify_all();
      },
      [loop](Response res) {
        {
          std::lock_guard lock(loop->mu);
          loop->answer = std::move(res);
        }
        loop->cv.notify_all();
      });
  std::unique_lock lock(loop->mu);
  while (true) {
    loop->cv.wait(lock, [&] { return loop->answer || !loop->tasks.empty(); });
    if (loop->answer) return std::move(*loop->answer);
    auto task = std::move(loop->tasks.front());
    loop->tasks.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
}

void Dispatcher::Complete(const Request& req, Result<Response> result, std::string_view route,
                          std::chrono::steady_clock::time_point start,
                          const std::function<void(Response)>& done) {
  Response res;
  if (result) {
    res = std::move(*result);
  } else {
    if (result.error().code() == ErrorCode::kInternal ||
        result.error().code() == ErrorCode::kDataLoss) {
      log_.Error("internal error", {{"request_id", req.request_id},
                                    {"route", route},
                                    {"error", result.error().ToString()}});
    }
    res = ProblemFor(result.error(), req.path);
  }
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::steady_clock::now() - start)
                         .count();
  Finish(req, res, route, nanos);
  done(std::move(res));
}

void Dispatcher::Finish(const Request& req, Response& res, std::string_view route, long long nanos) {
  res.headers.emplace_back("X-Request-Id", req.request_id);
  metrics_.Observe(route, req.method, res.status, std::chrono::nanoseconds(nanos));
  boost::json::object f;
  f["request_id"] = req.request_id;
  f["method"] = req.method;
  f["path"] = req.path.empty() ? req.target : req.path;
  f["route"] = route;
  f["status"] = res.status;
  f["duration_ms"] = static_cast<double>(nanos) / 1e6;
  f["bytes"] = res.body.size();
  if (!req.remote.empty()) f["remote"] = req.remote;
  if (req.principal) f["user"] = req.principal->user_id;
  log_.Info("request", std::move(f));
}

}  // namespace digitrade::http
