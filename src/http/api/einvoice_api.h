// HTTP adapter for trade/einvoice: validate e-invoices against EN 16931 and
// Peppol BIS Billing 3.0. XML in, a ValidationService call, JSON (or SVRL)
// out. Routes are documented in docs/openapi.yaml.
#pragma once

#include "http/router.h"
#include "trade/einvoice/service.h"

namespace digitrade::http::api {

// Registers POST /v1/einvoices/validate and POST /v1/einvoices/validate-batch.
// `service` must outlive the router.
void RegisterEinvoiceApi(Router& router, trade::einvoice::ValidationService& service);

}  // namespace digitrade::http::api
