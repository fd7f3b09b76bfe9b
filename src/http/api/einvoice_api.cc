#include "http/api/einvoice_api.h"

#include <fmt/format.h>

#include <boost/json/array.hpp>

#include "common/json.h"
#include "http/api/api_util.h"

namespace digitrade::http::api {

namespace einvoice = trade::einvoice;

namespace {

// Largest invoice accepted over HTTP: the 100 MB invoices must work.
constexpr std::size_t kMaxInvoiceBytes = 110u << 20;
// A batch carries its documents inside JSON strings.
constexpr std::size_t kMaxBatchBytes = 64u << 20;
constexpr std::size_t kMaxBatchDocuments = 1000;

Result<std::vector<std::string>> RulesParam(const Request& req) {
  auto rules = req.Query("rules");
  if (!rules) return std::vector<std::string>{};
  return einvoice::ParseRuleSetList(*rules);
}

// POST /v1/einvoices/validate?rules=A,B&format=json|svrl, body: the XML.
// A document that parses gets 200 with its report, whatever the verdict;
// one that does not gets a problem (400, or 413 when over a limit).
Result<Response> Validate(einvoice::ValidationService& service, Request& req) {
  DT_ASSIGN_OR_RETURN(auto rules, RulesParam(req));
  const std::string format(req.Query("format").value_or("json"));
  if (format != "json" && format != "svrl") {
    return InvalidArgument("format: must be json or svrl");
  }
  if (req.body.empty()) return InvalidArgument("the request body must be the invoice XML");
  DT_ASSIGN_OR_RETURN(auto report, service.Validate(req.body, rules));
  if (format == "svrl") return Response::Text(200, einvoice::ReportSvrl(report), "application/xml");
  return Response::Json(200, einvoice::ReportJson(report));
}

// POST /v1/einvoices/validate-batch, body:
//   {"rules": "A,B"?, "documents": [{"name": "...", "xml": "..."}, ...]}
// Every document gets an entry: its report, or its parse error.
Result<Response> ValidateBatch(einvoice::ValidationService& service, Request& req) {
  DT_ASSIGN_OR_RETURN(auto body, JsonBody(req));
  DT_TRY(json::RejectUnknownMembers(body, {"rules", "documents"}));
  DT_ASSIGN_OR_RETURN(auto rules_text, json::OptionalString(body, "rules"));
  DT_ASSIGN_OR_RETURN(auto rules, einvoice::ParseRuleSetList(rules_text.value_or("")));
  const auto* docs = body.if_contains("documents");
  if (docs == nullptr || !docs->is_array()) return InvalidArgument("/documents: must be an array");
  if (docs->as_array().size() > kMaxBatchDocuments) {
    return ResourceExhausted(fmt::format("/documents: at most {} documents", kMaxBatchDocuments));
  }
  boost::json::array results;
  int counts[4] = {0, 0, 0, 0};
  int unreadable = 0;
  for (std::size_t i = 0; i < docs->as_array().size(); ++i) {
    const auto& d = docs->as_array()[i];
    if (!d.is_object()) return InvalidArgument(fmt::format("/documents/{}: must be an object", i));
    DT_TRY(json::RejectUnknownMembers(d.as_object(), {"name", "xml"}));
    DT_ASSIGN_OR_RETURN(auto name, json::OptionalString(d.as_object(), "name"));
    DT_ASSIGN_OR_RETURN(auto xml, json::RequiredString(d.as_object(), "xml"));
    boost::json::object entry{{"name", name.value_or(fmt::format("document-{}", i + 1))}};
    auto report = service.Validate(xml, rules);
    if (report) {
      ++counts[static_cast<int>(report->verdict())];
      entry["report"] = einvoice::ReportJson(*report);
    } else {
      ++unreadable;
      entry["error"] = report.error().ToString();
    }
    results.push_back(std::move(entry));
  }
  boost::json::object summary{{"clean", counts[0]},
                              {"warnings", counts[1]},
                              {"fatal", counts[2]},
                              {"crash", counts[3]},
                              {"unreadable", unreadable}};
  return Response::Json(200, boost::json::object{{"summary", summary}, {"results", results}});
}

}  // namespace

void RegisterEinvoiceApi(Router& router, einvoice::ValidationService& service) {
  auto bind = [&service](Result<Response> (*fn)(einvoice::ValidationService&, Request&)) {
    return [&service, fn](Request& req) { return fn(service, req); };
  };
  router.Add({.method = "POST",
              .pattern = "/v1/einvoices/validate",
              .max_body = kMaxInvoiceBytes,
              .summary = "Validate an e-invoice (EN 16931, Peppol BIS 3.0)"},
             bind(Validate));
  router.Add({.method = "POST",
              .pattern = "/v1/einvoices/validate-batch",
              .max_body = kMaxBatchBytes,
              .json_body = true,
              .summary = "Validate several e-invoices"},
             bind(ValidateBatch));
}

}  // namespace digitrade::http::api
