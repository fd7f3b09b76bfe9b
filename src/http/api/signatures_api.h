// HTTP adapter for signature validation and trust lists: JSON in, a call
// to crypto::SignatureValidator or trust::TrustRegistry, JSON out.
// Routes are documented in docs/openapi.yaml.
#pragma once

#include "common/clock.h"
#include "crypto/random.h"
#include "crypto/timestamp.h"
#include "http/router.h"
#include "trust/registry.h"

namespace digitrade::http::api {

// Registers POST /v1/signatures/verify, GET and POST /v1/trust-lists, and
// POST /v1/timestamp (RFC 3161 over HTTP; answers 422 when `tsa` is null).
// Everything passed must outlive the router.
void RegisterSignaturesApi(Router& router, trust::TrustRegistry& registry, const Clock& clock,
                           const crypto::TimestampAuthority* tsa, crypto::Random& random);

}  // namespace digitrade::http::api
