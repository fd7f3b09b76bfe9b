#include "http/api/system_api.h"

#include <boost/json/object.hpp>

namespace digitrade::http::api {

void RegisterSystemApi(Router& router, const SystemInfo& info, const Clock& clock,
                       Metrics& metrics, storage::Database& db, identity::Directory& directory) {
  router.Add({.method = "GET", .pattern = "/healthz", .access = Access::kPublic,
              .summary = "Liveness and database reachability"},
             [&info, &db](Request&) -> Result<Response> {
               // A trivial query proves the database answers.
               const bool db_ok = db.Query("SELECT 1").has_value();
               boost::json::object o{{"status", db_ok ? "ok" : "degraded"},
                                     {"version", info.version},
                                     {"database", info.database}};
               return Response::Json(db_ok ? 200 : 503, o);
             });
  router.Add({.method = "GET", .pattern = "/metrics", .access = Access::kPublic,
              .summary = "Prometheus metrics"},
             [&metrics](Request&) -> Result<Response> {
               return Response::Text(200, metrics.Render(), "text/plain; version=0.0.4; charset=utf-8");
             });
  router.Add({.method = "GET", .pattern = "/openapi.yaml", .access = Access::kPublic,
              .summary = "This API's OpenAPI 3.1 description"},
             [&info](Request&) -> Result<Response> {
               return Response::Text(200, info.openapi_yaml, "application/yaml; charset=utf-8");
             });
  router.Add({.method = "GET", .pattern = "/v1/status", .summary = "Version, uptime and counts"},
             [&info, &clock, &metrics, &directory](Request&) -> Result<Response> {
               DT_ASSIGN_OR_RETURN(auto counts, directory.Count());
               const auto uptime =
                   std::chrono::duration_cast<std::chrono::seconds>(clock.Now() - info.started_at);
               boost::json::object o{
                   {"version", info.version},
                   {"database", info.database},
                   {"started_at", FormatRfc3339(info.started_at)},
                   {"uptime_seconds", uptime.count()},
                   {"counts",
                    {{"organisations", counts.organisations},
                     {"users", counts.users},
                     {"tokens_active", counts.tokens_active}}},
                   {"http", {{"requests_total", metrics.RequestsTotal()}}}};
               return Response::Json(200, o);
             });
}

}  // namespace digitrade::http::api
