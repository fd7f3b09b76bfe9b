// Registers every module's HTTP routes on one router. Used by `serve` and
// by the test that keeps docs/openapi.yaml true to the routes.
#pragma once

#include "app/platform.h"
#include "http/api/system_api.h"
#include "http/metrics.h"
#include "http/router.h"

namespace digitrade::app {

// All references must outlive the router.
void RegisterAllRoutes(http::Router& router, Platform& platform, const http::api::SystemInfo& info,
                       http::Metrics& metrics);

// docs/openapi.yaml, embedded at build time.
extern const char* const kOpenApiYaml;
extern const char* const kVersion;
// The DCSA example transport document the demo data issues (generated.cc).
extern const char* const kDemoTransportDocument;

}  // namespace digitrade::app
