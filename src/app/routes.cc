#include "app/routes.h"

#include "http/api/dcsa_api.h"
#include "http/api/einvoice_api.h"
#include "http/api/etr_api.h"
#include "http/api/identity_api.h"
#include "http/api/pint_api.h"
#include "http/api/signatures_api.h"
#include "http/api/signing_api.h"
#include "http/api/ledger_api.h"

namespace digitrade::app {

void RegisterAllRoutes(http::Router& router, Platform& platform, const http::api::SystemInfo& info,
                       http::Metrics& metrics) {
  http::api::RegisterSystemApi(router, info, *platform.clock, metrics, *platform.db,
                               *platform.directory);
  http::api::RegisterIdentityApi(router, *platform.directory);
  http::api::RegisterEinvoiceApi(router, *platform.einvoice);
  http::api::RegisterSignaturesApi(router, *platform.trust, *platform.clock, platform.tsa.get(),
                                   *platform.random);
  http::api::RegisterSigningApi(router, platform.signing.get());
  http::api::RegisterPintApi(router, platform.pint.get(), *platform.directory, *platform.clock);
  http::api::RegisterDcsaApi(router, platform.pint ? platform.pint->issuance() : nullptr,
                             *platform.clock);
  if (platform.evidence_log) {
    http::api::RegisterLedgerApi(router, {{"evidence", platform.evidence_log.get()}});
  }
  if (platform.einvoice_registry) {
    http::api::RegisterEinvoiceRegistryApi(router, *platform.einvoice_registry, *platform.trust,
                                           *platform.clock);
  }
  http::api::RegisterEtrApi(router, platform.etr.get(), *platform.directory, platform.signing.get(),
                            platform.evidence_log.get(),
                            http::api::PintOutbound(platform.pint.get()));
}

}  // namespace digitrade::app
