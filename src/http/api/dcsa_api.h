// HTTP adapter for the DCSA APIs under /v3: the ErrorResponse body every
// DCSA route answers for a failure that is not a signed decision (PINT 3.0
// and eBL Issuance 3.0.3 define the same schema; /v1 keeps RFC 9457
// problem+json), and the provider side of the DCSA eBL Issuance API
// (trade/etr/pint/issuance.h): PUT /v3/ebl-issuance-requests for a carrier's
// system, GET /v1/pint/issuance-requests/{reference} for the outcome and its
// delivery. docs/pint.md "DCSA Issuance API".
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

// Registers a /v3 route: its handler's errors, and the refusals the
// dispatcher and server make before it runs (no or a bad token, a role the
// route does not allow, a body not JSON with spec.json_body, one over
// spec.max_body: RouteSpec::error_body), are ErrorResponses; every answer
// carries API-Version `api_version`. `clock` must outlive the router.
void AddDcsaRoute(Router& router, RouteSpec spec, const Clock& clock,
                  std::string_view api_version, Handler handler);

// Registers the DCSA eBL Issuance API. `issuance` may be null (no PINT
// identity or no etr engine): the routes then answer failed_precondition.
// Both must outlive the router.
void RegisterDcsaApi(Router& router, trade::etr::pint::DcsaIssuance* issuance, const Clock& clock);

}  // namespace digitrade::http::api
