// DCSA PINT between two real `digitrade serve` processes, each with its own
// SQLite database and platform key, each registered as the other's peer:
// an eBL issued on A moves to B and back to A with additional documents
// (the send A -> B through the CLI), then the adversarial cases run against
// the live node B: each gets its precise signed response code and changes
// nothing there.
//
// The tests share the two servers and run in the order written.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "common/json.h"
#include "crypto/base64.h"
#include "crypto/jws.h"
#include "http/client.h"
#include "http/server.h"
#include "http/test_support.h"
#include "trade/etr/pint/sender.h"
#include "trade/etr/pint/signer.h"

extern char** environ;

namespace digitrade::trade::etr::pint {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void WriteAll(const fs::path& p, const std::string& s) {
  std::ofstream(p, std::ios::binary) << s;
}

// The DCSA metadata of an additional document (DocumentMetadata).
DocumentMetadata DocumentMeta(const std::string& name, const std::string& content,
                              const std::string& media_type) {
  DocumentMetadata d{.name = name,
                     .size = static_cast<std::int64_t>(content.size()),
                     .media_type = media_type,
                     .document_checksum = Sha256Hex(content)};
  d.json = {{"name", d.name},
            {"size", d.size},
            {"mediaType", d.media_type},
            {"documentChecksum", d.document_checksum}};
  return d;
}

pid_t Spawn(const std::vector<std::string>& args, const fs::path& out) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, (out.string() + ".err").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -1;
}

int Wait(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct HttpResult {
  int status = 0;
  std::string body;
};

struct NodeProcess {
  std::string code;
  crypto::PrivateKey key;
  fs::path dir;
  pid_t pid = -1;
  std::string url;
  std::string admin;
  std::string peer_token;  // the token the other node presents here

  HttpResult Call(const std::string& method, const std::string& path, const std::string& body,
                  const std::string& token) const {
    auto client = http::HttpClient::Create(url).value();
    auto r = client->Send(
        {.method = method,
         .path = path,
         .body = body,
         .headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}}});
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? HttpResult{r->status, r->body} : HttpResult{};
  }
  boost::json::object Ebl(const std::string& id) const {
    auto r = Call("GET", "v1/pint/ebls/" + id, "", admin);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::ParseObject(r.body).value_or(boost::json::object{});
  }
};

Party MakeParty(const std::string& name, const std::string& platform, const std::string& code) {
  return PartyFromJson(
             {{"partyName", name},
              {"eblPlatform", platform},
              {"identifyingCodes", boost::json::array{boost::json::object{
                                       {"codeListProvider", "ZZZ"}, {"partyCode", code}}}}})
      .value();
}

struct World {
  fs::path dir;
  NodeProcess a{"DGTA", crypto::PrivateKey::Generate(crypto::KeyType::kRsa, 2048).value()};
  NodeProcess b{"DGTB", crypto::PrivateKey::Generate(crypto::KeyType::kEcP256).value()};
  crypto::PrivateKey carrier = crypto::PrivateKey::Generate(crypto::KeyType::kEcP384).value();
  crypto::PrivateKey stranger = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256).value();
  Party carrier_party = MakeParty("Hyundai", "DGTA", "CARRIER");
  Party shipper = MakeParty("DCSA CTK SHIPPER", "DGTA", "SHIPPER");
  Party holder2 = MakeParty("Second Holder", "DGTA", "HOLDER2");
  Party consignee = MakeParty("DCSA CTK Consignee", "DGTB", "CONSIGNEE");
  boost::json::object td;
  std::string td_checksum;
  std::vector<std::pair<std::string, std::string>> documents = {
      {"invoice.pdf", "%PDF-1.7 commercial invoice"}, {"packing.txt", "packing list: 400 cartons"}};
};

World* world = nullptr;

class PintTwoNodes : public ::testing::Test {
 protected:
  void SetUp() override {
    if (world == nullptr) GTEST_SKIP() << "no servers";
  }
  static void SetUpTestSuite() {
    if (Postgres() && std::getenv("DIGITRADE_TEST_POSTGRES") == nullptr) {
      GTEST_SKIP()
          << "PINT_TWO_NODES_DB=postgres needs DIGITRADE_TEST_POSTGRES (scripts/with-postgres.sh)";
    }
    world = new World();
    World& w = *world;
    w.dir = fs::temp_directory_path() / ("dt_pint_two_nodes_" + std::to_string(::getpid()));
    fs::remove_all(w.dir);
    fs::create_directories(w.dir);
    std::string td_text = ReadAll(fs::path(DIGITRADE_SOURCE_DIR) /
                                  "src/trade/etr/pint/testdata/pint-3.0.0-transport-document.json");
    for (auto [from, to] : {std::pair{"TRANSPORT_DOCUMENT_REFERENCE_PLACEHOLDER", "DGTIT0001"},
                            std::pair{"SHIPPING_INSTRUCTION_REFERENCE_PLACEHOLDER", "SI-DGTIT0001"},
                            std::pair{"BOOKING_REFERENCE_PLACEHOLDER", "BK-DGTIT0001"}}) {
      td_text.replace(td_text.find(from), std::string(from).size(), to);
    }
    w.td = json::ParseObject(td_text).value();
    w.td_checksum = CanonicalChecksum(w.td).value();
    for (NodeProcess* n : {&w.a, &w.b}) Start(*n);
  }
  static void TearDownTestSuite() {
    if (world == nullptr) return;
    for (NodeProcess* n : {&world->a, &world->b}) {
      if (n->pid > 0) {
        ::kill(n->pid, SIGTERM);
        // A clean exit: under the sanitizer build, no report from the server.
        EXPECT_EQ(Wait(n->pid), 0) << n->code << ": " << ReadAll(n->dir / "stdout.err");
      }
    }
    if (Postgres()) {
      for (NodeProcess* n : {&world->a, &world->b}) {
        std::string name = "pint_two_nodes_" + n->code + "_" + std::to_string(::getpid());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        Psql(std::getenv("DIGITRADE_TEST_POSTGRES"), "DROP DATABASE IF EXISTS " + name);
      }
    }
    fs::remove_all(world->dir);
    delete world;
    world = nullptr;
  }

  // SQLite by default; with PINT_TWO_NODES_DB=postgres, a fresh database per
  // node on the server DIGITRADE_TEST_POSTGRES names (scripts/with-postgres.sh).
  static bool Postgres() {
    const char* mode = std::getenv("PINT_TWO_NODES_DB");
    return mode != nullptr && std::string(mode) == "postgres";
  }
  static std::string DatabaseUrl(const NodeProcess& n) {
    if (!Postgres()) return "sqlite:" + (n.dir / "node.db").string();
    const std::string base = std::getenv("DIGITRADE_TEST_POSTGRES");
    std::string name = "pint_two_nodes_" + n.code + "_" + std::to_string(::getpid());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Psql(base, "CREATE DATABASE " + name);
    const auto scheme = base.find("://");
    const auto slash = base.find('/', scheme + 3);
    const auto query = base.find('?', slash);
    return base.substr(0, slash + 1) + name +
           (query == std::string::npos ? "" : base.substr(query));
  }
  static void Psql(const std::string& url, const std::string& sql) {
    pid_t pid = Spawn({"/usr/bin/psql", url, "-qc", sql}, world->dir / "psql.out");
    EXPECT_EQ(Wait(pid), 0) << sql << ": " << ReadAll(world->dir / "psql.out.err");
  }

  static void Start(NodeProcess& n) {
    n.dir = world->dir / n.code;
    fs::create_directories(n.dir);
    WriteAll(n.dir / "pint.key", n.key.ToPem());
    ::setenv("DIGITRADE_PINT_PLATFORM", n.code.c_str(), 1);
    ::setenv("DIGITRADE_PINT_KEY", (n.dir / "pint.key").c_str(), 1);
    ::unsetenv("DIGITRADE_PINT_ALG");
    n.pid = Spawn({DIGITRADE_BIN, "--db", DatabaseUrl(n), "serve", "--listen", "127.0.0.1:0",
                   "--port-file", (n.dir / "port").string(), "--admin-token-file",
                   (n.dir / "admin").string(), "--log-key", (n.dir / "log.key").string()},
                  n.dir / "stdout");
    ASSERT_GT(n.pid, 0);
    for (int i = 0; i < 300 && !fs::exists(n.dir / "port"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(fs::exists(n.dir / "port")) << ReadAll(n.dir / "stdout.err");
    std::string port = ReadAll(n.dir / "port");
    n.url = "http://127.0.0.1:" + port.substr(0, port.find('\n'));
    n.admin = ReadAll(n.dir / "admin");
    n.admin = n.admin.substr(0, n.admin.find('\n'));
  }

  static void ExpectSigned(const HttpResult& r, int status, std::string_view code,
                           const NodeProcess& by) {
    EXPECT_EQ(r.status, status) << r.body;
    auto body = json::Parse(r.body);
    ASSERT_TRUE(body && body->is_string()) << r.body;
    auto v = crypto::VerifyJws(body->get_string(), by.key.public_key());
    ASSERT_TRUE(v) << v.error().ToString();
    auto payload = json::ParseObject(std::string(v->payload.begin(), v->payload.end())).value();
    EXPECT_EQ(payload.at("responseCode").get_string(), code) << json::Serialize(payload);
    if (payload.contains("reason"))
      std::printf("  %s: %s\n", std::string(code).c_str(),
                  payload.at("reason").get_string().c_str());
  }

  // A's current chain of the eBL, for crafting envelopes as A would.
  static HeldEbl HeldAtA() {
    auto e = world->a.Ebl(world->td_checksum);
    HeldEbl h{.transport_document_checksum = world->td_checksum, .transport_document = world->td};
    for (const auto& c : e.at("envelopeTransferChain").get_array())
      h.chain.emplace_back(c.get_string());
    return h;
  }

  static std::string Sign(const crypto::PrivateKey& key, const ChainEntry& e) {
    return SignJson(key, crypto::DefaultAlgorithm(key.type()), ToJson(e)).value();
  }

  // An envelope over `chain` with a manifest signed by A.
  static std::string EnvelopeOver(const boost::json::object& td,
                                  const std::vector<std::string>& chain,
                                  const std::vector<DocumentMetadata>& docs = {}) {
    EnvelopeManifest m{.transport_document_checksum = CanonicalChecksum(td).value(),
                       .last_entry_checksum = SignedContentChecksum(chain.back()),
                       .supporting_documents = docs};
    boost::json::array entries;
    for (const auto& c : chain) entries.emplace_back(c);
    return json::Serialize(boost::json::object{
        {"transportDocument", td},
        {"envelopeManifestSignedContent",
         SignJson(world->a.key, crypto::SignatureAlgorithm::kRsaPssSha256, ToJson(m)).value()},
        {"envelopeTransferChain", std::move(entries)}});
  }

  // B's view of the eBL, to check that a rejection changed nothing.
  static std::string StateAtB() {
    auto r = world->b.Call("GET", "v1/pint/ebls/" + world->td_checksum, "", world->b.admin);
    return std::to_string(r.status) + r.body;
  }

  static Transaction Tx(ActionCode action, const Party& actor, const Party& recipient) {
    return {.action = action,
            .actor = actor,
            .recipient = recipient,
            .action_date_time = "2026-11-28T10:00:00.000Z"};
  }
};

TEST_F(PintTwoNodes, PeersCarriersAndParties) {
  World& w = *world;
  // Each registers the other; the answer carries the token the other presents.
  for (auto [here, there] : {std::pair{&w.a, &w.b}, std::pair{&w.b, &w.a}}) {
    boost::json::object peer{{"code", there->code},
                             {"base_url", there->url},
                             {"public_key_pem", there->key.public_key().ToPem()}};
    auto r = here->Call("POST", "v1/pint/peers", json::Serialize(peer), here->admin);
    ASSERT_EQ(r.status, 201) << r.body;
    there->peer_token =
        std::string(json::ParseObject(r.body).value().at("inbound_token").get_string());
  }
  for (auto [here, there] : {std::pair{&w.a, &w.b}, std::pair{&w.b, &w.a}}) {
    boost::json::object peer{{"code", there->code},
                             {"base_url", there->url},
                             {"public_key_pem", there->key.public_key().ToPem()},
                             {"outbound_token", here->peer_token}};
    ASSERT_EQ(here->Call("POST", "v1/pint/peers", json::Serialize(peer), here->admin).status, 201);
    auto carrier = here->Call(
        "PUT", "v1/pint/carriers/HMM",
        json::Serialize(boost::json::object{{"public_key_pem", w.carrier.public_key().ToPem()}}),
        here->admin);
    ASSERT_EQ(carrier.status, 200) << carrier.body;
  }
  for (auto [node, party] :
       {std::pair{&w.a, &w.shipper}, std::pair{&w.a, &w.holder2}, std::pair{&w.b, &w.consignee}}) {
    boost::json::object p{{"codeListProvider", "ZZZ"},
                          {"partyCode", party->identifying_codes[0].party_code},
                          {"partyName", party->party_name}};
    ASSERT_EQ(node->Call("POST", "v1/pint/parties", json::Serialize(p), node->admin).status, 201);
  }
  // Receiver validation, peer to peer.
  auto rv = w.b.Call("POST", "v3/receiver-validation",
                     R"({"codeListProvider":"ZZZ","partyCode":"CONSIGNEE"})", w.a.peer_token);
  EXPECT_EQ(rv.status, 200) << rv.body;
  EXPECT_NE(rv.body.find("DCSA CTK Consignee"), std::string::npos);
}

TEST_F(PintTwoNodes, IssueOnAThenSendToBWithTheCli) {
  World& w = *world;
  // The carrier signs the issuance manifest offline with the CLI.
  WriteAll(w.dir / "carrier.key", w.carrier.ToPem());
  WriteAll(w.dir / "td.json", json::Serialize(w.td));
  WriteAll(w.dir / "issue_to.json", json::Serialize(w.shipper.json));
  pid_t pid = Spawn({DIGITRADE_BIN, "pint", "sign-issuance", "--key",
                     (w.dir / "carrier.key").string(), "--document", (w.dir / "td.json").string(),
                     "--issue-to", (w.dir / "issue_to.json").string()},
                    w.dir / "issuance.jws");
  ASSERT_EQ(Wait(pid), 0) << ReadAll(w.dir / "issuance.jws.err");
  std::string issuance = ReadAll(w.dir / "issuance.jws");
  issuance = issuance.substr(0, issuance.find('\n'));

  boost::json::array docs;
  for (const auto& [name, content] : w.documents) {
    docs.push_back({{"name", name},
                    {"mediaType", "application/octet-stream"},
                    {"content_base64", crypto::Base64Encode(content)}});
  }
  boost::json::object issue{{"transportDocument", w.td},
                            {"issuanceManifestSignedContent", issuance},
                            {"carrier", w.carrier_party.json},
                            {"issueTo", w.shipper.json},
                            {"documents", docs}};
  auto r = w.a.Call("POST", "v1/pint/ebls", json::Serialize(issue), w.a.admin);
  ASSERT_EQ(r.status, 201) << r.body;

  WriteAll(w.dir / "consignee.json", json::Serialize(w.consignee.json));
  pid = Spawn({DIGITRADE_BIN, "--json", "pint", "send", "--server", w.a.url, "--token", w.a.admin,
               "--document", "DGTIT0001", "--peer", "DGTB", "--recipient",
               (w.dir / "consignee.json").string()},
              w.dir / "send.out");
  ASSERT_EQ(Wait(pid), 0) << ReadAll(w.dir / "send.out") << ReadAll(w.dir / "send.out.err");
  auto out = json::ParseObject(ReadAll(w.dir / "send.out")).value();
  EXPECT_EQ(out.at("responseCode").get_string(), "RECE");
  EXPECT_EQ(out.at("documentsUploaded").get_array().size(), 2u);
  // The signed answer verifies with B's key.
  EXPECT_TRUE(crypto::VerifyJws(out.at("signedResponse").get_string(), w.b.key.public_key()));

  auto at_b = w.b.Ebl(w.td_checksum);
  EXPECT_TRUE(at_b.at("held").get_bool());
  EXPECT_EQ(at_b.at("envelopeTransferChain").get_array().size(), 2u);
  EXPECT_EQ(at_b.at("documents").get_array().size(), 2u);
  EXPECT_FALSE(w.a.Ebl(w.td_checksum).at("held").get_bool());
}

TEST_F(PintTwoNodes, BackToAOverTheApi) {
  World& w = *world;
  boost::json::object send{
      {"document", w.td_checksum}, {"peer", "DGTA"}, {"recipient", w.holder2.json}};
  auto r = w.b.Call("POST", "v1/pint/transfers", json::Serialize(send), w.b.admin);
  ASSERT_EQ(r.status, 200) << r.body;
  auto out = json::ParseObject(r.body).value();
  EXPECT_EQ(out.at("responseCode").get_string(), "RECE") << r.body;
  EXPECT_TRUE(out.at("documentsUploaded").get_array().empty());  // A kept them
  auto at_a = w.a.Ebl(w.td_checksum);
  EXPECT_TRUE(at_a.at("held").get_bool());
  EXPECT_EQ(at_a.at("envelopeTransferChain").get_array().size(), 3u);
  EXPECT_EQ(at_a.at("documents").get_array().size(), 2u);
  EXPECT_FALSE(w.b.Ebl(w.td_checksum).at("held").get_bool());
}

// From here on, envelopes are crafted as A would send them, against B.

TEST_F(PintTwoNodes, DeletedReorderedResignedAndForeignEntries) {
  World& w = *world;
  HeldEbl held = HeldAtA();
  ASSERT_EQ(held.chain.size(), 3u);
  ChainEntry next{.ebl_platform = "DGTA",
                  .transport_document_checksum = w.td_checksum,
                  .previous_checksum = SignedContentChecksum(held.chain[2]),
                  .transactions = {Tx(ActionCode::kTransfer, w.holder2, w.consignee)}};
  const std::string e3 = Sign(w.a.key, next);
  const std::string before = StateAtB();

  auto deleted = w.b.Call("POST", "v3/envelopes",
                          EnvelopeOver(w.td, {held.chain[0], held.chain[2], e3}), w.a.peer_token);
  ExpectSigned(deleted, 422, "BENV", w.b);
  auto reordered = w.b.Call("POST", "v3/envelopes",
                            EnvelopeOver(w.td, {held.chain[1], held.chain[0], held.chain[2], e3}),
                            w.a.peer_token);
  ExpectSigned(reordered, 422, "BENV", w.b);

  // Entry 2 (B's own) re-signed, validly, by a key that is not B's.
  auto bytes = crypto::Base64UrlDecode(crypto::ParseJws(held.chain[2]).value().payload).value();
  const auto schemas = trade::etr::SchemaSet::Dcsa(trade::etr::kDcsaPint).value();
  auto entry2 = ParseChainEntry(std::string(bytes.begin(), bytes.end()), schemas).value();
  auto resigned =
      w.b.Call("POST", "v3/envelopes",
               EnvelopeOver(w.td, {held.chain[0], held.chain[1], Sign(w.stranger, entry2), e3}),
               w.a.peer_token);
  ExpectSigned(resigned, 422, "BSIG", w.b);

  // An entry of another document, validly signed by A.
  auto other_td = w.td;
  other_td["transportDocumentReference"] = "DGTIT0002";
  ChainEntry foreign = next;
  foreign.transport_document_checksum = CanonicalChecksum(other_td).value();
  auto spliced = w.b.Call(
      "POST", "v3/envelopes",
      EnvelopeOver(w.td, {held.chain[0], held.chain[1], held.chain[2], Sign(w.a.key, foreign)}),
      w.a.peer_token);
  ExpectSigned(spliced, 422, "BENV", w.b);

  // Wrong addressing: a party B does not have.
  ChainEntry nobody = next;
  nobody.transactions = {
      Tx(ActionCode::kTransfer, w.holder2, MakeParty("Nobody", "DGTB", "NOBODY"))};
  auto misaddressed = w.b.Call(
      "POST", "v3/envelopes",
      EnvelopeOver(w.td, {held.chain[0], held.chain[1], held.chain[2], Sign(w.a.key, nobody)}),
      w.a.peer_token);
  ExpectSigned(misaddressed, 422, "BENV", w.b);
  // Sent by A but ending with B's entry: the caller is not the last entry's platform.
  auto spoofed =
      w.b.Call("POST", "v3/envelopes",
               EnvelopeOver(w.td, {held.chain[0], held.chain[1], held.chain[2]}), w.a.peer_token);
  ExpectSigned(spoofed, 422, "BENV", w.b);
  // The first transfer, replayed: DUPE.
  auto replay = w.b.Call("POST", "v3/envelopes", EnvelopeOver(w.td, {held.chain[0], held.chain[1]}),
                         w.a.peer_token);
  ExpectSigned(replay, 200, "DUPE", w.b);

  EXPECT_EQ(StateAtB(), before);
}

TEST_F(PintTwoNodes, CorruptedDocumentEarlyFinishThenReceAndReplay) {
  World& w = *world;
  HeldEbl held = HeldAtA();
  const std::string extra = "certificate of origin, new in this transfer";
  std::vector<DocumentMetadata> docs;
  for (const auto& [name, content] : w.documents) {
    docs.push_back(DocumentMeta(name, content, "application/octet-stream"));
  }
  const DocumentMetadata x = DocumentMeta("origin.txt", extra, "text/plain");
  docs.push_back(x);
  ChainEntry next{.ebl_platform = "DGTA",
                  .transport_document_checksum = w.td_checksum,
                  .previous_checksum = SignedContentChecksum(held.chain[2]),
                  .transactions = {Tx(ActionCode::kTransfer, w.holder2, w.consignee)}};
  const std::string envelope =
      EnvelopeOver(w.td, {held.chain[0], held.chain[1], held.chain[2], Sign(w.a.key, next)}, docs);
  const std::string before = StateAtB();

  auto started = w.b.Call("POST", "v3/envelopes", envelope, w.a.peer_token);
  ASSERT_EQ(started.status, 201) << started.body;
  auto s = json::ParseObject(started.body).value();
  const std::string ref(s.at("envelopeReference").get_string());
  ASSERT_EQ(s.at("missingAdditionalDocumentChecksums").get_array().size(),
            1u);  // B has the other two
  EXPECT_EQ(s.at("missingAdditionalDocumentChecksums").get_array()[0].get_string(),
            x.document_checksum);

  const std::string doc_path =
      "v3/envelopes/" + ref + "/additional-documents/" + x.document_checksum;
  auto corrupted = w.b.Call("PUT", doc_path,
                            json::Serialize(boost::json::string(crypto::Base64Encode(extra + "!"))),
                            w.a.peer_token);
  ExpectSigned(corrupted, 409, "INCD", w.b);
  auto early = w.b.Call("PUT", "v3/envelopes/" + ref + "/finish-transfer", "", w.a.peer_token);
  ExpectSigned(early, 409, "MDOC", w.b);
  EXPECT_EQ(StateAtB(), before);

  auto good =
      w.b.Call("PUT", doc_path, json::Serialize(boost::json::string(crypto::Base64Encode(extra))),
               w.a.peer_token);
  EXPECT_EQ(good.status, 204) << good.body;
  auto done = w.b.Call("PUT", "v3/envelopes/" + ref + "/finish-transfer", "", w.a.peer_token);
  ExpectSigned(done, 200, "RECE", w.b);
  auto at_b = w.b.Ebl(w.td_checksum);
  EXPECT_TRUE(at_b.at("held").get_bool());
  EXPECT_EQ(at_b.at("envelopeTransferChain").get_array().size(), 4u);

  // Replaying the finished transfer: DUPE, nothing changes.
  const std::string after = StateAtB();
  auto replay = w.b.Call("POST", "v3/envelopes", envelope, w.a.peer_token);
  ExpectSigned(replay, 200, "DUPE", w.b);
  EXPECT_EQ(StateAtB(), after);
}

TEST_F(PintTwoNodes, ForkOfTheChainBHoldsIsDise) {
  World& w = *world;
  HeldEbl held = HeldAtA();  // A's chain stops at entry 2; B holds entry 3
  ChainEntry fork{.ebl_platform = "DGTA",
                  .transport_document_checksum = w.td_checksum,
                  .previous_checksum = SignedContentChecksum(held.chain[2]),
                  .transactions = {Tx(ActionCode::kTransfer, w.holder2, w.consignee)}};
  fork.transactions[0].action_date_time = "2026-11-28T11:00:00.000Z";  // a different entry 3
  const std::string before = StateAtB();
  auto r = w.b.Call(
      "POST", "v3/envelopes",
      EnvelopeOver(w.td, {held.chain[0], held.chain[1], held.chain[2], Sign(w.a.key, fork)}),
      w.a.peer_token);
  ExpectSigned(r, 409, "DISE", w.b);
  EXPECT_EQ(StateAtB(), before);
}

TEST_F(PintTwoNodes, TransactionsAfterAcceptedSurrenderAreBenv) {
  World& w = *world;
  auto td = w.td;
  td["transportDocumentReference"] = "DGTIT0003";
  const std::string checksum = CanonicalChecksum(td).value();
  boost::json::object issuance{
      {"documentChecksum", checksum},
      {"issueToChecksum", CanonicalChecksum(IssueToFromRecipient(w.shipper)).value()}};
  ChainEntry e{
      .ebl_platform = "DGTA",
      .transport_document_checksum = checksum,
      .issuance_manifest_signed_content =
          SignJson(w.carrier, crypto::SignatureAlgorithm::kEcdsaP384Sha384, issuance).value(),
      .transactions = {Tx(ActionCode::kIssue, w.carrier_party, w.shipper),
                       Tx(ActionCode::kSurrenderForDelivery, w.shipper, w.carrier_party),
                       Tx(ActionCode::kSurrenderAccepted, w.carrier_party, w.shipper),
                       Tx(ActionCode::kTransfer, w.shipper, w.consignee)}};
  auto r = w.b.Call("POST", "v3/envelopes", EnvelopeOver(td, {Sign(w.a.key, e)}), w.a.peer_token);
  ExpectSigned(r, 422, "BENV", w.b);
  EXPECT_EQ(w.b.Call("GET", "v1/pint/ebls/" + checksum, "", w.b.admin).status, 404);
  // Without the forbidden transfer after SACC, the same chain is well formed
  // but not addressed to B: still BENV, for addressing.
  e.transactions.pop_back();
  auto unaddressed =
      w.b.Call("POST", "v3/envelopes", EnvelopeOver(td, {Sign(w.a.key, e)}), w.a.peer_token);
  ExpectSigned(unaddressed, 422, "BENV", w.b);
}

TEST_F(PintTwoNodes, TheSpecificationsRandomExampleIsRefused) {
  World& w = *world;
  const std::string sig =
      "c4SJ9-61fE6RmeIuZ3EI-TSM0M6qXuOudtr3YhpDjqVMaYk_RYpaWYvw75ssTbjgGFKTBKCy5lpmOfb8Fq--"
      "Qu2k0MWbH6qdX5jTYwl0DX946RQg";
  const std::string header =
      "eyJhbGciOiJSUzI1NiIsImtpZCI6IlVhRVdLNmt2ZkRITzNZT2NwUGl2M1RCT2JQTzk2SFZhR2U0czFhUUxBZU0ifQ";
  const std::string manifest =
      header +
      ".eyJ0cmFuc3BvcnREb2N1bWVudENoZWNrc3VtIjogIjU4M2MyOWFiM2U0N2YyZDgwODk5OTkzMjAwZDNmYmFkYjlmOGE"
      "zNjdmM2EzOWY3MTU5MzVjNDZkN2EyODMwMDYiLCJsYXN0RW52ZWxvcGVUcmFuc2ZlckNoYWluRW50cnlTaWduZWRDb25"
      "0ZW50Q2hlY2tzdW0iOiAiMjBhMDI1N2IzMTNhZTA4NDE3ZTA3ZjY1NTVjNGVjODI5YTUxMmMwODNmM2VhZDE2YjQxMTU"
      "4MDE4YTIyYWJlOSJ9." +
      sig;
  boost::json::object env{
      {"transportDocument", w.td},
      {"envelopeManifestSignedContent", manifest},
      {"envelopeTransferChain", boost::json::array{boost::json::string(manifest)}}};
  auto r = w.b.Call("POST", "v3/envelopes", json::Serialize(env), w.a.peer_token);
  EXPECT_EQ(r.status, 422) << r.body;
  auto body = json::Parse(r.body);
  ASSERT_TRUE(body && body->is_string());
  EXPECT_TRUE(crypto::VerifyJws(body->get_string(), w.b.key.public_key()));
}

TEST_F(PintTwoNodes, EveryDecisionIsInTheEvidenceLog) {
  World& w = *world;
  auto client = http::HttpClient::Create(w.b.url).value();
  auto summary = client->Get("log/evidence");
  ASSERT_TRUE(summary && summary->status == 200);
  const auto size = json::ParseObject(summary->body).value().at("size").to_number<std::uint64_t>();
  std::map<std::string, int> kinds;
  for (std::uint64_t i = 0; i < size; ++i) {
    auto entry = client->Get("log/evidence/entry/" + std::to_string(i));
    ASSERT_TRUE(entry && entry->status == 200);
    ++kinds[std::string(json::ParseObject(entry->body).value().at("kind").get_string())];
  }
  // B accepted two transfers, sent one, and refused ten envelopes (six in
  // DeletedReordered..., DISE, two after SACC, the random example).
  EXPECT_EQ(kinds["etr.pint.accepted"], 2);
  EXPECT_EQ(kinds["etr.pint.sent"], 1);
  EXPECT_EQ(kinds["etr.pint.rejected"], 10);
}

// ---- the same, driven through /v1/etr: holders sign their own actions ----

// An LEI (ISO 17442) with valid check digits (ISO 7064 MOD 97-10).
std::string Lei(int n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "549300%012d", n);
  const std::string base = buf;
  int mod = 0;
  for (char c : base + "00") mod = (mod * 10 + (c - '0')) % 97;
  std::snprintf(buf, sizeof buf, "%02d", 98 - mod);
  return base + buf;
}

struct EtrOrg {
  std::string id;
  std::string token;
  crypto::PrivateKey key;
  std::string name;
};

EtrOrg MakeEtrOrg(const NodeProcess& n, const std::string& name, int lei, const std::string& role,
                  bool carrier, crypto::PrivateKey key) {
  EtrOrg o{.key = std::move(key), .name = name};
  auto org = n.Call("POST", "v1/organisations",
                    json::Serialize(boost::json::object{{"name", name},
                                                        {"identifier_scheme", "lei"},
                                                        {"identifier", Lei(lei)},
                                                        {"country", "CN"}}),
                    n.admin);
  EXPECT_EQ(org.status, 201) << org.body;
  o.id = std::string(json::ParseObject(org.body).value().at("id").get_string());
  auto user = n.Call("POST", "v1/users",
                     json::Serialize(boost::json::object{{"name", name + " user"},
                                                         {"organisation_id", o.id},
                                                         {"roles", boost::json::array{role}}}),
                     n.admin);
  EXPECT_EQ(user.status, 201) << user.body;
  const std::string user_id(json::ParseObject(user.body).value().at("id").get_string());
  auto token = n.Call("POST", "v1/tokens",
                      json::Serialize(boost::json::object{{"user_id", user_id}}), n.admin);
  EXPECT_EQ(token.status, 201) << token.body;
  o.token = std::string(json::ParseObject(token.body).value().at("token").get_string());
  EXPECT_EQ(
      n.Call("POST", "v1/etr/parties",
             json::Serialize(boost::json::object{{"organisation_id", o.id}, {"carrier", carrier}}),
             n.admin)
              .status /
          100,
      2);
  auto k = n.Call("POST", "v1/etr/parties/" + o.id + "/keys",
                  json::Serialize(boost::json::object{{"public_jwk", o.key.public_key().ToJwk()}}),
                  n.admin);
  EXPECT_EQ(k.status / 100, 2) << k.body;
  return o;
}

std::string SignAs(const EtrOrg& o, std::string_view payload) {
  crypto::JwsSigner signer{&o.key,
                           crypto::DefaultAlgorithm(o.key.type()),
                           {{"kid", o.key.public_key().Thumbprint()}},
                           {}};
  return crypto::SignJwsCompact(
             {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()}, signer)
      .value();
}

// Prepares `body` on record `id` as `o`, signs it, posts it: the response.
HttpResult ActAs(const NodeProcess& n, const EtrOrg& o, const std::string& id,
                 const boost::json::object& body) {
  auto prepared =
      n.Call("POST", "v1/etr/records/" + id + "/prepare", json::Serialize(body), o.token);
  if (prepared.status != 200) return prepared;
  const auto payload = json::ParseObject(prepared.body).value().at("payload").get_string();
  return n.Call("POST", "v1/etr/records/" + id + "/actions",
                json::Serialize(boost::json::object{{"signed_action", SignAs(o, payload)}}),
                o.token);
}

boost::json::object DcsaParty(const std::string& platform, const EtrOrg& o) {
  return {
      {"partyName", o.name},
      {"eblPlatform", platform},
      {"identifyingCodes", boost::json::array{boost::json::object{{"codeListProvider", platform},
                                                                  {"codeListName", "organisation"},
                                                                  {"partyCode", o.id}}}}};
}

TEST_F(PintTwoNodes, EtrRecordsMoveAToBAndBackThroughV1Etr) {
  World& w = *world;
  // The carrier signs with the key both platforms know for carrierCode HMM.
  const EtrOrg carrier = MakeEtrOrg(w.a, "Hyundai Merchant Marine", 1, "carrier", true, w.carrier);
  const EtrOrg shipper =
      MakeEtrOrg(w.a, "Tianjin Export Trading", 2, "trader", false,
                 crypto::PrivateKey::Generate(crypto::KeyType::kEd25519).value());
  const EtrOrg consignee =
      MakeEtrOrg(w.b, "Rotterdam Import", 3, "trader", false,
                 crypto::PrivateKey::Generate(crypto::KeyType::kEcP256).value());
  auto td = w.td;
  td["transportDocumentReference"] = "DGTIT0100";

  // Issue on A with /v1/etr; attach the documents that travel with it.
  boost::json::object issue{{"type", "ebl"}, {"document", td}, {"issue_to", shipper.id}};
  auto draft = w.a.Call("POST", "v1/etr/issuance/prepare", json::Serialize(issue), carrier.token);
  ASSERT_EQ(draft.status, 200) << draft.body;
  auto d = json::ParseObject(draft.body).value();
  issue["issuance_manifest_signed_content"] =
      SignAs(carrier, d.at("manifest_payload").get_string());
  issue["issue_action_signed_content"] = SignAs(carrier, d.at("action_payload").get_string());
  auto issued = w.a.Call("POST", "v1/etr/records", json::Serialize(issue), carrier.token);
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string id(json::ParseObject(issued.body).value().at("id").get_string());
  boost::json::array docs;
  for (const auto& [name, content] : w.documents) {
    docs.push_back({{"name", name},
                    {"mediaType", "application/octet-stream"},
                    {"content_base64", crypto::Base64Encode(content + " (etr)")}});
  }
  auto attached = w.a.Call("POST", "v1/pint/ebls/" + id + "/documents",
                           json::Serialize(boost::json::object{{"documents", docs}}), w.a.admin);
  ASSERT_EQ(attached.status, 200) << attached.body;

  // The shipper signs a TRANSFER to the consignee on B: sent over PINT.
  auto sent =
      ActAs(w.a, shipper, id,
            {{"action_code", "TRANSFER"}, {"recipient_party", DcsaParty("DGTB", consignee)}});
  ASSERT_EQ(sent.status, 200) << sent.body;
  auto out = json::ParseObject(sent.body).value();
  EXPECT_EQ(out.at("pint").at("responseCode").get_string(), "RECE");
  EXPECT_EQ(out.at("pint").at("documentsUploaded").get_array().size(), 2u);
  EXPECT_EQ(out.at("location").at("status").get_string(), "held_elsewhere");
  EXPECT_TRUE(
      crypto::VerifyJws(out.at("pint").at("signedResponse").get_string(), w.b.key.public_key()));
  // Held elsewhere: the shipper can do nothing more here.
  auto refused = ActAs(w.a, shipper, id, {{"action_code", "SIGN"}});
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(refused.body.find("held on platform DGTB"), std::string::npos) << refused.body;

  // B's holder sees it among its records, with the documents.
  auto list = w.b.Call("GET", "v1/etr/records", "", consignee.token);
  ASSERT_EQ(list.status, 200) << list.body;
  auto items = json::ParseObject(list.body).value().at("items").get_array();
  ASSERT_EQ(items.size(), 1u) << list.body;
  const std::string at_b(items[0].at("id").get_string());
  EXPECT_EQ(items[0].at("holder").get_string(), consignee.id);
  EXPECT_TRUE(items[0].at("imported").get_bool());
  EXPECT_EQ(w.b.Ebl(at_b).at("documents").get_array().size(), 2u);

  // ... signs a SIGN and a TRANSFER back to the shipper on A.
  ASSERT_EQ(ActAs(w.b, consignee, at_b, {{"action_code", "SIGN"}}).status, 200);
  auto back = ActAs(w.b, consignee, at_b,
                    {{"action_code", "TRANSFER"}, {"recipient_party", DcsaParty("DGTA", shipper)}});
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(json::ParseObject(back.body).value().at("pint").at("responseCode").get_string(),
            "RECE");

  // A: the same record, held by the shipper again, its whole custody chain
  // (ISSUE, the transfer out, B's entry) with a proof of control.
  auto rec = w.a.Call("GET", "v1/etr/records/" + id, "", shipper.token);
  ASSERT_EQ(rec.status, 200) << rec.body;
  auto r = json::ParseObject(rec.body).value();
  EXPECT_EQ(r.at("holder").get_string(), shipper.id);
  EXPECT_EQ(r.at("location").at("status").get_string(), "here");
  auto history = w.a.Call("GET", "v1/etr/records/" + id + "/history", "", shipper.token);
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_EQ(json::ParseObject(history.body).value().at("items").get_array().size(), 3u)
      << history.body;
  EXPECT_EQ(w.a.Call("GET", "v1/etr/records/" + id + "/proof", "", shipper.token).status, 200);
  // Local actions continue on it.
  EXPECT_EQ(ActAs(w.a, shipper, id, {{"action_code", "SIGN"}}).status, 200);
  auto at_b_now = w.b.Call("GET", "v1/etr/records/" + at_b, "", consignee.token);
  EXPECT_NE(at_b_now.body.find("held_elsewhere"), std::string::npos) << at_b_now.body;
}

// ---- DCSA eBL Issuance API ----

// A compact RS256 JWS made by the openssl CLI (an implementation independent
// of ours): base64url header and payload, `openssl dgst -sha256 -sign`.
std::string OpensslRs256(const fs::path& key_pem, const boost::json::object& payload) {
  const std::string input = crypto::Base64UrlEncode(std::string(R"({"alg":"RS256"})")) + "." +
                            crypto::Base64UrlEncode(json::Serialize(payload));
  WriteAll(world->dir / "jws.input", input);
  pid_t pid = Spawn({"/usr/bin/openssl", "dgst", "-sha256", "-sign", key_pem.string(), "-out",
                     (world->dir / "jws.sig").string(), (world->dir / "jws.input").string()},
                    world->dir / "openssl.out");
  EXPECT_EQ(Wait(pid), 0) << ReadAll(world->dir / "openssl.out.err");
  return input + "." + crypto::Base64UrlEncode(ReadAll(world->dir / "jws.sig"));
}

// The carrier's system: takes our IssuanceResponses at
// /v3/ebl-issuance-responses (bearer token "callback-secret").
struct CarrierSystem {
  CarrierSystem() {
    stack.auth_.Add("callback-secret", {.user_id = "provider", .user_name = "provider"});
    stack.router_.Add(
        {.method = "POST", .pattern = "/v3/ebl-issuance-responses", .json_body = true},
                      [this](http::Request& req) -> Result<http::Response> {
                        std::lock_guard lock(mu);
                        responses.push_back(json::ParseObject(req.body).value());
                        return http::Response::NoContent();
                      });
    EXPECT_TRUE(server.Start());
  }
  ~CarrierSystem() { server.Stop(); }
  // The response for `reference`, waiting for it up to 10 s.
  std::optional<boost::json::object> ResponseFor(const std::string& reference) {
    for (int i = 0; i < 200; ++i) {
      {
        std::lock_guard lock(mu);
        for (const auto& r : responses)
          if (r.at("transportDocumentReference").get_string() == reference) return r;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return std::nullopt;
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server.port()); }

  http::testing::DispatchStack stack;
  http::Server server{{.address = "127.0.0.1", .port = 0, .threads = 2}, stack.dispatcher_,
                      stack.log_};
  std::mutex mu;
  std::vector<boost::json::object> responses;
};

// The shared DCSA example request with its placeholders filled (as
// tools/etr/fill_dcsa_examples.py does) and issueTo the holder on A.
boost::json::object ExampleIssuanceRequest(const std::string& reference, const EtrOrg& holder) {
  fs::path path =
      fs::path(DIGITRADE_SOURCE_DIR) / "../shared/testdata/dcsa/eblissuance-v3.0.0-request.json";
  if (!fs::exists(path))
    path = fs::path(DIGITRADE_SOURCE_DIR) / "src/trade/etr/testdata/issuance-request.json";
  std::string text = ReadAll(path);
  const std::pair<std::string, std::string> values[] = {
      {"TRANSPORT_DOCUMENT_REFERENCE_PLACEHOLDER", reference},
      {"SHIPPING_INSTRUCTION_REFERENCE_PLACEHOLDER", "SI-2026-000001"},
      {"BOOKING_REFERENCE_PLACEHOLDER", "BKG20260001"},
      {"SHIPPER_LEGAL_NAME_PLACEHOLDER", "Tianjin Export Trading Co., Ltd."},
      {"SHIPPER_CODE_LIST_PROVIDER", "W3C"},
      {"SHIPPER_PARTY_CODE_PLACEHOLDER", "91120116MA05JJ1K3X"},
      {"SHIPPER_CODE_LIST_NAME_PLACEHOLDER", "USCC"},
      {"CONSIGNEE_LEGAL_NAME_PLACEHOLDER", "Rotterdam Import B.V."},
      {"CONSIGNEE_CODE_LIST_PROVIDER", "GLEIF"},
      {"CONSIGNEE_PARTY_CODE_PLACEHOLDER", "724500AB12CD34EF5678"},
      {"CONSIGNEE_CODE_LIST_NAME_PLACEHOLDER", "LEI"},
      {"ISSUING_PARTY_LEGAL_NAME_PLACEHOLDER", "Bohai Ocean Lines"},
      {"ISSUING_PARTY_CODE_LIST_PROVIDER", "SMDG"},
      {"ISSUING_PARTY_PARTY_CODE_PLACEHOLDER", "BOHL"},
      {"ISSUING_PARTY_CODE_LIST_NAME_PLACEHOLDER", "LCL"},
      {"ISSUE_TO_LEGAL_NAME_PLACEHOLDER", holder.name},
      {"SEND_TO_PLATFORM_PLACEHOLDER", "DGTA"},
      {"ISSUE_TO_CODE_LIST_PROVIDER", "DGTA"},
      {"ISSUE_TO_PARTY_CODE_PLACEHOLDER", holder.id},
      {"ISSUE_TO_CODE_LIST_NAME_PLACEHOLDER", "organisation"}};
  for (const auto& [from, to] : values) {
    const std::string quoted = "\"" + from + "\"";
    for (auto at = text.find(quoted); at != std::string::npos; at = text.find(quoted))
      text.replace(at, quoted.size(), "\"" + to + "\"");
  }
  auto body = json::ParseObject(text).value();
  body["document"].as_object()["transportDocumentReference"] = reference;  // also in the fallback
  body["issueTo"] = {{"partyName", holder.name},
                     {"sendToPlatform", "DGTA"},
                     {"identifyingCodes",
                      boost::json::array{boost::json::object{{"codeListProvider", "DGTA"},
                                                             {"partyCode", holder.id},
                                                             {"codeListName", "organisation"}}}}};
  return body;
}

TEST_F(PintTwoNodes, DcsaIssuanceFromACarrierSystem) {
  World& w = *world;
  CarrierSystem carrier_system;
  auto carrier_key = crypto::PrivateKey::Generate(crypto::KeyType::kRsa, 2048).value();
  WriteAll(w.dir / "dcsa-carrier.pem", carrier_key.ToPem());
  const EtrOrg carrier = MakeEtrOrg(w.a, "Maersk Line", 21, "carrier", true,
                                    crypto::PrivateKey::Generate(crypto::KeyType::kEcP256).value());
  const EtrOrg holder = MakeEtrOrg(w.a, "Binhai Import", 22, "trader", false,
                                   crypto::PrivateKey::Generate(crypto::KeyType::kEd25519).value());
  auto registered = w.a.Call(
      "PUT", "v1/pint/carriers/MMCU",
      json::Serialize(boost::json::object{{"public_key_pem", carrier_key.public_key().ToPem()},
                                          {"organisation_id", carrier.id},
                                          {"callback_url", carrier_system.Url()},
                                          {"callback_token", "callback-secret"}}),
      w.a.admin);
  ASSERT_EQ(registered.status, 200) << registered.body;
  auto request = [&](boost::json::object body) {
    boost::json::object manifest{
        {"documentChecksum", CanonicalChecksum(body.at("document")).value()},
        {"issueToChecksum", CanonicalChecksum(body.at("issueTo")).value()}};
    body["issuanceManifestSignedContent"] = OpensslRs256(w.dir / "dcsa-carrier.pem", manifest);
    return body;
  };
  auto put = [&](const boost::json::object& body, const std::string& token) {
    return w.a.Call("PUT", "v3/ebl-issuance-requests", json::Serialize(body), token);
  };
  auto error_path = [](const HttpResult& r) {
    auto o = json::ParseObject(r.body);
    if (!o || !o->contains("errors")) return std::string("not an ErrorResponse: ") + r.body;
    const auto& e = o->at("errors").at(0).as_object();
    return e.contains("jsonPath") ? std::string(e.at("jsonPath").get_string()) : "";
  };

  // ISSU: 204 at once, the verdict at the carrier's callback, the record
  // with the holder.
  const auto good = request(ExampleIssuanceRequest("DCSAIT0001", holder));
  auto issued = put(good, carrier.token);
  ASSERT_EQ(issued.status, 204) << issued.body;
  auto response = carrier_system.ResponseFor("DCSAIT0001");
  ASSERT_TRUE(response) << w.a.Call("GET", "v1/pint/issuance-requests/DCSAIT0001", "",
                                    carrier.token).body;
  EXPECT_EQ(response->at("issuanceResponseCode").get_string(), "ISSU");
  auto list = w.a.Call("GET", "v1/etr/records", "", holder.token);
  ASSERT_EQ(list.status, 200) << list.body;
  auto items = json::ParseObject(list.body).value().at("items").get_array();
  ASSERT_EQ(items.size(), 1u) << list.body;
  EXPECT_EQ(items[0].at("holder").get_string(), holder.id);
  const std::string id(items[0].at("id").get_string());
  EXPECT_EQ(w.a.Call("GET", "v1/etr/records/" + id + "/proof", "", holder.token).status, 200);
  EXPECT_EQ(ActAs(w.a, holder, id, {{"action_code", "SIGN"}}).status, 200);
  for (int i = 0; i < 100; ++i) {
    auto s = w.a.Call("GET", "v1/pint/issuance-requests/DCSAIT0001", "", carrier.token);
    if (s.body.find("\"delivery\":\"delivered\"") != std::string::npos) break;
    ASSERT_LT(i, 99) << s.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  // The same reference again: 409, an ErrorResponse.
  auto again = put(good, carrier.token);
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(error_path(again), "$.document.transportDocumentReference");

  // BREQ: issueTo is nobody here.
  auto nobody = ExampleIssuanceRequest("DCSAIT0002", holder);
  nobody["issueTo"].as_object()["identifyingCodes"].as_array()[0].as_object()["partyCode"] =
      "org_nobody";
  ASSERT_EQ(put(request(nobody), carrier.token).status, 204);
  auto breq = carrier_system.ResponseFor("DCSAIT0002");
  ASSERT_TRUE(breq);
  EXPECT_EQ(breq->at("issuanceResponseCode").get_string(), "BREQ");

  // Bad input: each an ErrorResponse with its path, nothing issued.
  auto violation = ExampleIssuanceRequest("DCSAIT0003", holder);
  violation["document"].as_object()["transportDocumentTypeCode"] = "XYZ";
  auto bad = put(request(violation), carrier.token);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(error_path(bad), "$.document.transportDocumentTypeCode");
  auto tampered = request(ExampleIssuanceRequest("DCSAIT0004", holder));
  tampered["document"].as_object()["transportDocumentReference"] = "DCSAIT0005";
  bad = put(tampered, carrier.token);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(error_path(bad), "$.issuanceManifestSignedContent");
  EXPECT_NE(bad.body.find("documentChecksum does not match the document"), std::string::npos);
  auto stranger = ExampleIssuanceRequest("DCSAIT0006", holder);
  WriteAll(w.dir / "dcsa-stranger.pem",
           crypto::PrivateKey::Generate(crypto::KeyType::kRsa, 2048).value().ToPem());
  stranger["issuanceManifestSignedContent"] = OpensslRs256(
      w.dir / "dcsa-stranger.pem",
      {{"documentChecksum", CanonicalChecksum(stranger.at("document")).value()},
       {"issueToChecksum", CanonicalChecksum(stranger.at("issueTo")).value()}});
  bad = put(stranger, carrier.token);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(error_path(bad), "$.issuanceManifestSignedContent");
  // Unauthenticated, and a caller that is not a carrier: refused by the
  // dispatcher before the route runs (problem+json, docs/pint.md).
  EXPECT_EQ(put(good, "dt_unknown").status, 401);
  EXPECT_EQ(put(request(ExampleIssuanceRequest("DCSAIT0007", holder)), holder.token).status, 403);
  auto after = w.a.Call("GET", "v1/etr/records", "", holder.token);
  EXPECT_EQ(json::ParseObject(after.body).value().at("items").get_array().size(), 1u);

  // The DCSA-issued record leaves over PINT like any other: B, knowing the
  // carrier's key, verifies the manifest and A's ISSUE entry and accepts it.
  const EtrOrg importer =
      MakeEtrOrg(w.b, "Rotterdam Second Import", 23, "trader", false,
                 crypto::PrivateKey::Generate(crypto::KeyType::kEcP256).value());
  ASSERT_EQ(w.b.Call("PUT", "v1/pint/carriers/MMCU",
                     json::Serialize(boost::json::object{
                         {"public_key_pem", carrier_key.public_key().ToPem()}}),
                     w.b.admin)
                .status,
            200);
  auto sent =
      ActAs(w.a, holder, id,
            {{"action_code", "TRANSFER"}, {"recipient_party", DcsaParty("DGTB", importer)}});
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(json::ParseObject(sent.body).value().at("pint").at("responseCode").get_string(), "RECE")
      << sent.body;
  auto at_b = w.b.Call("GET", "v1/etr/records", "", importer.token);
  ASSERT_EQ(json::ParseObject(at_b.body).value().at("items").get_array().size(), 1u) << at_b.body;
}

}  // namespace
}  // namespace digitrade::trade::etr::pint
