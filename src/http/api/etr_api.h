// HTTP adapter of trade/etr: electronic bills of lading and warehouse
// receipts under /v1/etr/... (parties and keys, issuance, actions, records,
// chain of custody, proof of control). JSON in, Registry call, JSON out;
// documented in docs/openapi.yaml, formats in docs/etr.md.
//
// Every state-changing route is authenticated and role-checked; the caller
// acts for its own organisation, which the engine checks against the signed
// action's actor. With "signing_key_id" the server signs on the caller's
// behalf with the organisation's key in signing::KeyVault.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "http/router.h"
#include "identity/directory.h"
#include "ledger/log.h"
#include "signing/key_vault.h"
#include "trade/etr/registry.h"

namespace digitrade::http::api {

// The JSON form of a record as the API serves it (the CLI prints the same).
boost::json::object EtrRecordJson(const trade::etr::Record& record, bool with_document);

// Sends a signed action whose recipient is on another eBL platform (DCSA
// PINT, see pint_api.h) and returns the receiver's answer as JSON
// ({responseCode, reason?, signedResponse, documentsUploaded}).
using EtrOutbound = std::function<Result<boost::json::object>(
    const std::string& record_id, std::string_view signed_action, const std::string& caller_org)>;

// `registry` may be null (no evidence log open): the routes then answer
// unavailable. `vault` may be null (server-side signing not configured).
// `outbound` may be empty (no PINT): an action to another platform is then
// failed_precondition. All must outlive the router.
void RegisterEtrApi(Router& router, trade::etr::Registry* registry, identity::Directory& directory,
                    signing::KeyVault* vault, ledger::Log* log, EtrOutbound outbound = {});

}  // namespace digitrade::http::api
