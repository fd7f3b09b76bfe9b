// A minimal HTTP/1.1 client over http:// or https://, for the CLI's commands
// that talk to a remote digitrade (or any C2SP log): `digitrade log monitor`,
// `digitrade einvoice register|verify`, and for platform-to-platform calls
// (DCSA PINT). One connection per request, a timeout and a body
// limit. HTTPS verifies the server's certificate chain (the system's trust
// store, or a given CA file) and its host name, with SNI.
//
// Thread-safety: an HttpClient may be used from one thread at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace digitrade::http {

struct ClientOptions {
  std::chrono::seconds timeout{30};
  std::size_t max_body = 16 << 20;
  // PEM file of trusted CA certificates for https://; empty = system store.
  std::string ca_file;
};

struct ClientResponse {
  int status = 0;
  std::string body;
};

struct ClientRequest {
  std::string method = "GET";
  std::string path;  // appended to the base after a "/"; may carry a query
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Authorization", "Bearer ..."}
};

class HttpClient {
 public:
  // `base`: "http[s]://host[:port][/path]". Errors: invalid_argument for
  // another scheme or a malformed URL, or an unreadable CA file.
  static Result<std::unique_ptr<HttpClient>> Create(std::string_view base, ClientOptions options = {});
  ~HttpClient();

  // GET base + "/" + path. Any status is returned as a response. Errors:
  // unavailable (resolve, connect, TLS handshake or certificate, timeout),
  // resource_exhausted (body over max_body).
  Result<ClientResponse> Get(std::string_view path);
  // Any method, with a body and headers; errors as Get.
  Result<ClientResponse> Send(const ClientRequest& request);

  struct Impl;  // implementation detail, in client.cc

 private:
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace digitrade::http
