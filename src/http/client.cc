#include "http/client.h"

#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>

namespace digitrade::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

struct HttpClient::Impl {
  bool tls = false;
  std::string host;
  std::string port;
  std::string base;  // path prefix without a trailing slash
  ClientOptions options;
  std::optional<asio::ssl::context> ssl;
};

namespace {

struct ParsedUrl {
  bool tls = false;
  std::string host, port, base;
};

Result<ParsedUrl> ParseBase(std::string_view url) {
  ParsedUrl u;
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    u.tls = true;
    rest = url.substr(8);
  } else {
    return InvalidArgument(fmt::format("\"{}\" is not an http:// or https:// URL", url));
  }
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  u.base = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  while (!u.base.empty() && u.base.back() == '/') u.base.pop_back();
  const std::size_t colon = authority.rfind(':');
  const bool has_port =
      colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos;
  u.host = std::string(has_port ? authority.substr(0, colon) : authority);
  u.port = has_port ? std::string(authority.substr(colon + 1)) : (u.tls ? "443" : "80");
  if (u.host.size() >= 2 && u.host.front() == '[' && u.host.back() == ']') {
    u.host = u.host.substr(1, u.host.size() - 2);
  }
  const bool port_ok = !u.port.empty() && u.port.size() <= 5 &&
                       u.port.find_first_not_of("0123456789") == std::string::npos;
  if (u.host.empty() || !port_ok || u.base.find_first_of("?# ") != std::string::npos) {
    return InvalidArgument(fmt::format("\"{}\" is not an http[s]://host[:port]/path URL", url));
  }
  return u;
}

struct Outgoing {
  bhttp::verb method = bhttp::verb::get;
  std::string_view body;
  const std::vector<std::pair<std::string, std::string>>* headers = nullptr;
};

template <typename Stream>
Result<ClientResponse> Exchange(Stream& stream, const HttpClient::Impl& c, const std::string& target,
                                const Outgoing& out) {
  bhttp::request<bhttp::string_body> req{out.method, target, 11};
  req.set(bhttp::field::host, c.host);
  req.set(bhttp::field::user_agent, "digitrade");
  if (out.headers != nullptr) {
    for (const auto& [name, value] : *out.headers) req.set(name, value);
  }
  if (out.method != bhttp::verb::get || !out.body.empty()) {
    req.body() = std::string(out.body);
    req.prepare_payload();
  }
  beast::error_code ec;
  bhttp::write(stream, req, ec);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(c.options.max_body);
  if (!ec) bhttp::read(stream, buffer, parser, ec);
  if (ec == bhttp::error::body_limit) {
    return ResourceExhausted(fmt::format("{} {}: body over {} bytes", std::string(bhttp::to_string(out.method)),
                                         target, c.options.max_body));
  }
  if (ec) return Unavailable(fmt::format("{} {}: {}", std::string(bhttp::to_string(out.method)), target, ec.message()));
  return ClientResponse{.status = static_cast<int>(parser.get().result_int()), .body = parser.get().body()};
}

}  // namespace

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;

Result<std::unique_ptr<HttpClient>> HttpClient::Create(std::string_view base, ClientOptions options) {
  DT_ASSIGN_OR_RETURN(ParsedUrl u, ParseBase(base));
  auto impl = std::make_unique<Impl>();
  impl->tls = u.tls;
  impl->host = std::move(u.host);
  impl->port = std::move(u.port);
  impl->base = std::move(u.base);
  impl->options = std::move(options);
  if (impl->tls) {
    auto& ctx = impl->ssl.emplace(asio::ssl::context::tls_client);
    ctx.set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                    asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    beast::error_code ec;
    if (impl->options.ca_file.empty()) {
      ctx.set_default_verify_paths(ec);
    } else {
      ctx.load_verify_file(impl->options.ca_file, ec);
    }
    if (ec) {
      return InvalidArgument(fmt::format("cannot load trusted CAs {}: {}",
                                         impl->options.ca_file.empty() ? "(system)" : impl->options.ca_file,
                                         ec.message()));
    }
    ctx.set_verify_mode(asio::ssl::verify_peer);
  }
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

Result<ClientResponse> HttpClient::Get(std::string_view path) { return Send("GET", path, ""); }

Result<ClientResponse> HttpClient::Send(std::string_view method, std::string_view path, std::string_view body,
                                        const std::vector<std::pair<std::string, std::string>>& headers) {
  const Outgoing out{.method = bhttp::string_to_verb(method), .body = body, .headers = &headers};
  if (out.method == bhttp::verb::unknown) return InvalidArgument(fmt::format("unknown HTTP method \"{}\"", method));
  const Impl& c = *impl_;
  const std::string target = c.base + "/" + std::string(path);
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  beast::error_code ec;
  const auto endpoints = resolver.resolve(c.host, c.port, ec);
  if (ec) return Unavailable(fmt::format("cannot resolve {}: {}", c.host, ec.message()));
  if (!c.tls) {
    beast::tcp_stream stream(io);
    stream.expires_after(c.options.timeout);
    stream.connect(endpoints, ec);
    if (ec) return Unavailable(fmt::format("cannot connect to {}:{}: {}", c.host, c.port, ec.message()));
    auto res = Exchange(stream, c, target, out);
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    return res;
  }
  beast::ssl_stream<beast::tcp_stream> stream(io, *impl_->ssl);
  beast::get_lowest_layer(stream).expires_after(c.options.timeout);
  beast::get_lowest_layer(stream).connect(endpoints, ec);
  if (ec) return Unavailable(fmt::format("cannot connect to {}:{}: {}", c.host, c.port, ec.message()));
  if (!SSL_set_tlsext_host_name(stream.native_handle(), c.host.c_str())) {
    return Unavailable("cannot set TLS server name");
  }
  stream.set_verify_callback(asio::ssl::host_name_verification(c.host));
  stream.handshake(asio::ssl::stream_base::client, ec);
  if (ec) return Unavailable(fmt::format("TLS with {}:{} failed: {}", c.host, c.port, ec.message()));
  auto res = Exchange(stream, c, target, out);
  stream.shutdown(ec);  // the peer may just close; nothing to report
  return res;
}

}  // namespace digitrade::http
