// HTTP adapter for the DCSA APIs under /v3: the ErrorResponse body every
// DCSA route answers for a failure that is not a signed decision (PINT 3.0
// and eBL Issuance 3.0.3 define the same schema; /v1 keeps RFC 9457
// problem+json), and the provider side of the DCSA eBL Issuance API
// (trade/etr/pint/issuance.h): PUT /v3/ebl-issuance-requests for a carrier's
// system, GET /v1/pint/issuance-requests/{reference} for the outcome and its
// delivery. docs/pint.md "DCSA Issuance API".
//
// Failures the dispatcher answers before a handler runs (no or bad token,
// a role the route does not allow, a body over the route's limit) are still
// problem+json: the dispatcher has no per-route error body yet.
#pragma once

#include <string_view>

#include "common/clock.h"
#include "http/router.h"
#include "trade/etr/pint/issuance.h"

namespace digitrade::http::api {

// The DCSA ErrorResponse for `error` on `req`, with `status` (0: the code's
// usual status, http/problem.cc).
Response DcsaErrorResponse(const Request& req, const Error& error, const Clock& clock,
                           int status = 0);

// Wraps a /v3 handler: its errors become ErrorResponses; with `json_body`
// a body not sent as application/json is refused here (register the route
// without RouteSpec::json_body, so that refusal is an ErrorResponse too).
// Every answer carries API-Version `api_version`.
Handler DcsaHandler(const Clock& clock, bool json_body, std::string_view api_version,
                    Handler handler);

// Registers the DCSA eBL Issuance API. `issuance` may be null (no PINT
// identity or no etr engine): the routes then answer failed_precondition.
// Both must outlive the router.
void RegisterDcsaApi(Router& router, trade::etr::pint::DcsaIssuance* issuance, const Clock& clock);

}  // namespace digitrade::http::api
