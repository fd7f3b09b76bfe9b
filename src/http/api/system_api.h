// HTTP adapter for the platform itself: /healthz, /metrics, /openapi.yaml
// and /v1/status. Documented in docs/openapi.yaml.
#pragma once

#include <string>

#include "common/clock.h"
#include "http/metrics.h"
#include "http/router.h"
#include "identity/directory.h"
#include "storage/database.h"

namespace digitrade::http::api {

struct SystemInfo {
  std::string version;
  std::string database;  // "sqlite" | "postgresql"
  TimePoint started_at;
  std::string openapi_yaml;
};

// All references must outlive the router.
void RegisterSystemApi(Router& router, const SystemInfo& info, const Clock& clock,
                       Metrics& metrics, storage::Database& db, identity::Directory& directory);

}  // namespace digitrade::http::api
