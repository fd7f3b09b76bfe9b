// A ledger::LogFetcher over HTTP or HTTPS (http::HttpClient), for
// `digitrade log monitor`: GET <prefix>/<path>, one connection per request,
// 30 s timeout, 16 MiB body limit. HTTPS verifies the certificate chain
// (system trust store or --cacert) and the host name.
//
// Thread-safety: one Fetch at a time per object.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "http/client.h"
#include "ledger/monitor.h"

namespace digitrade::app {

class HttpFetcher final : public ledger::LogFetcher {
 public:
  // `prefix`: "http[s]://host[:port]/log/evidence"; `ca_file`: PEM CAs to
  // trust for https (empty: the system's). Errors: invalid_argument for
  // another scheme, a malformed URL or an unreadable CA file.
  static Result<std::unique_ptr<HttpFetcher>> Create(std::string_view prefix,
                                                     const std::string& ca_file = "");

  // Errors: not_found (404), unavailable (connection, TLS, timeout, other
  // status), resource_exhausted (body over 16 MiB).
  Result<std::string> Fetch(std::string_view path) override;

 private:
  explicit HttpFetcher(std::unique_ptr<http::HttpClient> client) : client_(std::move(client)) {}
  std::unique_ptr<http::HttpClient> client_;
};

}  // namespace digitrade::app
