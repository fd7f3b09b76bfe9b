#include "app/http_fetcher.h"

#include <fmt/format.h>

namespace digitrade::app {

Result<std::unique_ptr<HttpFetcher>> HttpFetcher::Create(std::string_view prefix,
                                                         const std::string& ca_file) {
  DT_ASSIGN_OR_RETURN(auto client, http::HttpClient::Create(prefix, {.ca_file = ca_file}));
  return std::unique_ptr<HttpFetcher>(new HttpFetcher(std::move(client)));
}

Result<std::string> HttpFetcher::Fetch(std::string_view path) {
  DT_ASSIGN_OR_RETURN(auto res, client_->Get(path));
  if (res.status == 404) return NotFound(fmt::format("GET {}: 404", path));
  if (res.status != 200) return Unavailable(fmt::format("GET {}: HTTP {}", path, res.status));
  return std::move(res.body);
}

}  // namespace digitrade::app
