// Crash safety: a child process appends from hundreds of threads to an
// SQLite log and is killed with SIGKILL at a random moment; the log is then
// reopened and checked against everything the child acknowledged:
//  - every acknowledged entry is at its acknowledged index;
//  - no index was acknowledged twice (across all rounds);
//  - the tree after restart is consistent with every acknowledged checkpoint.
// Repeated for a bounded number of rounds on the same file.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "crypto/base64.h"
#include "ledger/internal/test_env.h"
#include "ledger/log.h"
#include "storage/sqlite/sqlite_database.h"
#include "subprocess.h"

namespace digitrade::ledger {
namespace {

struct Ack {
  std::string data;
  std::string checkpoint;
};

// Runs the appender until it has acknowledged `kill_after` entries (or
// exited), kills it, and returns the complete lines it wrote.
std::vector<std::string> RunAndKill(const std::string& db, const std::string& tag,
                                    std::size_t kill_after) {
  int fd = -1;
  const pid_t pid = testing::StartProcess({CRASH_APPENDER, db, tag, "200"}, &fd);
  std::string buf;
  std::vector<std::string> lines;
  char chunk[65536];
  while (lines.size() < kill_after) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) break;
    buf.append(chunk, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = buf.find('\n')) != std::string::npos) {
      lines.push_back(buf.substr(0, nl));
      buf.erase(0, nl + 1);
    }
  }
  ::kill(pid, SIGKILL);
  // What it managed to write before dying was acknowledged too.
  for (ssize_t n; (n = ::read(fd, chunk, sizeof chunk)) > 0;) buf.append(chunk, n);
  for (std::size_t nl; (nl = buf.find('\n')) != std::string::npos; buf.erase(0, nl + 1)) {
    lines.push_back(buf.substr(0, nl));
  }
  ::close(fd);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status)) << "appender exited by itself, status " << status;
  return lines;
}

TEST(CrashTest, AcknowledgedEntriesSurviveKillNine) {
  storage::testing::TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string db_path = (dir.path() / "crash.db").string();
  std::map<std::uint64_t, Ack> acked;
  std::mt19937_64 rng(20260101);
  constexpr int kRounds = 8;
  for (int round = 0; round < kRounds; ++round) {
    const std::size_t kill_after = 1 + rng() % 1500;
    const auto lines = RunAndKill(db_path, fmt::format("r{}", round), kill_after);
    ASSERT_GE(lines.size(), kill_after) << "round " << round;
    for (const std::string& line : lines) {
      std::istringstream in(line);
      std::uint64_t index = 0;
      std::string data, note64;
      ASSERT_TRUE(in >> index >> data >> note64) << line;
      const auto note = crypto::Base64Decode(note64).value();
      auto [it, fresh] = acked.emplace(index, Ack{data, std::string(note.begin(), note.end())});
      EXPECT_TRUE(fresh) << "index " << index << " acknowledged for " << it->second.data
                         << " and for " << data;
    }

    // Restart: recover the log and check it against every acknowledgement.
    auto db = storage::SqliteDatabase::Open(db_path);
    ASSERT_TRUE(db) << db.error().ToString();
    SystemClock clock;
    auto log = Log::Open(**db, clock, testing::TestSigner());
    ASSERT_TRUE(log) << log.error().ToString();
    const auto after = (*log)->Append("crash.test", fmt::format("restart {}", round)).value();
    EXPECT_EQ(acked.count(after.index), 0u) << "index reused after restart: " << after.index;
    const NoteVerifier v = (*log)->verifier();
    const Checkpoint head =
        OpenCheckpoint(after.checkpoint, (*log)->origin(), std::span(&v, 1)).value();
    for (const auto& [index, ack] : acked) {
      auto entry = (*log)->GetEntry(index);
      ASSERT_TRUE(entry) << "acknowledged entry " << index << " lost: " << entry.error().ToString();
      ASSERT_EQ(entry->data, ack.data) << "index " << index;
    }
    // Consistency with acknowledged checkpoints: all sizes of this round
    // and a sample of earlier ones.
    std::map<std::uint64_t, std::string> by_size;
    for (const auto& [index, ack] : acked) {
      const Checkpoint c =
          OpenCheckpoint(ack.checkpoint, (*log)->origin(), std::span(&v, 1)).value();
      by_size.emplace(c.size, ack.checkpoint);
    }
    for (const auto& [size, note] : by_size) {
      const Checkpoint c = OpenCheckpoint(note, (*log)->origin(), std::span(&v, 1)).value();
      auto proof = (*log)->ConsistencyProof(c.size, head.size);
      ASSERT_TRUE(proof) << proof.error().ToString();
      ASSERT_TRUE(VerifyConsistency((*log)->hasher(), c.size, head.size, *proof, c.root, head.root))
          << "checkpoint at " << c.size << " is not a prefix of the recovered log";
    }
    acked.emplace(after.index, Ack{fmt::format("restart {}", round), after.checkpoint});
  }
  EXPECT_GT(acked.size(), static_cast<std::size_t>(kRounds));
}

}  // namespace
}  // namespace digitrade::ledger
