#include "http/api/dcsa_api.h"

#include <fmt/format.h>

#include <cctype>

#include "http/problem.h"
#include "trade/etr/pint/error_response.h"

namespace digitrade::http::api {

namespace pint = trade::etr::pint;

namespace {

constexpr std::string_view kIssuanceApiVersion = "3.0.3";

Result<pint::DcsaIssuance*> Issuance(pint::DcsaIssuance* i) {
  if (i == nullptr) {
    return FailedPrecondition(
        "the DCSA Issuance API needs a PINT identity (DIGITRADE_PINT_PLATFORM, DIGITRADE_PINT_KEY) "
        "and the transferable records engine");
  }
  return i;
}

boost::json::object StatusJson(const pint::IssuanceStatus& s) {
  boost::json::object o{
      {"transportDocumentReference", s.reference},
      {"carrierCode", s.carrier_code},
      {"organisationId", s.organisation_id},
      {"transportDocumentChecksum", s.transport_document_checksum},
      {"issuanceResponseCode", s.response_code},
      {"issuanceResponse", s.response},
      {"delivery", s.delivery},
      {"attempts", s.attempts},
      {"createdAt", FormatRfc3339(TimePoint(std::chrono::microseconds(s.created_at)))}};
  o["reason"] = s.reason.empty() ? boost::json::value(nullptr) : boost::json::value(s.reason);
  o["recordId"] =
      s.record_id.empty() ? boost::json::value(nullptr) : boost::json::value(s.record_id);
  o["lastError"] =
      s.last_error.empty() ? boost::json::value(nullptr) : boost::json::value(s.last_error);
  o["deliveredAt"] =
      s.delivered_at
          ? boost::json::value(FormatRfc3339(TimePoint(std::chrono::microseconds(*s.delivered_at))))
          : boost::json::value(nullptr);
  return o;
}

Result<std::string> CallerOrganisation(const Request& req) {
  const auto& org = req.Caller().organisation_id;
  if (!org || org->empty())
    return PermissionDenied(
        "the caller belongs to no organisation: only a carrier's users may ask");
  return *org;
}

// PUT /v3/ebl-issuance-requests: 204 once checked and decided; the verdict
// goes to the carrier's callback.
Result<Response> RequestIssuance(pint::DcsaIssuance* i, Request& req) {
  DT_ASSIGN_OR_RETURN(auto issuance, Issuance(i));
  DT_ASSIGN_OR_RETURN(auto org, CallerOrganisation(req));
  DT_TRY(issuance->Submit(req.body, org));
  return Response::NoContent();
}

// GET /v1/pint/issuance-requests/{reference}: a carrier sees its own, an
// admin every one.
Result<Response> GetIssuance(pint::DcsaIssuance* i, Request& req) {
  DT_ASSIGN_OR_RETURN(auto issuance, Issuance(i));
  DT_ASSIGN_OR_RETURN(auto status, issuance->Get(std::string(req.Param("reference"))));
  if (!req.Caller().Has(identity::Role::kAdmin) &&
      req.Caller().organisation_id != status.organisation_id) {
    return NotFound(fmt::format("no issuance request \"{}\"", status.reference));
  }
  return Response::Json(200, StatusJson(status));
}

}  // namespace

Response DcsaErrorResponse(const Request& req, const Error& error, const Clock& clock, int status) {
  if (status == 0) status = HttpStatusFor(error.code());
  const pint::ErrorContext ctx{.http_method = req.method,
                               .request_uri = req.path,
                               .status = status,
                               .correlation = req.request_id,
                               .date_time = FormatRfc3339(clock.Now())};
  Response res = Response::Json(status, pint::ErrorResponseJson(error, ctx));
  if (status == 401) res.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"digitrade\"");
  return res;
}

void AddDcsaRoute(Router& router, RouteSpec spec, const Clock& clock,
                 std::string_view api_version, Handler handler) {
  const std::string version(api_version);
  spec.error_body = [&clock, version](const Request& req, const Error& error, int status) {
    Response res = DcsaErrorResponse(req, error, clock, status);
    res.headers.emplace_back("API-Version", version);
    return res;
  };
  router.Add(std::move(spec), [&clock, version, handler = std::move(handler)](
                                  Request& req) -> Result<Response> {
    auto r = handler(req);
    Response res = r ? std::move(*r) : DcsaErrorResponse(req, r.error(), clock);
    res.headers.emplace_back("API-Version", version);
    return res;
  });
}

void RegisterDcsaApi(Router& router, pint::DcsaIssuance* issuance, const Clock& clock) {
  AddDcsaRoute(router,
               {.method = "PUT",
                .pattern = "/v3/ebl-issuance-requests",
                .roles = {identity::Role::kCarrier},
                .max_body = 16u << 20,
                .json_body = true,
                .summary = "DCSA eBL Issuance: a carrier's system requests issuance of an eBL"},
               clock, kIssuanceApiVersion,
               [issuance](Request& req) { return RequestIssuance(issuance, req); });
  router.Add({.method = "GET",
              .pattern = "/v1/pint/issuance-requests/{reference}",
              .roles = {identity::Role::kAdmin, identity::Role::kCarrier},
              .summary = "A DCSA issuance request: its verdict and the delivery of the response"},
             [issuance](Request& req) { return GetIssuance(issuance, req); });
}

}  // namespace digitrade::http::api
