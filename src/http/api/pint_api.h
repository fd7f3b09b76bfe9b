// HTTP adapter for trade/etr/pint: the DCSA PINT 3.0 receiving endpoints
// under /v3 (called by peer platforms, authenticated by the token we issued
// them, role "platform"), and the operator's /v1/pint routes (peers,
// carriers, local parties, recording an issued eBL, sending one). Routes are
// documented in docs/openapi.yaml; the protocol in docs/pint.md.
//
// HttpPeerTransport is the sender's transport over http::HttpClient.
#pragma once

#include <string>

#include "common/clock.h"
#include "http/api/etr_api.h"
#include "http/router.h"
#include "identity/directory.h"
#include "trade/etr/pint/sender.h"
#include "trade/etr/pint/service.h"

namespace digitrade::http::api {

// Registers the PINT routes. `pint` may be null (no PINT identity
// configured): the routes then answer failed_precondition. The /v3 routes
// answer failures that are not signed decisions with a DCSA ErrorResponse
// (dcsa_api.h; `clock` dates them). All must outlive the router.
void RegisterPintApi(Router& router, trade::etr::pint::PintService* pint,
                     identity::Directory& directory, const Clock& clock);

// The etr API's hook for actions to a party on another platform (null
// without PINT or without the etr engine). `pint` must outlive the router.
EtrOutbound PintOutbound(trade::etr::pint::PintService* pint);

// PUT/POST to a peer over HTTP(S) with a bearer token; `ca_file` (PEM) is
// the trust anchor for https:// peers, empty for the system store.
class HttpPeerTransport final : public trade::etr::pint::PeerTransport {
 public:
  explicit HttpPeerTransport(std::string ca_file = "") : ca_file_(std::move(ca_file)) {}
  Result<trade::etr::pint::TransportResponse> Send(const std::string& method,
                                                   const std::string& base_url,
                                                   const std::string& path,
                                                   const std::optional<std::string>& token,
                                                   const std::string& body) override;

 private:
  std::string ca_file_;
};

}  // namespace digitrade::http::api
