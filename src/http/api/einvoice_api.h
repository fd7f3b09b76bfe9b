// HTTP adapter for trade/einvoice: validate e-invoices against EN 16931 and
// Peppol BIS Billing 3.0. XML in, a ValidationService call, JSON (or SVRL)
// out. Routes are documented in docs/openapi.yaml.
#pragma once

#include "common/clock.h"
#include "http/router.h"
#include "trade/einvoice/registry.h"
#include "trade/einvoice/service.h"
#include "trust/registry.h"

namespace digitrade::http::api {

// Registers POST /v1/einvoices/validate and POST /v1/einvoices/validate-batch.
// `service` must outlive the router.
void RegisterEinvoiceApi(Router& router, trade::einvoice::ValidationService& service);

// Registers the registry's routes: POST /v1/einvoices (register), GET
// /v1/einvoices, GET /v1/einvoices/{id}, GET /v1/einvoices/{id}/xml, and the
// public POST /v1/einvoices/verify (a bank's check). Signatures are checked
// against `trust`'s current lists at the `clock`'s time. All references must
// outlive the router.
void RegisterEinvoiceRegistryApi(Router& router, trade::einvoice::Registry& registry,
                                 trust::TrustRegistry& trust, const Clock& clock);

}  // namespace digitrade::http::api
