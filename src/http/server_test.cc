#include "http/server.h"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <gtest/gtest.h>

#include "http/client.h"
#include "http/test_support.h"

namespace digitrade::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

class ServerTest : public ::testing::Test, protected testing::DispatchStack {
 protected:
  void SetUp() override {
    router_.Add({.method = "GET", .pattern = "/hello", .access = Access::kPublic},
                [](Request&) -> Result<Response> { return Response::Text(200, "hi"); });
    router_.Add({.method = "POST", .pattern = "/echo", .access = Access::kPublic, .max_body = 16},
                [](Request& r) -> Result<Response> { return Response::Text(200, r.body); });
    // Refusals in another standard's error format (RouteSpec::error_body).
    router_.Add({.method = "POST",
                 .pattern = "/v3/echo",
                 .access = Access::kPublic,
                 .max_body = 16,
                 .error_body = [](const Request& req, const Error& e, int status) {
                   return Response::Json(status, {{"statusCode", status},
                                                  {"requestUri", req.path},
                                                  {"message", e.message()}});
                 }},
                [](Request& r) -> Result<Response> { return Response::Text(200, r.body); });
    // Parks its Responder for the test to answer (from any thread).
    router_.AddAsync({.method = "GET", .pattern = "/later", .access = Access::kPublic},
                     [this](Request&, Responder reply) {
                       {
                         std::lock_guard lock(parked_mu_);
                         parked_.push_back(std::move(reply));
                       }
                       parked_cv_.notify_all();
                     });
  }

  // The Responder of the next request to /later, once it has arrived.
  Responder TakeParked() {
    std::unique_lock lock(parked_mu_);
    parked_cv_.wait(lock, [&] { return !parked_.empty(); });
    Responder r = std::move(parked_.front());
    parked_.pop_front();
    return r;
  }

  void StartServer(ServerOptions o = {}) {
    o.port = 0;
    o.threads = 2;
    server_ = std::make_unique<Server>(o, dispatcher_, log_);
    ASSERT_TRUE(server_->Start());
  }

  // Sends raw bytes on a fresh connection and returns everything read back
  // until the server closes the connection.
  std::string Raw(const std::string& bytes) {
    asio::io_context io;
    tcp::socket s(io);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    asio::write(s, asio::buffer(bytes));
    std::string out;
    beast::error_code ec;
    char buf[4096];
    for (;;) {
      const auto n = s.read_some(asio::buffer(buf), ec);
      if (ec) break;
      out.append(buf, n);
    }
    return out;
  }

  std::mutex parked_mu_;
  std::condition_variable parked_cv_;
  std::deque<Responder> parked_;
  std::unique_ptr<Server> server_;
};

constexpr std::string_view kLater = "GET /later HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

TEST_F(ServerTest, AsyncRouteIsAnsweredFromAnotherThread) {
  StartServer();
  auto got = std::async(std::launch::async, [&] { return Raw(std::string(kLater)); });
  Responder reply = TakeParked();
  std::thread([reply] { reply(Response::Text(200, "answered later")); }).join();
  const std::string out = got.get();
  EXPECT_NE(out.find("200 OK"), std::string::npos) << out;
  EXPECT_NE(out.find("answered later"), std::string::npos) << out;
  // A task posted to the connection's thread answers too; the server kept
  // serving other requests meanwhile.
  auto posted = std::async(std::launch::async, [&] { return Raw(std::string(kLater)); });
  Responder second = TakeParked();
  EXPECT_NE(Raw("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").find("hi"),
            std::string::npos);
  const auto caller = std::this_thread::get_id();
  std::thread([second, caller] {
    second.Post([caller]() -> Result<Response> {
      if (std::this_thread::get_id() == caller) return Internal("ran on the test thread");
      return Conflict("the record moved on");
    });
  }).join();
  const std::string problem = posted.get();
  EXPECT_NE(problem.find("409 Conflict"), std::string::npos) << problem;
  EXPECT_NE(problem.find("application/problem+json"), std::string::npos) << problem;
}

TEST_F(ServerTest, AsyncResponderDroppedUnansweredIs500) {
  StartServer();
  auto got = std::async(std::launch::async, [&] { return Raw(std::string(kLater)); });
  { Responder dropped = TakeParked(); }
  const std::string out = got.get();
  EXPECT_NE(out.find("500 Internal Server Error"), std::string::npos) << out;
}

TEST_F(ServerTest, StopWaitsForPendingAsyncRequestsAndWritesTheirAnswers) {
  StartServer();
  auto got = std::async(std::launch::async, [&] { return Raw(std::string(kLater)); });
  Responder reply = TakeParked();
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    server_->Stop();
    stopped = true;
  });
  // Stop() has begun (or is about to) and must not return while the
  // request waits for its answer.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(stopped);
  reply(Response::Text(200, "finished during stop"));
  stopper.join();
  const std::string out = got.get();
  EXPECT_NE(out.find("finished during stop"), std::string::npos) << out;
  // Answering again, or after the server stopped, does nothing.
  reply(Response::Text(500, "twice"));
}

TEST_F(ServerTest, ClientGoneBeforeTheAsyncAnswer) {
  StartServer();
  {
    asio::io_context io;
    tcp::socket s(io);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    asio::write(s, asio::buffer(kLater));
    Responder reply = TakeParked();
    s.close();
    reply(Response::Text(200, "nobody listens"));
  }
  EXPECT_NE(Raw("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").find("hi"),
            std::string::npos);
  server_->Stop();
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  StartServer();
  const std::string out = Raw(
      "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd"
      "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n') > 0, true);
  size_t first = out.find("HTTP/1.1 200 OK");
  size_t second = out.find("HTTP/1.1 200 OK", first + 1);
  size_t third = out.find("HTTP/1.1 200 OK", second + 1);
  EXPECT_NE(third, std::string::npos) << out;
  EXPECT_NE(out.find("abcd"), std::string::npos);
  EXPECT_NE(out.find("X-Request-Id"), std::string::npos);
}

TEST_F(ServerTest, OversizedBodyIs413BeforeReadingIt) {
  StartServer();
  const std::string out =
      Raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n" + std::string(100, 'a'));
  EXPECT_NE(out.find("HTTP/1.1 413"), std::string::npos) << out;
  EXPECT_NE(out.find("application/problem+json"), std::string::npos);
  EXPECT_NE(out.find("exceeds the limit of 16 bytes"), std::string::npos);
}

TEST_F(ServerTest, OversizedBodyOfARouteWithItsOwnErrorBody) {
  StartServer();
  const std::string out = Raw("POST /v3/echo?x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n" +
                              std::string(100, 'a'));
  EXPECT_NE(out.find("HTTP/1.1 413"), std::string::npos) << out;
  EXPECT_EQ(out.find("problem+json"), std::string::npos) << out;
  EXPECT_NE(out.find(R"({"statusCode":413,"requestUri":"/v3/echo","message":"the request body )"
                     R"(exceeds the limit of 16 bytes for this endpoint"})"),
            std::string::npos)
      << out;
}

TEST_F(ServerTest, MalformedRequestIs400) {
  StartServer();
  const std::string out = Raw("GARBAGE\r\n\r\n");
  EXPECT_NE(out.find("HTTP/1.1 400"), std::string::npos) << out;
  EXPECT_NE(out.find("urn:digitrade:problem:bad-request"), std::string::npos);
}

TEST_F(ServerTest, OversizedHeadersAre431) {
  StartServer(ServerOptions{.header_limit = 1024});
  const std::string out =
      Raw("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'b') + "\r\n\r\n");
  EXPECT_NE(out.find("HTTP/1.1 431"), std::string::npos) << out;
}

// A self-signed certificate for "localhost" made with the openssl CLI.
std::filesystem::path MakeCertificate() {
  const auto dir = std::filesystem::temp_directory_path() / ("tls_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
                          "-subj /CN=localhost -addext subjectAltName=DNS:localhost -keyout " +
                          (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string() +
                          " >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  return dir;
}

TEST_F(ServerTest, ServesTlsWithTheGivenCertificate) {
  const auto dir = MakeCertificate();
  StartServer(ServerOptions{.tls_cert_file = (dir / "cert.pem").string(),
                            .tls_key_file = (dir / "key.pem").string()});
  EXPECT_TRUE(server_->tls());

  asio::io_context io;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file((dir / "cert.pem").string());
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
  beast::get_lowest_layer(stream).connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
  stream.handshake(asio::ssl::stream_base::client);
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/hello", 11};
  req.set(bhttp::field::host, "localhost");
  bhttp::write(stream, req);
  beast::flat_buffer buf;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(stream, buf, res);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "hi");
  std::filesystem::remove_all(dir);
}

TEST_F(ServerTest, ClientGetsOverHttpAndVerifiedHttps) {
  StartServer();
  const std::string port = std::to_string(server_->port());
  auto plain = HttpClient::Create("http://127.0.0.1:" + port + "/");
  ASSERT_TRUE(plain) << plain.error().ToString();
  auto res = (*plain)->Get("hello");
  ASSERT_TRUE(res) << res.error().ToString();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "hi");
  EXPECT_EQ((*plain)->Get("nowhere")->status, 404);
  server_->Stop();

  const auto dir = MakeCertificate();
  StartServer(ServerOptions{.tls_cert_file = (dir / "cert.pem").string(),
                            .tls_key_file = (dir / "key.pem").string()});
  const std::string tls_port = std::to_string(server_->port());
  const ClientOptions trusting{.ca_file = (dir / "cert.pem").string()};
  auto good = HttpClient::Create("https://localhost:" + tls_port, trusting);
  ASSERT_TRUE(good) << good.error().ToString();
  auto ok = (*good)->Get("hello");
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->body, "hi");

  // The certificate names localhost, not 127.0.0.1.
  auto wrong_name = (*HttpClient::Create("https://127.0.0.1:" + tls_port, trusting))->Get("hello");
  ASSERT_FALSE(wrong_name);
  EXPECT_EQ(wrong_name.error().code(), ErrorCode::kUnavailable);
  // Not in the system's trust store.
  auto untrusted = (*HttpClient::Create("https://localhost:" + tls_port))->Get("hello");
  ASSERT_FALSE(untrusted);
  EXPECT_NE(untrusted.error().message().find("TLS with localhost"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(HttpClient, RejectsBadUrls) {
  EXPECT_EQ(HttpClient::Create("ftp://x/").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(HttpClient::Create("http://:80/").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(HttpClient::Create("http://host:99999999/").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(HttpClient::Create("https://host/a?b").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(HttpClient::Create("https://host/", {.ca_file = "/nonexistent.pem"}).error().code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(ServerTest, MissingTlsKeyIsAClearError) {
  server_ = std::make_unique<Server>(ServerOptions{.port = 0, .tls_cert_file = "/nonexistent.pem"},
                                     dispatcher_, log_);
  auto st = server_->Start();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message(), "TLS needs both --tls-cert and --tls-key");
}

TEST_F(ServerTest, StopIsGracefulAndIdempotent) {
  StartServer();
  EXPECT_NE(Raw("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").find("200 OK"),
            std::string::npos);
  server_->Stop();
  server_->Stop();
  asio::io_context io;
  tcp::socket s(io);
  beast::error_code ec;
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()), ec);
  EXPECT_TRUE(ec) << "connection accepted after Stop()";
}

}  // namespace
}  // namespace digitrade::http
