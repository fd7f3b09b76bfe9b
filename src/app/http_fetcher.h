// A ledger::LogFetcher over plain HTTP (Boost.Beast), for `digitrade log
// monitor`: GET <prefix>/<path>, one connection per request, 30 s timeout.
// HTTPS is not supported here (TLS lives in http/); monitor through a local
// TLS terminator or over the internal network.
//
// Thread-safety: one Fetch at a time per object.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "ledger/monitor.h"

namespace digitrade::app {

class HttpFetcher final : public ledger::LogFetcher {
 public:
  // `prefix`: "http://host[:port]/log/evidence". Errors: invalid_argument for
  // another scheme or a malformed URL.
  static Result<std::unique_ptr<HttpFetcher>> Create(std::string_view prefix);

  // Errors: not_found (404), unavailable (connection, timeout, other status),
  // resource_exhausted (body over 16 MiB).
  Result<std::string> Fetch(std::string_view path) override;

 private:
  HttpFetcher(std::string host, std::string port, std::string base)
      : host_(std::move(host)), port_(std::move(port)), base_(std::move(base)) {}
  std::string host_;
  std::string port_;
  std::string base_;  // path prefix without a trailing slash
};

}  // namespace digitrade::app
