// Test helper for crash_test.cc: opens the registry on an SQLite file that
// the test prepared (parties, keys, records) and passes every record back
// and forth between its two holders from several threads until killed.
// After each acknowledged action it prints one line:
//
//   <record id> <sequence> <action hash>\n
//
// usage: etr_crash_actor DB_PATH KEY_DIR THREADS RECORD_ID...
// KEY_DIR holds <organisation id>.pem, the holders' Ed25519 keys.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "crypto/jws.h"
#include "crypto/keys.h"
#include "ledger/internal/test_env.h"
#include "ledger/log.h"
#include "storage/sqlite/sqlite_database.h"
#include "trade/etr/registry.h"

namespace {

using namespace digitrade;

constexpr const char* kHolders[2] = {"org_a", "org_b"};

// One write(2) per line, so a kill never interleaves two lines.
void WriteLine(const std::string& line) {
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(1, line.data() + done, line.size() - done);
    if (n <= 0) std::_Exit(3);
    done += static_cast<std::size_t>(n);
  }
}

int Fail(const Error& e) {
  std::fprintf(stderr, "etr_crash_actor: %s\n", e.ToString().c_str());
  return 2;
}

std::string Sign(const crypto::PrivateKey& key, std::string_view payload) {
  crypto::JwsSigner signer{
      &key, crypto::SignatureAlgorithm::kEd25519, {{"kid", key.public_key().Thumbprint()}}, {}};
  return crypto::SignJwsCompact(
             {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()}, signer)
      .value();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s DB_PATH KEY_DIR THREADS RECORD_ID...\n", argv[0]);
    return 2;
  }
  const std::string key_dir = argv[2];
  const int threads = std::atoi(argv[3]);
  const std::vector<std::string> records(argv + 4, argv + argc);
  std::map<std::string, crypto::PrivateKey> keys;
  for (const char* org : kHolders) {
    std::ifstream in(key_dir + "/" + org + ".pem");
    std::stringstream pem;
    pem << in.rdbuf();
    auto key = crypto::PrivateKey::FromPem(pem.str());
    if (!key) return Fail(key.error());
    keys.emplace(org, std::move(*key));
  }
  auto db = storage::SqliteDatabase::Open(argv[1]);
  if (!db) return Fail(db.error());
  SystemClock clock;
  auto log = ledger::Log::Open(**db, clock, ledger::testing::TestSigner());
  if (!log) return Fail(log.error());
  auto registry = trade::etr::Registry::Create(**db, clock, **log);
  if (!registry) return Fail(registry.error());
  std::mutex out;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (std::size_t i = t;; i = (i + threads) % records.size()) {
        const std::string& id = records[i];
        auto rec = (*registry)->GetRecord(id);
        if (!rec) continue;
        const std::string holder = rec->state.holder_id;
        const std::string to = holder == kHolders[0] ? kHolders[1] : kHolders[0];
        auto prepared =
            (*registry)->PrepareAction(id, {trade::etr::ActionCode::kTransfer, holder, to, {}});
        if (!prepared) continue;
        const std::string jws = Sign(keys.at(holder), prepared->payload);
        auto done = (*registry)->Act(id, jws, holder);
        if (!done) continue;  // a lost race or unavailable: not acknowledged
        const std::string line = id + " " + std::to_string(done->action.sequence) + " " +
                                 done->action.action_hash + "\n";
        std::lock_guard lock(out);
        WriteLine(line);
      }
    });
  }
  for (auto& w : workers) w.join();
  return 0;
}
