// The HTTP/1.1 server: Boost.Beast over Asio, plain TCP or TLS.
//
// Connections are served asynchronously by a pool of threads; each request
// is handed to the Dispatcher. An asynchronous route's answer may come from
// another thread: it is posted back to the connection's strand and written
// there, so a request waiting for the evidence log holds no thread.
// Keep-alive, a header size limit, a per-route body limit (413 before the
// body is read), read and idle timeouts, and a graceful Stop(): stop
// accepting, let requests in flight finish (up to a deadline), then close.
//
// Thread-safety: Start() and Stop() are called from one controlling thread.
// The Dispatcher must outlive the server.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/log.h"
#include "common/result.h"
#include "http/dispatcher.h"

namespace digitrade::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0 = any free port (see Server::port())
  int threads = 0;       // 0 = hardware concurrency, at least 2
  std::size_t header_limit = std::size_t{16} * 1024;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds drain_timeout{10};
  // TLS when both are set: PEM certificate chain and private key.
  std::string tls_cert_file;
  std::string tls_key_file;
};

class Server {
 public:
  Server(ServerOptions options, Dispatcher& dispatcher, Logger& log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the worker threads. Errors: invalid_argument
  // (bad address, unreadable TLS files), unavailable (port in use).
  Status Start();
  // The bound port (useful with port 0). Precondition: Start() succeeded.
  uint16_t port() const;
  bool tls() const;
  // Graceful shutdown; idempotent. Answers still being written get until
  // drain_timeout; handlers that have not answered yet (asynchronous ones)
  // are waited for, and their answers written.
  void Stop();

  struct Impl;  // implementation detail, in server.cc

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace digitrade::http
