// The DCSA ErrorResponse body (PINT 3.0, eBL Issuance 3.0.3: the same
// schema): what a DCSA endpoint answers for a failure that is not a signed
// decision, and how we read one a peer sent us.
//
// Writing: one DetailedError per JSON path our message names (a schema
// violation list gives one per violation), else one for the whole message.
// errorCode is 7000 + our error code (docs/pint.md lists them), errorCodeText
// its name ("invalid_argument"), errorCodeMessage our message, jsonPath and
// property the offending value's path and member when the message names one.
// Every string is cut to the schema's maxLength (in code points).
//
// Thread-safety: plain functions.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace digitrade::trade::etr::pint {

struct ErrorContext {
  std::string http_method;  // "PUT"
  std::string request_uri;  // "/v3/envelopes"
  int status = 500;
  std::string correlation;  // providerCorrelationReference (our request id)
  std::string date_time;    // errorDateTime, RFC 3339
};

// The ErrorResponse for `error` answered with `ctx.status`.
boost::json::object ErrorResponseJson(const Error& error, const ErrorContext& ctx);

// The standard reason phrase of an HTTP status ("Bad Request").
std::string_view StatusCodeText(int status);

// The JSON path (`$.a.b[0]`) in a message, if it names one.
std::optional<std::string> JsonPathIn(std::string_view message);

// A peer's error body for a human: a DCSA ErrorResponse as "statusCodeText:
// errorCodeMessage (at jsonPath); ...", an RFC 9457 problem (older digitrade
// peers) as its detail; nullopt for anything else.
std::optional<std::string> PeerErrorText(std::string_view body);

}  // namespace digitrade::trade::etr::pint
