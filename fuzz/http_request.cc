// Fuzz target: the request path from raw bytes to a response. Bytes are
// parsed as HTTP/1.1 by Boost.Beast with the server's limits, converted to a
// Request and dispatched through the real identity and system routes on a
// SQLite database (a fake authenticator maps "Bearer admin" and "Bearer
// bank" to principals, so handlers behind authentication are reached).
// Every response must be a well-formed status with problem+json on errors.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "common/log.h"
#include "crypto/random.h"
#include "http/api/identity_api.h"
#include "http/api/system_api.h"
#include "http/dispatcher.h"
#include "http/internal/beast_message.h"
#include "identity/directory.h"
#include "storage/migrations.h"
#include "storage/sqlite/sqlite_database.h"

namespace {

using namespace digitrade;

class FuzzAuthenticator final : public identity::Authenticator {
 public:
  Result<identity::Principal> Authenticate(std::string_view token) override {
    if (token == "admin") return identity::Principal{.user_id = admin_id, .roles = {identity::Role::kAdmin}};
    if (token == "bank") return identity::Principal{.user_id = "usr_bank", .roles = {identity::Role::kBank}};
    return Unauthenticated("unknown API token");
  }
  std::string admin_id;
};

struct World {
  FakeClock clock;
  crypto::OsRandom random;
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<identity::Directory> directory;
  FuzzAuthenticator auth;
  http::Metrics metrics;
  Logger log{clock, nullptr};
  http::api::SystemInfo info{.version = "fuzz", .database = "sqlite"};
  http::Router router;
  std::unique_ptr<http::Dispatcher> dispatcher;

  World() {
    // tmpfs when there is one: durability is not under test here, and
    // fsync per write would dominate the run.
    const std::filesystem::path dir =
        std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    path = dir / ("fuzz_http_" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path);
    db = storage::SqliteDatabase::Open(path.string()).value();
    if (!storage::ApplyMigrations(*db, identity::Directory::Migrations())) std::abort();
    directory = std::make_unique<identity::Directory>(*db, clock, random);
    auth.admin_id = directory->Bootstrap().value()->info.user_id;
    http::api::RegisterSystemApi(router, info, clock, metrics, *db, *directory);
    http::api::RegisterIdentityApi(router, *directory);
    dispatcher = std::make_unique<http::Dispatcher>(router, auth, metrics, log, nullptr);
  }
  ~World() {
    dispatcher.reset();
    directory.reset();
    db.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  }

  std::filesystem::path path;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  namespace bhttp = boost::beast::http;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(1 << 20);
  parser.eager(true);
  boost::beast::error_code ec;
  // Most mutations break Content-Length and never reach the dispatcher, so
  // recompute it: everything after the blank line is the body.
  const std::string in(reinterpret_cast<const char*>(data), size);
  std::string msg = in;
  if (const auto end = in.find("\r\n\r\n"); end != std::string::npos) {
    std::string head;
    std::size_t pos = 0;
    while (pos < end + 2) {
      const auto eol = in.find("\r\n", pos);
      const std::string line = in.substr(pos, eol + 2 - pos);
      if (!(line.size() > 15 && (line.compare(0, 15, "Content-Length:") == 0 ||
                                 line.compare(0, 15, "content-length:") == 0))) {
        head += line;
      }
      pos = eol + 2;
    }
    const std::string body = in.substr(end + 4);
    msg = head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  std::size_t used = 0;
  while (!ec && !parser.is_done() && used < msg.size()) {
    const auto n = parser.put(boost::asio::buffer(msg.data() + used, msg.size() - used), ec);
    if (n == 0) break;
    used += n;
  }
  if (ec || !parser.is_done()) return 0;
  http::Request req = http::internal::FromBeast(parser.get(), "fuzz");
  http::Response res = world.dispatcher->Handle(req);
  if (res.status < 200 || res.status > 599) std::abort();
  if (res.status >= 400 && res.content_type != "application/problem+json") std::abort();
  auto out = http::internal::ToBeast(std::move(res), 11, false, false);
  (void)out;
  return 0;
}
