#include "http/server.h"

#include <algorithm>
#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>

#include "http/internal/beast_message.h"
#include "http/problem.h"

namespace digitrade::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

struct Server::Impl {
  ServerOptions options;
  Dispatcher& dispatcher;
  Logger& log;
  asio::io_context io;
  std::optional<asio::ssl::context> ssl;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  std::atomic<int> in_flight{0};  // requests read and not yet answered on the wire
  std::atomic<int> handling{0};   // of those, the ones whose handler has not answered
  std::atomic<bool> draining{false};
  bool stopped = false;
  uint16_t bound_port = 0;

  Impl(ServerOptions o, Dispatcher& d, Logger& l)
      : options(std::move(o)), dispatcher(d), log(l) {}

  void Accept();
};

namespace {

using internal::FromBeast;
using internal::ToBeast;

// One connection. Stream is beast::tcp_stream or beast::ssl_stream of it.
template <typename Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, Server::Impl& server, std::string remote)
      : stream_(std::move(stream)), server_(server), remote_(std::move(remote)) {}

  void Run() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      ReadHeader();
    } else {
      beast::get_lowest_layer(stream_).expires_after(server_.options.read_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->ReadHeader();
                              });
    }
  }

 private:
  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.header_limit));
    beast::get_lowest_layer(stream_).expires_after(first_ ? server_.options.read_timeout
                                                          : server_.options.idle_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return Fail(ec);
    const auto& h = parser_->get();
    const std::size_t limit =
        server_.dispatcher.BodyLimit(std::string(h.method_string()), std::string(h.target()));
    // Beast checks Content-Length against the limit only while parsing the
    // header, which is done by now: check it here; chunked bodies are
    // checked as they arrive.
    if (const auto length = parser_->content_length(); length && *length > limit) {
      return Fail(bhttp::error::body_limit);
    }
    parser_->body_limit(limit);
    beast::get_lowest_layer(stream_).expires_after(server_.options.read_timeout);
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code e, std::size_t) { self->OnBody(e); });
  }

  void OnBody(beast::error_code ec) {
    if (ec) return Fail(ec);
    first_ = false;
    server_.in_flight++;
    auto& req = parser_->get();
    const unsigned version = req.version();
    const bool keep_alive = req.keep_alive();
    const bool head = req.method() == bhttp::verb::head;
    auto call = std::make_shared<Call>(this->shared_from_this());
    server_.dispatcher.HandleAsync(
        std::make_shared<Request>(FromBeast(req, remote_)),
        [call](std::function<void()> task) {
          asio::post(call->session->stream_.get_executor(), std::move(task));
        },
        [call, version, keep_alive, head](Response res) {
          // Inline for a synchronous route (already on the strand); an
          // asynchronous one answers from another thread.
          asio::dispatch(
              call->session->stream_.get_executor(),
              [self = call->session, res = std::move(res), version, keep_alive, head]() mutable {
                const bool keep = keep_alive && !self->server_.draining;
                self->Write(ToBeast(std::move(res), version, keep, head), !keep);
              });
        });
  }

  void Write(bhttp::response<bhttp::string_body> res, bool close) {
    auto sp = std::make_shared<bhttp::response<bhttp::string_body>>(std::move(res));
    beast::get_lowest_layer(stream_).expires_after(server_.options.read_timeout);
    bhttp::async_write(stream_, *sp,
                       [self = this->shared_from_this(), sp, close](beast::error_code ec, std::size_t) {
                         self->server_.in_flight--;
                         if (ec || close) return self->Close();
                         self->ReadHeader();
                       });
  }

  // Protocol errors get a problem response where the client can still read
  // one; timeouts and resets just close.
  void Fail(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      server_.in_flight++;
      Response too_large = server_.dispatcher.TooLarge(std::string(parser_->get().method_string()),
                                                       std::string(parser_->get().target()));
      return Write(ToBeast(std::move(too_large), 11, false, false), true);
    }
    if (ec == bhttp::error::header_limit) {
      return Reject(431, "header-too-large", "Request header fields too large",
                    fmt::format("request headers exceed {} bytes", server_.options.header_limit));
    }
    const bool http_error = ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
    if (http_error && ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      return Reject(400, "bad-request", "Bad request", "malformed HTTP request: " + ec.message());
    }
    Close();
  }

  void Reject(int status, std::string_view slug, std::string_view title, std::string_view detail) {
    server_.in_flight++;
    Response p = Problem(status, slug, title, detail);
    Write(ToBeast(std::move(p), 11, false, false), true);
  }

  void Close() {
    beast::error_code ec;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    } else {
      beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  // One request between the read and the handler's answer: holds the
  // session for the executor and the answer, keeps the io threads running
  // (while an asynchronous handler waits, the connection has no operation
  // pending), and counts in `handling` until the last of those copies is
  // gone (Stop() waits for that).
  struct Call {
    std::shared_ptr<Session> session;
    asio::executor_work_guard<asio::io_context::executor_type> work;
    explicit Call(std::shared_ptr<Session> s)
        : session(std::move(s)), work(session->server_.io.get_executor()) {
      session->server_.handling++;
    }
    ~Call() {
      auto& server = session->server_;
      session.reset();
      work.reset();
      server.handling--;
    }
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;
  };

  Stream stream_;
  Server::Impl& server_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bool first_ = true;
};

}  // namespace

void Server::Impl::Accept() {
  acceptor->async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
      log.Warn("accept failed", {{"error", ec.message()}});
      return Accept();
    }
    beast::error_code ep_ec;
    const auto ep = socket.remote_endpoint(ep_ec);
    std::string remote = ep_ec ? "" : fmt::format("{}:{}", ep.address().to_string(), ep.port());
    if (ssl) {
      std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
          beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *ssl), *this,
          std::move(remote))
          ->Run();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), *this,
                                                   std::move(remote))
          ->Run();
    }
    Accept();
  });
}

Server::Server(ServerOptions options, Dispatcher& dispatcher, Logger& log)
    : impl_(std::make_unique<Impl>(std::move(options), dispatcher, log)) {}

Server::~Server() {
  try {
    Stop();
  } catch (...) {
    // Joining threads can only throw on a broken system; never from a destructor.
  }
}

Status Server::Start() {
  auto& o = impl_->options;
  if (!o.tls_cert_file.empty() || !o.tls_key_file.empty()) {
    if (o.tls_cert_file.empty() || o.tls_key_file.empty()) {
      return InvalidArgument("TLS needs both --tls-cert and --tls-key");
    }
    impl_->ssl.emplace(asio::ssl::context::tls_server);
    auto& ctx = *impl_->ssl;
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1);
    beast::error_code ec;
    ctx.use_certificate_chain_file(o.tls_cert_file, ec);
    if (ec) return InvalidArgument(fmt::format("cannot load TLS certificate {}: {}", o.tls_cert_file, ec.message()));
    ctx.use_private_key_file(o.tls_key_file, asio::ssl::context::pem, ec);
    if (ec) return InvalidArgument(fmt::format("cannot load TLS key {}: {}", o.tls_key_file, ec.message()));
  }
  beast::error_code ec;
  const auto addr = asio::ip::make_address(o.address, ec);
  if (ec) return InvalidArgument(fmt::format("bad listen address \"{}\"", o.address));
  tcp::endpoint ep(addr, o.port);
  auto& acc = impl_->acceptor.emplace(impl_->io);
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Unavailable(fmt::format("cannot listen on {}:{}: {}", o.address, o.port, ec.message()));
  impl_->bound_port = acc.local_endpoint().port();
  impl_->Accept();
  const int n = o.threads > 0 ? o.threads
                              : static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  for (int i = 0; i < n; ++i) impl_->threads.emplace_back([this] { impl_->io.run(); });
  return {};
}

uint16_t Server::port() const { return impl_->bound_port; }
bool Server::tls() const { return impl_->ssl.has_value(); }

void Server::Stop() {
  if (impl_->stopped || impl_->threads.empty()) return;
  impl_->stopped = true;
  impl_->draining = true;
  // Close the acceptor on the io threads (it is not thread-safe) and wait,
  // so no connection is accepted once Stop() has begun.
  std::promise<void> closed;
  asio::post(impl_->io, [this, &closed] {
    beast::error_code ec;
    impl_->acceptor->close(ec);
    closed.set_value();
  });
  closed.get_future().wait();
  // Answers not yet written get until the deadline; handlers that have not
  // answered (asynchronous ones waiting for the evidence log) are always
  // waited for, as a blocked handler thread was: their answer needs the io
  // threads, and what they hold must not outlive the io context.
  const auto deadline = std::chrono::steady_clock::now() + impl_->options.drain_timeout;
  while ((impl_->in_flight > 0 && std::chrono::steady_clock::now() < deadline) ||
         impl_->handling > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  impl_->io.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

}  // namespace digitrade::http
