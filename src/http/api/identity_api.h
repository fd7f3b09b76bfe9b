// HTTP adapter for identity/: organisations, users, API tokens and /v1/me.
// JSON in, a Directory call, JSON out; no logic of its own beyond who may
// act for whom. Routes are documented in docs/openapi.yaml.
#pragma once

#include "http/router.h"
#include "identity/directory.h"

namespace digitrade::http::api {

// Registers the identity routes. `directory` must outlive the router.
void RegisterIdentityApi(Router& router, identity::Directory& directory);

boost::json::object OrganisationJson(const identity::Organisation& o);
boost::json::object UserJson(const identity::User& u);
boost::json::object TokenJson(const identity::TokenInfo& t);

}  // namespace digitrade::http::api
