// HTTP adapter for signing/: organisations' server-held signing keys and
// signing with them. Keys never leave the server; only their public JWK
// and certificate are shown. Routes are documented in docs/openapi.yaml.
#pragma once

#include "http/router.h"
#include "signing/key_vault.h"

namespace digitrade::http::api {

// Registers the signing-key routes. `vault` may be null (no key encryption
// key configured): the routes then answer failed_precondition. `vault`
// must outlive the router.
void RegisterSigningApi(Router& router, signing::KeyVault* vault);

}  // namespace digitrade::http::api
