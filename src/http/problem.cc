#include "http/problem.h"

#include <boost/json/object.hpp>

namespace digitrade::http {

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kResourceExhausted: return 413;
    case ErrorCode::kFailedPrecondition: return 422;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kDataLoss:
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

namespace {
std::string_view TitleFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "Invalid request";
    case ErrorCode::kUnauthenticated: return "Authentication required";
    case ErrorCode::kPermissionDenied: return "Not allowed";
    case ErrorCode::kNotFound: return "Not found";
    case ErrorCode::kAlreadyExists: return "Already exists";
    case ErrorCode::kConflict: return "Conflict with the current state";
    case ErrorCode::kResourceExhausted: return "Too large";
    case ErrorCode::kFailedPrecondition: return "Not possible in the current state";
    case ErrorCode::kUnavailable: return "Temporarily unavailable";
    case ErrorCode::kDataLoss: return "Data loss";
    case ErrorCode::kInternal: return "Internal error";
  }
  return "Internal error";
}
}  // namespace

Response Problem(int status, std::string_view slug, std::string_view title, std::string_view detail,
                 std::string_view instance) {
  boost::json::object o;
  std::string type = "urn:digitrade:problem:";
  type += slug;
  o["type"] = type;
  o["title"] = title;
  o["status"] = status;
  o["detail"] = detail;
  if (!instance.empty()) o["instance"] = instance;
  Response r = Response::Json(status, o);
  r.content_type = "application/problem+json";
  return r;
}

Response ProblemFor(const Error& error, std::string_view instance) {
  std::string slug(ErrorCodeName(error.code()));
  for (auto& c : slug) c = c == '_' ? '-' : c;
  // Internal errors keep their details for the log, not for the client.
  const bool hide = error.code() == ErrorCode::kInternal || error.code() == ErrorCode::kDataLoss;
  Response r = Problem(HttpStatusFor(error.code()), slug, TitleFor(error.code()),
                       hide ? "an internal error occurred; it has been logged" : error.message(),
                       instance);
  if (error.code() == ErrorCode::kUnauthenticated) {
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"digitrade\"");
  }
  return r;
}

}  // namespace digitrade::http
