// Crash safety of etr actions: a child process transfers records back and
// forth from several threads (racing on the same records) and is killed
// with SIGKILL at a random moment; the registry and the log are then
// reopened (which runs the repair) and checked:
//  - every acknowledged action is in its record's chain, at its sequence;
//  - every action in the tables is in the log at its index, as logged, and
//    the log holds nothing else (no action logged twice, none missing);
//  - each record's head is its chain's last action, and the chain links.
// Repeated for a bounded number of rounds on the same file.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>

#include "../ledger/subprocess.h"
#include "crypto/jws.h"
#include "crypto/keys.h"
#include "ledger/internal/test_env.h"
#include "storage/internal/test_util.h"
#include "storage/sqlite/sqlite_database.h"
#include "trade/etr/internal/test_env.h"

namespace digitrade::trade::etr {
namespace {

std::string SignWith(const crypto::PrivateKey& key, std::string_view payload) {
  crypto::JwsSigner signer{
      &key, crypto::SignatureAlgorithm::kEd25519, {{"kid", key.public_key().Thumbprint()}}, {}};
  return crypto::SignJwsCompact(
             {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()}, signer)
      .value();
}

// Runs the actor until it has acknowledged `kill_after` actions (or
// exited), kills it, and returns every complete line it wrote.
std::vector<std::string> RunAndKill(const std::vector<std::string>& argv, std::size_t kill_after) {
  int fd = -1;
  const pid_t pid = ledger::testing::StartProcess(argv, &fd);
  std::string buf;
  std::vector<std::string> lines;
  char chunk[65536];
  const auto take_lines = [&] {
    for (std::size_t nl; (nl = buf.find('\n')) != std::string::npos; buf.erase(0, nl + 1)) {
      lines.push_back(buf.substr(0, nl));
    }
  };
  while (lines.size() < kill_after) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) break;
    buf.append(chunk, static_cast<std::size_t>(n));
    take_lines();
  }
  ::kill(pid, SIGKILL);
  // What it managed to write before dying was acknowledged too.
  for (ssize_t n; (n = ::read(fd, chunk, sizeof chunk)) > 0;) buf.append(chunk, n);
  take_lines();
  ::close(fd);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status)) << "actor exited by itself, status " << status;
  return lines;
}

TEST(EtrCrashTest, AcknowledgedActionsSurviveKillNineAndEveryActionIsLoggedOnce) {
  storage::testing::TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string db_path = (dir.path() / "etr.db").string();
  constexpr int kRecords = 12;
  std::vector<std::string> argv = {CRASH_ACTOR, db_path, dir.path().string(), "8"};
  {  // Parties, keys and records, as a server would have them.
    auto db = storage::SqliteDatabase::Open(db_path);
    ASSERT_TRUE(db) << db.error().ToString();
    ASSERT_TRUE(storage::ApplyMigrations(**db, ledger::Log::Migrations()));
    ASSERT_TRUE(storage::ApplyMigrations(**db, Registry::Migrations()));
    SystemClock clock;
    auto log = ledger::Log::Open(**db, clock, ledger::testing::TestSigner()).value();
    auto reg = Registry::Create(**db, clock, *log).value();
    std::map<std::string, crypto::PrivateKey> keys;
    for (const char* org : {"org_carrier", "org_a", "org_b"}) {
      ASSERT_TRUE(reg->PutParty({org, org, std::string_view(org) == "org_carrier", false}));
      auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEd25519).value();
      ASSERT_TRUE(reg->RegisterKey(org, key.public_key().ToJwk()));
      std::ofstream(dir.path() / (std::string(org) + ".pem")) << key.ToPem();
      keys.emplace(org, std::move(key));
    }
    for (int i = 0; i < kRecords; ++i) {
      IssueInput in{RecordType::kEbl,
                    testing::TransportDocument(fmt::format("CRSH{:04}", i), false),
                    "org_carrier",
                    "org_a",
                    {},
                    {}};
      auto draft = reg->PrepareIssue(in);
      ASSERT_TRUE(draft) << draft.error().ToString();
      const crypto::PrivateKey& carrier = keys.at("org_carrier");
      auto issued = reg->Issue({in, SignWith(carrier, draft->manifest_payload),
                                SignWith(carrier, draft->action_payload)},
                               "org_carrier");
      ASSERT_TRUE(issued) << issued.error().ToString();
      argv.push_back(issued->record.id);
    }
  }
  std::map<std::pair<std::string, std::int64_t>, std::string> acked;
  std::mt19937_64 rng(20261128);
  constexpr int kRounds = 5;
  for (int round = 0; round < kRounds; ++round) {
    const std::size_t kill_after = 1 + rng() % 400;
    const auto lines = RunAndKill(argv, kill_after);
    ASSERT_GE(lines.size(), kill_after) << "round " << round;
    for (const std::string& line : lines) {
      std::istringstream in(line);
      std::string id, hash;
      std::int64_t sequence = 0;
      ASSERT_TRUE(in >> id >> sequence >> hash) << line;
      const auto [it, fresh] = acked.emplace(std::make_pair(id, sequence), hash);
      EXPECT_TRUE(fresh) << id << " sequence " << sequence << " acknowledged twice";
    }

    // Restart: the registry's repair runs; then check everything.
    auto db = storage::SqliteDatabase::Open(db_path);
    ASSERT_TRUE(db) << db.error().ToString();
    SystemClock clock;
    auto log = ledger::Log::Open(**db, clock, ledger::testing::TestSigner()).value();
    auto reg = Registry::Create(**db, clock, *log).value();
    std::uint64_t actions = 0;
    for (std::size_t r = 4; r < argv.size(); ++r) {
      const std::string& id = argv[r];
      const auto history = reg->History(id).value();
      const Record rec = reg->GetRecord(id).value();
      ASSERT_FALSE(history.empty());
      EXPECT_EQ(rec.head, history.back().action_hash) << id;
      EXPECT_EQ(rec.sequence, history.back().sequence) << id;
      for (std::size_t i = 0; i < history.size(); ++i) {
        const ActionEntry& a = history[i];
        ASSERT_EQ(a.sequence, static_cast<std::int64_t>(i));
        if (i > 0) {
          EXPECT_EQ(a.previous_hash, history[i - 1].action_hash);
        }
        ASSERT_TRUE(a.log_index) << id << " action " << i << " has no log index after restart";
        auto entry = log->GetEntry(*a.log_index);
        ASSERT_TRUE(entry) << entry.error().ToString();
        EXPECT_EQ(entry->data, a.log_data) << id << " action " << i;
        ++actions;
      }
    }
    for (const auto& [key, hash] : acked) {
      const auto history = reg->History(key.first).value();
      ASSERT_LT(key.second, static_cast<std::int64_t>(history.size()))
          << "acknowledged action lost: " << key.first << " " << key.second;
      EXPECT_EQ(history[key.second].action_hash, hash);
    }
    // Nothing but the actions is logged: none twice, none missing.
    EXPECT_EQ(log->Size().value(), actions) << "round " << round;
  }
  EXPECT_GT(acked.size(), static_cast<std::size_t>(kRounds));
}

}  // namespace
}  // namespace digitrade::trade::etr
