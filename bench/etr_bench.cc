// Signed eBL transfers per second over HTTP (bench/etr_bench.sh runs it
// against a `digitrade serve`): each client owns one bill and passes it back
// and forth between two parties, signing every TRANSFER itself (Ed25519,
// client-side, as a holder's own system would) and posting it to
// /v1/etr/records/{id}/actions on a keep-alive connection. A transfer counts
// when the server answered 200, i.e. after the state change and its log
// entry are durable. Prints transfers/s and the p50/p99/max latency.
//
// The client shares the cores with the server, so it does only what a
// client must per transfer: fill the sequence and previous hash into the
// payload (rendered once per bill and direction by the same code as the
// server's prepare endpoint, checked against it), sign it, and send one
// pre-built HTTP request; the answer's body is not parsed.
//
//   bench_etr --port P --carrier ORG:TOKEN:KEY --a ORG:TOKEN:KEY --b ORG:TOKEN:KEY
//             --document FILE [--clients 64] [--seconds 10]
#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "crypto/jcs.h"
#include "crypto/jws.h"
#include "crypto/keys.h"
#include "trade/etr/action.h"
#include "trade/etr/registry.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace bj = boost::json;
using Clock = std::chrono::steady_clock;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Party {
  std::string org;
  std::string token;
  digitrade::crypto::PrivateKey key;
  std::string name;
  std::string kid;  // thumbprint of the public key, computed once
};

Party ParseParty(const std::string& spec, const std::string& name) {
  const auto a = spec.find(':');
  const auto b = spec.find(':', a + 1);
  auto key = digitrade::crypto::PrivateKey::FromPem(ReadFile(spec.substr(b + 1)));
  if (!key) {
    std::fprintf(stderr, "bad key %s: %s\n", spec.c_str(), key.error().ToString().c_str());
    std::exit(2);
  }
  const std::string kid = key->public_key().Thumbprint();
  return {spec.substr(0, a), spec.substr(a + 1, b - a - 1), *key, name, kid};
}

std::string Sign(const Party& p, std::string_view payload) {
  digitrade::crypto::JwsSigner signer{
      &p.key, digitrade::crypto::DefaultAlgorithm(p.key.type()), {{"kid", p.kid}}, {}};
  return digitrade::crypto::SignJwsCompact(
             {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()}, signer)
      .value();
}

class Connection {
 public:
  explicit Connection(unsigned short port) : socket_(io_) {
    asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
    socket_.connect(ep);
    socket_.set_option(asio::ip::tcp::no_delay(true));
  }
  // Sends a complete request and returns the status of the answer.
  int Send(const std::string& request) {
    asio::write(socket_, asio::buffer(request));
    http::response<http::string_body> res;
    http::read(socket_, buffer_, res);
    last_body_ = std::move(res.body());
    return static_cast<int>(res.result_int());
  }
  const std::string& last_body() const { return last_body_; }

  // Returns the status and body.
  std::pair<int, std::string> Post(const std::string& target, const std::string& token,
                                   std::string body) {
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer " + token);
    req.set(http::field::content_type, "application/json");
    req.keep_alive(true);
    req.body() = std::move(body);
    req.prepare_payload();
    http::write(socket_, req);
    http::response<http::string_body> res;
    http::read(socket_, buffer_, res);
    return {static_cast<int>(res.result_int()), std::move(res.body())};
  }

 private:
  asio::io_context io_;
  asio::ip::tcp::socket socket_;
  beast::flat_buffer buffer_;
  std::string last_body_;
};

// The request line and headers of a transfer on `target`, up to the body.
std::string RequestHead(const std::string& target, const std::string& token) {
  return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
         "\r\nContent-Type: application/json\r\nConnection: keep-alive\r\nContent-Length: ";
}

std::string TransferRequest(const std::string& head, std::string_view jws) {
  // A compact JWS is base64url and dots: nothing to escape in the JSON string.
  constexpr std::string_view kOpen = R"({"signed_action":")";
  constexpr std::string_view kClose = R"("})";
  std::string req = head;
  req += std::to_string(kOpen.size() + jws.size() + kClose.size());
  req += "\r\n\r\n";
  req.append(kOpen).append(jws).append(kClose);
  return req;
}

struct Bill {
  std::string id;
  std::int64_t sequence = 0;
  std::string head;
  int holder = 0;  // 0: a, 1: b
};

Bill Issue(Connection& conn, const Party& carrier, const Party& first, bj::value doc, int n) {
  doc.as_object()["transportDocumentReference"] =
      "BENCH" + std::to_string(std::time(nullptr) % 100000) + "-" + std::to_string(n);
  bj::object body{{"type", "ebl"}, {"document", doc}, {"issue_to", first.org}};
  auto [status, prepared] =
      conn.Post("/v1/etr/issuance/prepare", carrier.token, bj::serialize(body));
  if (status != 200) {
    std::fprintf(stderr, "prepare issue: %d %s\n", status, prepared.c_str());
    std::exit(3);
  }
  const auto draft = bj::parse(prepared).as_object();
  body["issuance_manifest_signed_content"] =
      Sign(carrier, draft.at("manifest_payload").as_string());
  body["issue_action_signed_content"] = Sign(carrier, draft.at("action_payload").as_string());
  auto [s2, issued] = conn.Post("/v1/etr/records", carrier.token, bj::serialize(body));
  if (s2 != 201) {
    std::fprintf(stderr, "issue: %d %s\n", s2, issued.c_str());
    std::exit(3);
  }
  const auto rec = bj::parse(issued).as_object();
  return {std::string(rec.at("id").as_string()), 0, std::string(rec.at("head").as_string()), 0};
}

// The TRANSFER payload exactly as the server's prepare endpoint would make it.
std::string TransferPayload(const Bill& bill, const Party& from, const Party& to) {
  using namespace digitrade::trade::etr;
  ActionPayload p;
  p.record_id = bill.id;
  p.sequence = bill.sequence + 1;
  p.previous_hash = bill.head;
  p.transaction = {{"actionCode", "TRANSFER"},
                   {"actor", LocalParty("DGTR", from.org, from.name)},
                   {"recipient", LocalParty("DGTR", to.org, to.name)},
                   {"actionDateTime", "2026-11-28T10:00:00.000Z"}};
  return SerializePayload(p).value();
}

// The payload of one bill's transfers in one direction, with the sequence
// and the previous hash left out: the RFC 8785 form orders members by name,
// not by value, so filling them in keeps it canonical.
class PayloadTemplate {
 public:
  PayloadTemplate(const Bill& bill, const Party& from, const Party& to) {
    Bill probe = bill;
    probe.sequence = kSequenceMark - 1;
    probe.head = std::string(kHashMark);
    const std::string text = TransferPayload(probe, from, to);
    const auto seq = text.find(std::to_string(kSequenceMark));
    const auto hash = text.find(kHashMark);
    if (seq == std::string::npos || hash == std::string::npos) {
      std::fprintf(stderr, "payload template: marks not found in %s\n", text.c_str());
      std::exit(3);
    }
    seq_first_ = seq < hash;
    const auto first = std::min(seq, hash);
    const auto first_len = seq_first_ ? std::to_string(kSequenceMark).size() : kHashMark.size();
    const auto second = std::max(seq, hash);
    const auto second_len = seq_first_ ? kHashMark.size() : std::to_string(kSequenceMark).size();
    parts_[0] = text.substr(0, first);
    parts_[1] = text.substr(first + first_len, second - first - first_len);
    parts_[2] = text.substr(second + second_len);
  }

  std::string Fill(std::int64_t sequence, std::string_view previous_hash) const {
    const std::string seq = std::to_string(sequence);
    std::string out = parts_[0];
    out += seq_first_ ? std::string_view(seq) : previous_hash;
    out += parts_[1];
    out += seq_first_ ? previous_hash : std::string_view(seq);
    out += parts_[2];
    return out;
  }

 private:
  static constexpr std::int64_t kSequenceMark = 987654321;
  static constexpr std::string_view kHashMark =
      "feedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedface";
  std::string parts_[3];
  bool seq_first_ = true;
};

}  // namespace

int main(int argc, char** argv) {
  unsigned short port = 0;
  std::string carrier_spec, a_spec, b_spec, doc_file;
  int clients = 64;
  double seconds = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const std::string v = argv[i + 1];
    if (k == "--port") port = static_cast<unsigned short>(std::atoi(v.c_str()));
    if (k == "--carrier") carrier_spec = v;
    if (k == "--a") a_spec = v;
    if (k == "--b") b_spec = v;
    if (k == "--document") doc_file = v;
    if (k == "--clients") clients = std::atoi(v.c_str());
    if (k == "--seconds") seconds = std::atof(v.c_str());
  }
  if (port == 0 || carrier_spec.empty() || a_spec.empty() || b_spec.empty() || doc_file.empty()) {
    std::fprintf(
        stderr, "usage: bench_etr --port P --carrier ORG:TOKEN:KEY --a ... --b ... --document F\n");
    return 2;
  }
  const Party carrier = ParseParty(carrier_spec, "Bench Carrier");
  const Party parties[2] = {ParseParty(a_spec, "Bench Holder A"),
                            ParseParty(b_spec, "Bench Holder B")};
  const bj::value doc = bj::parse(ReadFile(doc_file));

  std::vector<Bill> bills;
  {
    Connection conn(port);
    for (int i = 0; i < clients; ++i) bills.push_back(Issue(conn, carrier, parties[0], doc, i));
  }
  std::atomic<bool> stop{false};
  std::atomic<long> failures{0};
  std::vector<std::vector<double>> latencies(clients);
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      Connection conn(port);
      Bill& bill = bills[c];
      const std::string target = "/v1/etr/records/" + bill.id + "/actions";
      const PayloadTemplate payloads[2] = {{bill, parties[0], parties[1]},
                                           {bill, parties[1], parties[0]}};
      const std::string heads[2] = {RequestHead(target, parties[0].token),
                                    RequestHead(target, parties[1].token)};
      // The template must give exactly what the prepare code gives.
      if (payloads[0].Fill(bill.sequence + 1, bill.head) !=
          TransferPayload(bill, parties[0], parties[1])) {
        std::fprintf(stderr, "payload template differs from TransferPayload\n");
        std::exit(3);
      }
      while (!stop.load(std::memory_order_relaxed)) {
        const Party& from = parties[bill.holder];
        const auto t0 = Clock::now();
        const std::string jws =
            Sign(from, payloads[bill.holder].Fill(bill.sequence + 1, bill.head));
        const int status = conn.Send(TransferRequest(heads[bill.holder], jws));
        const auto t1 = Clock::now();
        if (status != 200) {
          if (failures++ < 5) {
            std::fprintf(stderr, "transfer: %d %s\n", status, conn.last_body().c_str());
          }
          continue;
        }
        latencies[c].push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        bill.sequence += 1;
        bill.head = digitrade::trade::etr::ActionHash(jws);
        bill.holder = 1 - bill.holder;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double q) {
    return all.empty() ? 0.0
                       : all[std::min(all.size() - 1, static_cast<std::size_t>(q * all.size()))];
  };
  std::printf(
      "%d clients, %.1f s: %zu transfers, %.0f transfers/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms, "
      "%ld failed\n",
      clients, elapsed, all.size(), all.size() / elapsed, pct(0.50), pct(0.99),
      all.empty() ? 0 : all.back(), failures.load());
  std::printf(
      "{\"bench\":\"etr_transfer\",\"clients\":%d,\"transfers_per_second\":%.0f,\"p50_ms\":%.2f,"
      "\"p99_ms\":%.2f,\"failed\":%ld}\n",
      clients, all.size() / elapsed, pct(0.50), pct(0.99), failures.load());
  return 0;
}
