// HTTP adapter for signature validation and trust lists: JSON in, a call
// to crypto::SignatureValidator or trust::TrustRegistry, JSON out.
// Routes are documented in docs/openapi.yaml.
#pragma once

#include "common/clock.h"
#include "http/router.h"
#include "trust/registry.h"

namespace digitrade::http::api {

// Registers POST /v1/signatures/verify, GET and POST /v1/trust-lists.
// `registry` and `clock` must outlive the router.
void RegisterSignaturesApi(Router& router, trust::TrustRegistry& registry, const Clock& clock);

}  // namespace digitrade::http::api
