// Two Log instances (two "servers") on one database: exactly one sequences,
// the other forwards through the database; failover on release and on lease
// expiry, with the old leader fenced out. Run on PostgreSQL (the deployment
// with several servers) and on SQLite (same logic, one file).
#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "ledger/internal/reference_tree.h"
#include "ledger/internal/test_env.h"
#include "ledger/log.h"

namespace digitrade::ledger {
namespace {

using testing::Engine;
using testing::TestSigner;

// Waits (bounded) until `cond` holds; the result says whether it did.
template <typename Cond>
bool Eventually(Cond cond) {
  for (int i = 0; i < 2000; ++i) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return cond();
}

class LeaderTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    std::string why;
    if (!env_.Setup(&why)) GTEST_SKIP() << why;
    for (auto* db : {&db_a_, &db_b_}) {
      auto opened = env_.Open();
      ASSERT_TRUE(opened) << opened.error().ToString();
      *db = std::move(*opened);
    }
  }

  std::unique_ptr<Log> OpenServer(storage::Database& db, const Clock& clock, std::string id) {
    LogOptions options;
    options.instance_id = std::move(id);
    options.lease_duration = std::chrono::seconds(30);
    auto log = Log::Open(db, clock, TestSigner(), options);
    EXPECT_TRUE(log) << log.error().ToString();
    return log ? std::move(*log) : nullptr;
  }

  // Appends from `threads` threads per log, all at once; returns the acks.
  std::vector<std::pair<AppendResult, std::string>> Storm(const std::vector<Log*>& logs,
                                                          int threads, int per_thread,
                                                          const std::string& tag) {
    std::mutex mu;
    std::vector<std::pair<AppendResult, std::string>> acks;
    std::vector<std::thread> workers;
    for (std::size_t l = 0; l < logs.size(); ++l) {
      for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, l, t] {
          for (int i = 0; i < per_thread; ++i) {
            const std::string data =
                tag + "/" + std::to_string(l) + "/" + std::to_string(t) + "/" + std::to_string(i);
            auto ack = logs[l]->Append("test.event", data);
            ASSERT_TRUE(ack) << ack.error().ToString();
            std::lock_guard lock(mu);
            acks.emplace_back(*ack, data);
          }
        });
      }
    }
    for (auto& w : workers) w.join();
    return acks;
  }

  // Every ack's entry is at its index, no index twice, the tree is the tree
  // of those entries, and each ack's checkpoint is a prefix of it.
  void CheckHistory(Log& log, const std::vector<std::pair<AppendResult, std::string>>& acks) {
    std::set<std::uint64_t> seen;
    for (const auto& [ack, data] : acks) {
      EXPECT_TRUE(seen.insert(ack.index).second) << "index reused: " << ack.index;
      auto e = log.GetEntry(ack.index);
      ASSERT_TRUE(e) << e.error().ToString();
      EXPECT_EQ(e->data, data);
    }
    const std::uint64_t n = log.Size().value();
    ASSERT_EQ(n, acks.size());
    std::vector<Hash> leaves;
    for (std::uint64_t i = 0; i < n; ++i) {
      leaves.push_back(
          log.hasher().HashLeaf(AsBytes(EncodeLeaf("test.event", log.GetEntry(i)->data).value())));
    }
    const Hash root = internal::ReferenceTree(log.hasher(), leaves).Mth(0, n);
    ASSERT_EQ(log.RootAt(n).value(), root);
    const NoteVerifier v = log.verifier();
    for (std::size_t i = 0; i < acks.size(); i += 7) {
      const Checkpoint c =
          OpenCheckpoint(acks[i].first.checkpoint, log.origin(), std::span(&v, 1)).value();
      auto proof = log.ConsistencyProof(c.size, n).value();
      EXPECT_TRUE(VerifyConsistency(log.hasher(), c.size, n, proof, c.root, root));
    }
  }

  testing::TestDatabase env_{GetParam()};
  std::unique_ptr<storage::Database> db_a_;
  std::unique_ptr<storage::Database> db_b_;
};

TEST_P(LeaderTest, ExactlyOneOfTwoServersSequences) {
  FakeClock clock;
  auto a = OpenServer(*db_a_, clock, "server-a");
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(Eventually([&] { return a->sequencing(); }));
  auto b = OpenServer(*db_b_, clock, "server-b");
  ASSERT_NE(b, nullptr);

  std::atomic<bool> done{false};
  std::atomic<int> both{0};
  std::atomic<int> samples{0};
  std::thread watch([&] {
    while (!done) {
      if (a->sequencing() && b->sequencing()) ++both;
      ++samples;
      std::this_thread::yield();
    }
  });
  auto acks = Storm({a.get(), b.get()}, 8, 40, "storm");
  done = true;
  watch.join();
  EXPECT_GT(samples.load(), 0);
  EXPECT_EQ(both.load(), 0);
  EXPECT_TRUE(a->sequencing());
  EXPECT_FALSE(b->sequencing());
  CheckHistory(*b, acks);  // read through the follower: same database
}

TEST_P(LeaderTest, FollowerTakesOverWhenTheLeaderStops) {
  FakeClock clock;
  auto a = OpenServer(*db_a_, clock, "server-a");
  ASSERT_TRUE(Eventually([&] { return a->sequencing(); }));
  auto b = OpenServer(*db_b_, clock, "server-b");
  auto acks = Storm({a.get(), b.get()}, 4, 20, "before");
  a.reset();  // a clean stop gives the lease up
  ASSERT_TRUE(Eventually([&] { return b->sequencing(); }));
  auto more = Storm({b.get()}, 4, 20, "after");
  acks.insert(acks.end(), more.begin(), more.end());
  CheckHistory(*b, acks);
}

// Server A's clock stands still, so it believes its lease is current; B's
// clock has moved past the lease, so B takes over. A's next batch must be
// fenced out (not fork the tree) and A's appends then go through B.
TEST_P(LeaderTest, AnExpiredLeaderIsFencedOut) {
  FakeClock clock_a;
  FakeClock clock_b;
  auto a = OpenServer(*db_a_, clock_a, "server-a");
  ASSERT_TRUE(Eventually([&] { return a->sequencing(); }));
  auto b = OpenServer(*db_b_, clock_b, "server-b");
  auto acks = Storm({a.get(), b.get()}, 2, 10, "before");
  clock_b.Advance(std::chrono::seconds(31));
  ASSERT_TRUE(Eventually([&] { return b->sequencing(); }));
  EXPECT_TRUE(a->sequencing());  // A does not know yet
  auto more = Storm({a.get(), b.get()}, 4, 15, "after");
  acks.insert(acks.end(), more.begin(), more.end());
  EXPECT_FALSE(a->sequencing());
  EXPECT_TRUE(b->sequencing());
  CheckHistory(*a, acks);
}

// A follower that forwarded an append and stopped before collecting its
// index leaves a sequenced row behind; the sequencer sweeps it once it is
// ten lease periods old, and not before.
TEST_P(LeaderTest, RowsOfAFollowerThatStoppedAreSweptAway) {
  FakeClock clock;
  auto a = OpenServer(*db_a_, clock, "server-a");
  ASSERT_TRUE(Eventually([&] { return a->sequencing(); }));
  const std::int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                  clock.Now().time_since_epoch())
                                  .count();
  ASSERT_TRUE(db_b_->Execute(
      "INSERT INTO ledger_pending (log_id, submitter, seq, data, idx, created_at) "
      "SELECT log_id, 'server-gone', 0, $1, NULL, $2 FROM ledger_logs",
      {[] {
        const std::string leaf = EncodeLeaf("test.event", "orphan").value();
        return storage::Bytes(leaf.begin(), leaf.end());
      }(),
       now_us}));
  const auto rows = [&] {
    return db_b_->Query("SELECT idx FROM ledger_pending WHERE submitter = 'server-gone'")
        .value()
        .rows.size();
  };
  ASSERT_TRUE(Eventually([&] { return a->Size().value() == 1; }));
  EXPECT_EQ(a->GetEntry(0).value().data, "orphan");
  a->Append("test.event", "keeps the sequencer busy").value();
  EXPECT_EQ(rows(), 1u);  // sequenced, waiting to be collected

  clock.Advance(std::chrono::seconds(5 * 30));
  a->Append("test.event", "five lease periods later").value();
  EXPECT_EQ(rows(), 1u);
  clock.Advance(std::chrono::seconds(6 * 30));
  EXPECT_TRUE(Eventually([&] { return rows() == 0; }));
  EXPECT_TRUE(a->sequencing());
}

// Guarded appends (Log::AppendIf) on the sequencing server and on a
// follower: the guard's domain write and the entry commit together, a
// declining guard writes and appends nothing, and on the follower the guard
// runs in the transaction that forwards the entry (index unknown there).
TEST_P(LeaderTest, GuardedAppendsCommitWithTheirEntryOnLeaderAndFollower) {
  ASSERT_TRUE(db_a_->ExecuteScript("CREATE TABLE guard_test (name TEXT PRIMARY KEY, idx BIGINT)"));
  FakeClock clock;
  auto a = OpenServer(*db_a_, clock, "server-a");
  ASSERT_TRUE(Eventually([&] { return a->sequencing(); }));
  auto b = OpenServer(*db_b_, clock, "server-b");
  ASSERT_FALSE(b->sequencing());
  // Writes the row (with the index, when known) unless the name is taken.
  const auto guard = [](const std::string& name, std::optional<std::uint64_t>* seen) {
    return AppendGuard{
        name,
        [name, seen](storage::Executor& ex, std::optional<std::uint64_t> index) -> Result<bool> {
          *seen = index;
          DT_ASSIGN_OR_RETURN(auto rs,
                              ex.Query("SELECT name FROM guard_test WHERE name = $1", {name}));
          if (!rs.empty()) return false;
          storage::Value idx = nullptr;
          if (index) idx = static_cast<std::int64_t>(*index);
          DT_TRY(ex.Execute("INSERT INTO guard_test (name, idx) VALUES ($1, $2)",
                            {name, std::move(idx)}));
          return true;
        }};
  };
  for (Log* log : {a.get(), b.get()}) {
    const std::string name = log == a.get() ? "on-leader" : "on-follower";
    std::optional<std::uint64_t> seen;
    const std::uint64_t size = a->Size().value();
    auto first = log->AppendIf("test.guarded", name, guard(name, &seen));
    ASSERT_TRUE(first) << first.error().ToString();
    ASSERT_TRUE(first->has_value()) << name << " was declined";
    EXPECT_EQ((*first)->index, size);
    EXPECT_EQ(seen.has_value(), log == a.get());  // the follower learns it after
    if (seen) {
      EXPECT_EQ(*seen, size);
    }
    EXPECT_EQ(a->GetEntry(size).value().data, name);
    auto row = db_a_->Query("SELECT idx FROM guard_test WHERE name = $1", {name});
    ASSERT_TRUE(row && row->rows.size() == 1);
    // The same name again: declined, nothing written or appended.
    auto again = log->AppendIf("test.guarded", name, guard(name, &seen));
    ASSERT_TRUE(again) << again.error().ToString();
    EXPECT_FALSE(again->has_value());
    EXPECT_EQ(a->Size().value(), size + 1);
  }
  // A guard that fails fails its batch: nothing of it is written.
  const AppendGuard failing{
      "x", [](storage::Executor& ex, std::optional<std::uint64_t>) -> Result<bool> {
        DT_TRY(ex.Execute("INSERT INTO guard_test (name, idx) VALUES ('x', 0)"));
        return Unavailable("guard failed");
      }};
  for (Log* log : {a.get(), b.get()}) {
    const std::uint64_t size = a->Size().value();
    auto failed = log->AppendIf("test.guarded", "x", failing);
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code(), ErrorCode::kUnavailable);
    EXPECT_TRUE(db_a_->Query("SELECT name FROM guard_test WHERE name = 'x'").value().empty());
    EXPECT_EQ(a->Size().value(), size);
  }
  // And the log goes on.
  auto after = b->Append("test.event", "after");
  ASSERT_TRUE(after) << after.error().ToString();
  // Asynchronously, on the follower too: the callback gets the index the
  // leader assigned.
  for (Log* log : {a.get(), b.get()}) {
    const std::string name = log == a.get() ? "async-on-leader" : "async-on-follower";
    std::optional<std::uint64_t> seen;
    std::promise<Result<std::optional<AppendResult>>> answered;
    log->AppendIfAsync(
        "test.guarded", name, guard(name, &seen),
        [&](Result<std::optional<AppendResult>> o) { answered.set_value(std::move(o)); });
    auto got = answered.get_future().get();
    ASSERT_TRUE(got) << got.error().ToString();
    ASSERT_TRUE(got->has_value()) << name << " was declined";
    EXPECT_EQ(a->GetEntry((*got)->index).value().data, name);
    EXPECT_EQ(seen.has_value(), log == a.get());
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, LeaderTest, ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         testing::EngineName);

}  // namespace
}  // namespace digitrade::ledger
