// RFC 9457 problem details: every error the server returns is
// application/problem+json with a stable `type`.
//
// The one mapping from ErrorCode to HTTP status lives in problem.cc. Types
// are URNs "urn:digitrade:problem:<slug>", one per error code plus the
// protocol-level slugs produced by the server itself (not-found-route,
// method-not-allowed, unsupported-media-type, payload-too-large,
// bad-request). They are listed in docs/errors.md.
#pragma once

#include <string_view>

#include "common/result.h"
#include "http/message.h"

namespace digitrade::http {

int HttpStatusFor(ErrorCode code);

// {"type","title","status","detail","instance"} with the given status.
Response Problem(int status, std::string_view slug, std::string_view title, std::string_view detail,
                 std::string_view instance = {});

// The problem for a domain error: status and type from its code, detail from
// its message.
Response ProblemFor(const Error& error, std::string_view instance = {});

}  // namespace digitrade::http
