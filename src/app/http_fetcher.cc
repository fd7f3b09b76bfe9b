#include "app/http_fetcher.h"

#include <chrono>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

namespace digitrade::app {

namespace beast = boost::beast;
namespace http = boost::beast::http;

Result<std::unique_ptr<HttpFetcher>> HttpFetcher::Create(std::string_view prefix) {
  constexpr std::string_view kScheme = "http://";
  if (!prefix.starts_with(kScheme)) {
    return InvalidArgument("log monitor speaks plain http:// (put HTTPS behind a local proxy)");
  }
  std::string_view rest = prefix.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string base(slash == std::string_view::npos ? "" : rest.substr(slash));
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::size_t colon = authority.rfind(':');
  const bool has_port =
      colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos;
  std::string host(has_port ? authority.substr(0, colon) : authority);
  const std::string port(has_port ? authority.substr(colon + 1) : "80");
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const bool port_ok = !port.empty() && port.size() <= 5 &&
                       port.find_first_not_of("0123456789") == std::string::npos;
  if (host.empty() || !port_ok || base.find_first_of("?# ") != std::string::npos) {
    return InvalidArgument(fmt::format("\"{}\" is not an http://host[:port]/path URL", prefix));
  }
  return std::unique_ptr<HttpFetcher>(new HttpFetcher(std::move(host), port, std::move(base)));
}

Result<std::string> HttpFetcher::Fetch(std::string_view path) {
  constexpr std::size_t kMaxBody = 16 << 20;
  const std::string target = base_ + "/" + std::string(path);
  boost::system::error_code ec;
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(30));
  const auto endpoints = resolver.resolve(host_, port_, ec);
  if (!ec) stream.connect(endpoints, ec);
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, host_);
  req.set(http::field::user_agent, "digitrade-log-monitor");
  if (!ec) http::write(stream, req, ec);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxBody);
  if (!ec) http::read(stream, buffer, parser, ec);
  if (ec == http::error::body_limit) return ResourceExhausted(target + ": body over 16 MiB");
  if (ec) return Unavailable(fmt::format("GET {}: {}", target, ec.message()));
  stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  const auto& res = parser.get();
  if (res.result() == http::status::not_found) return NotFound("GET " + target + ": 404");
  if (res.result() != http::status::ok) {
    return Unavailable(fmt::format("GET {}: HTTP {}", target, res.result_int()));
  }
  return res.body();
}

}  // namespace digitrade::app
