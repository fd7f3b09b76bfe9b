#include "http/api/einvoice_api.h"

#include <fmt/format.h>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>

#include "common/json.h"
#include "crypto/hash.h"
#include "crypto/signature_validator.h"
#include "http/api/api_util.h"
#include "http/api/ledger_api.h"
#include "http/problem.h"

namespace digitrade::http::api {

namespace einvoice = trade::einvoice;

namespace {

// Largest invoice accepted over HTTP: the issue's 100 MB invoices must work.
constexpr std::size_t kMaxInvoiceBytes = 110u << 20;
// Registered invoices are stored twice (original and signed) in one row.
constexpr std::size_t kMaxRegisteredBytes = 32u << 20;
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


// ---- The registry: register, read, verify ----

// A problem+json response for `error` with one more member.
Response ProblemWith(const Error& error, std::string_view member, boost::json::value value) {
  Response r = ProblemFor(error);
  auto body = boost::json::parse(r.body).as_object();
  body[member] = std::move(value);
  r.body = boost::json::serialize(body);
  return r;
}

std::string Href(const einvoice::Registration& r) { return "/v1/einvoices/" + r.id; }

boost::json::object RegistrationJson(const einvoice::Registration& r) {
  boost::json::array rule_sets;
  for (const auto& s : r.rule_sets) rule_sets.emplace_back(s);
  boost::json::object o{{"id", r.id},
                        {"href", Href(r)},
                        {"organisation_id", r.organisation_id},
                        {"invoice_number", r.facts.invoice_number},
                        {"issue_date", r.facts.issue_date},
                        {"seller", r.facts.seller},
                        {"buyer", r.facts.buyer},
                        {"total", r.facts.total},
                        {"currency", r.facts.currency},
                        {"syntax", r.syntax},
                        {"customization_id", r.customization_id},
                        {"rule_sets", std::move(rule_sets)},
                        {"verdict", r.verdict},
                        {"key_id", r.key_id},
                        {"original_sha256", r.original_sha256},
                        {"signed_sha256", r.signed_sha256},
                        {"record", r.record},
                        {"registered_at", FormatRfc3339(TimePoint(std::chrono::seconds(r.created_at)))}};
  if (r.log) {
    o["log"] = boost::json::object{{"name", "evidence"},
                                   {"index", r.log->index},
                                   {"leaf_hash", r.log->leaf_hash},
                                   {"checkpoint", r.log->checkpoint}};
  } else {
    o["log"] = nullptr;
  }
  return o;
}

// POST /v1/einvoices?rules=A,B&key_id=sk_..., body: the invoice XML.
Result<Response> RegisterInvoice(einvoice::Registry& registry, Request& req) {
  if (req.body.empty()) return InvalidArgument("the request body must be the invoice XML");
  DT_ASSIGN_OR_RETURN(auto rules, RulesParam(req));
  const auto& caller = req.Caller();
  einvoice::RegisterRequest request{.organisation_id = caller.organisation_id.value_or(""),
                                    .xml = std::move(req.body),
                                    .rule_sets = std::move(rules),
                                    .key_id = std::string(req.Query("key_id").value_or(""))};
  DT_ASSIGN_OR_RETURN(auto outcome, registry.Register(request));
  if (outcome.status == einvoice::RegisterStatus::kRejected) {
    return ProblemWith(
        Error(ErrorCode::kFailedPrecondition,
              fmt::format("the invoice is not registrable: verdict {}; see /report",
                          einvoice::VerdictName(outcome.report.verdict()))),
        "report", einvoice::ReportJson(outcome.report));
  }
  const auto& r = *outcome.registration;
  if (outcome.status == einvoice::RegisterStatus::kDuplicate) {
    return ProblemWith(Error(ErrorCode::kAlreadyExists,
                             fmt::format("{}: {} ({})", outcome.duplicate_reason, r.id, Href(r))),
                       "existing", boost::json::object{{"id", r.id}, {"href", Href(r)}});
  }
  auto body = RegistrationJson(r);
  body["report"] = einvoice::ReportJson(outcome.report);
  return Created(body, Href(r));
}

// GET /v1/einvoices?limit=&after=[&organisation_id= for admins]
Result<Response> ListInvoices(einvoice::Registry& registry, Request& req) {
  DT_ASSIGN_OR_RETURN(auto page, ParsePage(req));
  const auto& caller = req.Caller();
  std::string org = caller.organisation_id.value_or("");
  if (auto asked = req.Query("organisation_id"); asked) {
    DT_TRY(RequireMember(req, *asked, "list its e-invoices"));
    org = std::string(*asked);
  }
  if (org.empty()) {
    return InvalidArgument("organisation_id: required for callers outside an organisation");
  }
  DT_ASSIGN_OR_RETURN(auto result, registry.List(org, page.limit, page.after));
  boost::json::array items;
  for (const auto& r : result.items) items.push_back(RegistrationJson(r));
  return Response::Json(200, ListEnvelope(std::move(items), result.next_cursor));
}

Result<einvoice::Registration> OwnInvoice(einvoice::Registry& registry, const Request& req) {
  DT_ASSIGN_OR_RETURN(auto r, registry.Get(std::string(req.Param("id"))));
  DT_TRY(RequireMember(req, r.organisation_id, "read its e-invoices"));
  return r;
}

Result<Response> GetInvoice(einvoice::Registry& registry, Request& req) {
  DT_ASSIGN_OR_RETURN(auto r, OwnInvoice(registry, req));
  DT_ASSIGN_OR_RETURN(auto report, registry.ReportJsonText(r.id));
  auto body = RegistrationJson(r);
  body["report"] = boost::json::parse(report);
  return Response::Json(200, body);
}

Result<Response> GetInvoiceXml(einvoice::Registry& registry, Request& req) {
  DT_ASSIGN_OR_RETURN(auto r, OwnInvoice(registry, req));
  DT_ASSIGN_OR_RETURN(auto xml, registry.SignedXml(r.id));
  return Response::Text(200, std::move(xml), "application/xml");
}

Result<std::string> Sha256Param(std::string_view v) {
  const bool hex = v.size() == 64 && v.find_first_not_of("0123456789abcdef") == std::string_view::npos;
  if (!hex) return InvalidArgument("sha256: must be 64 lower-case hex digits");
  return std::string(v);
}

boost::json::object EvidenceJson(const einvoice::LogEvidence& ev) {
  return boost::json::object{{"name", "evidence"},
                             {"origin", ev.origin},
                             {"verifier_key", ev.verifier_key},
                             {"kind", ev.kind},
                             {"record", ev.record},
                             {"checkpoint", ev.checkpoint},
                             {"inclusion_proof", boost::json::parse(ev.proof.ToJson())}};
}

// POST /v1/einvoices/verify, body: the signed XML; or ?sha256=HEX and no body.
// Any authenticated caller (a bank need not belong to the seller's
// organisation): the answer reveals nothing beyond the public log entry, but
// the request runs a signature validation over up to 64 MiB, which the
// platform does not offer anonymously (as /v1/signatures/verify); no
// state-changing method is public here. Everything returned can be re-checked
// offline with the log's verifier key.
Result<Response> VerifyInvoice(einvoice::Registry& registry, trust::TrustRegistry& trust,
                               const Clock& clock, Request& req) {
  std::string sha256;
  boost::json::object out;
  if (auto param = req.Query("sha256"); param) {
    if (!req.body.empty()) return InvalidArgument("give the signed XML or ?sha256=, not both");
    DT_ASSIGN_OR_RETURN(sha256, Sha256Param(*param));
    out["signature"] = nullptr;
  } else {
    if (req.body.empty()) {
      return InvalidArgument("the request body must be the signed invoice XML (or use ?sha256=)");
    }
    sha256 = crypto::ToHex(crypto::Sha256(req.body));
    crypto::ValidationInput input{.validation_time = UnixSeconds(clock.Now())};
    if (auto at = req.Query("at"); at) {
      DT_ASSIGN_OR_RETURN(auto t, ParseSizeParam("at", *at));
      input.validation_time = static_cast<crypto::UnixTime>(t);
    }
    const auto store = trust.Snapshot();
    out["signature"] = crypto::SignatureValidator(*store).ValidateXml(req.body, input).ToJson();
  }
  out["sha256"] = sha256;
  auto found = registry.FindBySignedSha256(sha256);
  if (!found && found.error().code() != ErrorCode::kNotFound) return std::unexpected(found.error());
  out["registered"] = found.has_value();
  out["einvoice"] = nullptr;
  out["log"] = nullptr;
  if (found) {
    auto e = RegistrationJson(*found);
    e.erase("href");  // the public answer links to nothing that needs an account
    e.erase("organisation_id");
    e.erase("key_id");
    out["einvoice"] = std::move(e);
    DT_ASSIGN_OR_RETURN(auto evidence, registry.Evidence(*found));
    out["log"] = EvidenceJson(evidence);
  }
  return Response::Json(200, out);
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

void RegisterEinvoiceRegistryApi(Router& router, einvoice::Registry& registry,
                                 trust::TrustRegistry& trust, const Clock& clock) {
  router.Add({.method = "POST",
              .pattern = "/v1/einvoices",
              .roles = {identity::Role::kTrader},
              .max_body = kMaxRegisteredBytes,
              .summary = "Register an e-invoice: validate, sign, store, log"},
             [&registry](Request& req) { return RegisterInvoice(registry, req); });
  router.Add({.method = "GET", .pattern = "/v1/einvoices", .summary = "Registered e-invoices"},
             [&registry](Request& req) { return ListInvoices(registry, req); });
  router.Add({.method = "GET",
              .pattern = "/v1/einvoices/{id}",
              .summary = "A registered e-invoice: metadata, report, log entry"},
             [&registry](Request& req) { return GetInvoice(registry, req); });
  router.Add({.method = "GET",
              .pattern = "/v1/einvoices/{id}/xml",
              .summary = "The signed XML of a registered e-invoice"},
             [&registry](Request& req) { return GetInvoiceXml(registry, req); });
  router.Add({.method = "POST",
              .pattern = "/v1/einvoices/verify",
              .max_body = kMaxRegisteredBytes * 2,
              .summary = "Check a signed e-invoice: registration, signature, log proof"},
             [&registry, &trust, &clock](Request& req) {
               return VerifyInvoice(registry, trust, clock, req);
             });
}

}  // namespace digitrade::http::api
