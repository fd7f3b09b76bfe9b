// PINT envelope verification in process: envelopes/s for a transfer chain of
// N entries (every signature, checksum, link and transaction checked, as
// the receiver does before touching the database), per algorithm.
//
// usage: bench_pint [--entries N,N,...] [--seconds S]
// Reference: each entry costs one signature verification (plus one for the
// manifest and one for the issuance manifest), so `openssl speed ecdsap256
// rsa2048` bounds it; the ratio printed is ours/that bound.
#include <boost/json/array.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/json.h"
#include "trade/etr/pint/signer.h"
#include "trade/etr/pint/verify.h"

namespace {

using namespace digitrade;
using namespace digitrade::trade::etr::pint;
using digitrade::trade::etr::ActionCode;

class Keys final : public KeyResolver, public LocalParties {
 public:
  std::map<std::string, crypto::PublicKey> platforms;
  crypto::PublicKey carrier;
  Result<crypto::PublicKey> PlatformKey(std::string_view code) const override {
    auto it = platforms.find(std::string(code));
    if (it == platforms.end()) return NotFound("platform");
    return it->second;
  }
  Result<crypto::PublicKey> CarrierKey(std::string_view) const override { return carrier; }
  Result<std::optional<std::string>> FindParty(const IdentifyingCode&) const override {
    return std::optional<std::string>("us");
  }
};

Party MakeParty(const std::string& platform, const std::string& code) {
  return PartyFromJson(
             {{"partyName", code},
              {"eblPlatform", platform},
              {"identifyingCodes", boost::json::array{boost::json::object{
                                       {"codeListProvider", "ZZZ"}, {"partyCode", code}}}}})
      .value();
}

Transaction Tx(ActionCode a, const Party& from, const Party& to) {
  return {
      .action = a, .actor = from, .recipient = to, .action_date_time = "2026-01-01T00:00:00.000Z"};
}

// The DCSA PINT example transport document (receivers validate it against
// TransportDocument), placeholders filled; carrierCode HMM.
boost::json::object ExampleTransportDocument() {
  const char* dir = std::getenv("DIGITRADE_SOURCE_DIR");
  std::ifstream in(std::string(dir != nullptr ? dir : DIGITRADE_SOURCE_DIR_DEFAULT) +
                   "/src/trade/etr/pint/testdata/pint-3.0.0-transport-document.json");
  std::stringstream text;
  text << in.rdbuf();
  auto td = json::ParseObject(text.str()).value();
  td["transportDocumentReference"] = "BENCH0001";
  td["shippingInstructionsReference"] = "SI-BENCH0001";
  return td;
}

// A chain of n entries alternating between AAAA and BBBB, ending at CCCC.
std::string Envelope(int n, const crypto::PrivateKey& a, const crypto::PrivateKey& b,
                     crypto::SignatureAlgorithm alg_a, crypto::SignatureAlgorithm alg_b,
                     const crypto::PrivateKey& carrier) {
  boost::json::object td = ExampleTransportDocument();
  const std::string td_sum = CanonicalChecksum(td).value();
  const Party pa = MakeParty("AAAA", "PA"), pb = MakeParty("BBBB", "PB"),
              us = MakeParty("CCCC", "US");
  const Party carrier_party = MakeParty("AAAA", "CARRIER");
  std::vector<std::string> chain;
  for (int i = 0; i < n; ++i) {
    const bool on_a = i % 2 == 0;
    const Party& holder = on_a ? pa : pb;
    const Party& next = i == n - 1 ? us : (on_a ? pb : pa);
    ChainEntry e{.ebl_platform = on_a ? "AAAA" : "BBBB", .transport_document_checksum = td_sum};
    if (i == 0) {
      boost::json::object m{
          {"documentChecksum", td_sum},
          {"issueToChecksum", CanonicalChecksum(IssueToFromRecipient(pa)).value()}};
      e.issuance_manifest_signed_content =
          SignJson(carrier, crypto::SignatureAlgorithm::kEcdsaP256Sha256, m).value();
      e.transactions.push_back(Tx(ActionCode::kIssue, carrier_party, pa));
    } else {
      e.previous_checksum = SignedContentChecksum(chain.back());
    }
    e.transactions.push_back(Tx(ActionCode::kTransfer, holder, next));
    chain.push_back(SignJson(on_a ? a : b, on_a ? alg_a : alg_b, ToJson(e)).value());
  }
  const bool last_a = (n - 1) % 2 == 0;
  EnvelopeManifest m{.transport_document_checksum = td_sum,
                     .last_entry_checksum = SignedContentChecksum(chain.back())};
  boost::json::array entries;
  for (const auto& c : chain) entries.emplace_back(c);
  return json::Serialize(
      boost::json::object{{"transportDocument", td},
                          {"envelopeManifestSignedContent",
                           SignJson(last_a ? a : b, last_a ? alg_a : alg_b, ToJson(m)).value()},
                          {"envelopeTransferChain", std::move(entries)}});
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes = {1, 10, 100};
  double seconds = 2;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--entries=", 10) == 0 ||
        (std::strcmp(argv[i], "--entries") == 0 && i + 1 < argc)) {
      std::string list = argv[i][9] == '=' ? argv[i] + 10 : argv[++i];
      sizes.clear();
      for (std::size_t p = 0; p < list.size();) {
        const auto comma = list.find(',', p);
        sizes.push_back(std::atoi(list.substr(p, comma - p).c_str()));
        p = comma == std::string::npos ? list.size() : comma + 1;
      }
    } else if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    }
  }
  const auto carrier = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256).value();
  const auto schemas = trade::etr::SchemaSet::Dcsa(trade::etr::kDcsaPint).value();
  struct Setup {
    const char* name;
    crypto::KeyType type;
    crypto::SignatureAlgorithm alg;
  };
  const Setup setups[] = {
      {"ES256", crypto::KeyType::kEcP256, crypto::SignatureAlgorithm::kEcdsaP256Sha256},
      {"PS256", crypto::KeyType::kRsa, crypto::SignatureAlgorithm::kRsaPssSha256}};
  std::printf("%-6s %8s %14s %14s %16s\n", "alg", "entries", "envelopes/s", "ms/envelope",
              "signatures/s");
  for (const auto& s : setups) {
    const auto a = crypto::PrivateKey::Generate(s.type, 2048).value();
    const auto b = crypto::PrivateKey::Generate(s.type, 2048).value();
    Keys keys;
    keys.platforms.emplace("AAAA", a.public_key());
    keys.platforms.emplace("BBBB", b.public_key());
    keys.carrier = carrier.public_key();
    const ReceiverContext us{
        .platform_code = "CCCC", .keys = &keys, .parties = &keys, .schemas = &schemas};
    for (int n : sizes) {
      const std::string body = Envelope(n, a, b, s.alg, s.alg, carrier);
      if (auto v = VerifyEnvelope(body, us); !v) {
        std::fprintf(stderr, "bench envelope does not verify: %s\n", v.error().reason.c_str());
        return 1;
      }
      const auto start = std::chrono::steady_clock::now();
      long count = 0;
      double elapsed = 0;
      while (elapsed < seconds) {
        (void)VerifyEnvelope(body, us);
        ++count;
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      }
      const double per_s = count / elapsed;
      std::printf("%-6s %8d %14.1f %14.3f %16.0f\n", s.name, n, per_s, 1000.0 / per_s,
                  per_s * (n + 2));
    }
  }
  return 0;
}
