// ledger::Log on both storage engines: appends, lookups, proofs, tiles,
// checkpoints, reopening, and two sequencers on one database.
#include "ledger/log.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "ledger/internal/reference_tree.h"
#include "ledger/internal/test_env.h"

namespace digitrade::ledger {
namespace {

using storage::testing::HasCode;
using testing::Engine;
using testing::TestSigner;

class LogTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    std::string why;
    if (!env_.Setup(&why)) GTEST_SKIP() << why;
    auto db = env_.Open();
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
  }

  std::unique_ptr<Log> OpenLog(LogOptions options = {}, NoteSigner signer = TestSigner()) {
    auto log = Log::Open(*db_, clock_, std::move(signer), std::move(options));
    EXPECT_TRUE(log) << log.error().ToString();
    return log ? std::move(*log) : nullptr;
  }

  Checkpoint Open(const Log& log, const std::string& note) {
    const NoteVerifier v = log.verifier();
    auto c = OpenCheckpoint(note, log.origin(), std::span(&v, 1));
    EXPECT_TRUE(c) << c.error().ToString();
    return c.value_or(Checkpoint{});
  }

  // Everything an acknowledgement promises, checked from the outside.
  void CheckAck(Log& log, const AppendResult& ack, std::string_view kind, std::string_view data) {
    const std::string leaf = EncodeLeaf(kind, data).value();
    EXPECT_EQ(ack.leaf_hash, log.hasher().HashLeaf(AsBytes(leaf)));
    const Checkpoint c = Open(log, ack.checkpoint);
    ASSERT_GT(c.size, ack.index);
    auto proof = log.InclusionProof(ack.index, c.size);
    ASSERT_TRUE(proof) << proof.error().ToString();
    EXPECT_TRUE(VerifyInclusion(log.hasher(), ack.index, c.size, ack.leaf_hash, *proof, c.root));
    auto entry = log.GetEntry(ack.index);
    ASSERT_TRUE(entry) << entry.error().ToString();
    EXPECT_EQ(entry->kind, kind);
    EXPECT_EQ(entry->data, data);
  }

  // The root of the first `size` entries, recomputed from the entries alone.
  Hash ReferenceRoot(Log& log, std::uint64_t size) {
    std::vector<Hash> leaves;
    for (std::uint64_t i = 0; i < size; ++i) {
      auto e = log.GetEntry(i);
      EXPECT_TRUE(e) << i;
      if (!e) return {};
      leaves.push_back(log.hasher().HashLeaf(AsBytes(EncodeLeaf(e->kind, e->data).value())));
    }
    if (size == 0) return log.hasher().EmptyRoot();
    return internal::ReferenceTree(log.hasher(), leaves).Mth(0, size);
  }

  testing::TestDatabase env_{GetParam()};
  std::unique_ptr<storage::Database> db_;
  FakeClock clock_;
};

TEST_P(LogTest, NewLogPublishesTheEmptyTree) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  const Checkpoint c = Open(*log, log->Checkpoint().value());
  EXPECT_EQ(c.origin, "digitrade.test/log/evidence");
  EXPECT_EQ(c.size, 0u);
  EXPECT_EQ(c.root, log->hasher().EmptyRoot());
  EXPECT_EQ(log->Size().value(), 0u);
}

TEST_P(LogTest, AppendAcknowledgesIndexLeafHashAndCoveringCheckpoint) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  for (int i = 0; i < 20; ++i) {
    const std::string data = "{\"n\":" + std::to_string(i) + "}";
    auto ack = log->Append("test.event", data);
    ASSERT_TRUE(ack) << ack.error().ToString();
    EXPECT_EQ(ack->index, static_cast<std::uint64_t>(i));
    CheckAck(*log, *ack, "test.event", data);
  }
  EXPECT_EQ(log->Size().value(), 20u);
  EXPECT_EQ(log->RootAt(20).value(), ReferenceRoot(*log, 20));
}

TEST_P(LogTest, ConcurrentAppendsGetDistinctDenseIndexes) {
  LogOptions options;
  options.max_batch = 64;  // several batches even on a fast machine
  auto log = OpenLog(options);
  ASSERT_NE(log, nullptr);
  constexpr int kThreads = 16;
  constexpr int kPerThread = 60;
  std::vector<std::vector<AppendResult>> acks(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto ack = log->Append("test.event", std::to_string(t) + "/" + std::to_string(i));
        ASSERT_TRUE(ack) << ack.error().ToString();
        acks[t].push_back(*ack);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::uint64_t> indexes;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      const AppendResult& ack = acks[t][i];
      EXPECT_TRUE(indexes.insert(ack.index).second) << "index reused: " << ack.index;
      EXPECT_EQ(log->GetEntry(ack.index)->data, std::to_string(t) + "/" + std::to_string(i));
    }
  }
  ASSERT_EQ(indexes.size(), static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_EQ(*indexes.rbegin(), indexes.size() - 1);
  const std::uint64_t n = log->Size().value();
  EXPECT_EQ(n, indexes.size());
  EXPECT_EQ(log->RootAt(n).value(), ReferenceRoot(*log, n));
  CheckAck(*log, acks[3][7], "test.event", "3/7");
}

// AppendIfAsync from one thread, many in flight: each callback comes once,
// with what AppendIf would return; a refused entry is answered before the
// call returns; destroying the log answers what still waits.
TEST_P(LogTest, AsyncAppendsAnswerEachCallbackOnce) {
  auto log = OpenLog();
  ASSERT_TRUE(log);
  using Outcome = Result<std::optional<AppendResult>>;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::optional<Outcome>> got(200);
  int answers = 0;
  const auto collect = [&](int i) {
    return [&, i](Outcome o) {
      std::lock_guard lock(mu);
      EXPECT_FALSE(got[i].has_value()) << "answered twice: " << i;
      got[i] = std::move(o);
      ++answers;
      cv.notify_all();
    };
  };
  // Odd entries are declined by their guard.
  for (int i = 0; i < 200; ++i) {
    AppendGuard guard{"k",
                      [i](storage::Executor&, std::optional<std::uint64_t> index) -> Result<bool> {
                        EXPECT_TRUE(index.has_value());
                        return i % 2 == 0;
                      }};
    log->AppendIfAsync("test.async", "entry " + std::to_string(i), std::move(guard), collect(i));
  }
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return answers == 200; });
  }
  std::set<std::uint64_t> indexes;
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(*got[i]) << got[i]->error().ToString();
    if (i % 2 == 1) {
      EXPECT_FALSE(got[i]->value().has_value()) << i;
      continue;
    }
    ASSERT_TRUE(got[i]->value().has_value()) << i;
    const AppendResult& ack = *got[i]->value();
    EXPECT_TRUE(indexes.insert(ack.index).second);
    CheckAck(*log, ack, "test.async", "entry " + std::to_string(i));
  }
  EXPECT_EQ(log->Size().value(), 100u);

  bool refused = false;
  log->AppendIfAsync("Bad Kind", "x", AppendGuard{"k", nullptr}, [&](Outcome o) {
    refused = true;
    if (o) return ADD_FAILURE() << "a bad kind was accepted";
    EXPECT_EQ(o.error().code(), ErrorCode::kInvalidArgument);
  });
  EXPECT_TRUE(refused);

  std::atomic<int> late{0};
  for (int i = 0; i < 50; ++i) {
    log->AppendIfAsync(
        "test.async", "late " + std::to_string(i),
        AppendGuard{
            "k",
            [](storage::Executor&, std::optional<std::uint64_t>) -> Result<bool> { return true; }},
        [&](Outcome o) {
          if (!o) {
            EXPECT_EQ(o.error().code(), ErrorCode::kUnavailable) << o.error().ToString();
          }
          ++late;
        });
  }
  log.reset();
  EXPECT_EQ(late, 50);
}

TEST_P(LogTest, FindsEntriesByLeafHash) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  const auto a = log->Append("k", "same").value();
  log->Append("k", "other").value();
  const auto c = log->Append("k", "same").value();
  EXPECT_EQ(a.leaf_hash, c.leaf_hash);
  EXPECT_EQ(log->FindByLeafHash(a.leaf_hash).value(), (std::vector<std::uint64_t>{0, 2}));
  EXPECT_TRUE(log->FindByLeafHash(Hash{}).value().empty());
}

TEST_P(LogTest, EveryCheckpointIsConsistentWithEveryLater) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  std::vector<Checkpoint> heads;
  for (int i = 0; i < 40; ++i) {
    heads.push_back(Open(*log, log->Append("k", std::to_string(i)).value().checkpoint));
  }
  for (std::size_t a = 0; a < heads.size(); a += 3) {
    for (std::size_t b = a; b < heads.size(); b += 5) {
      auto proof = log->ConsistencyProof(heads[a].size, heads[b].size);
      ASSERT_TRUE(proof) << proof.error().ToString();
      EXPECT_TRUE(VerifyConsistency(log->hasher(), heads[a].size, heads[b].size, *proof,
                                    heads[a].root, heads[b].root));
    }
  }
}

TEST_P(LogTest, RejectsBadEntriesAndRequests) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  log->Append("k", "x").value();
  EXPECT_TRUE(HasCode(log->Append("", "x"), ErrorCode::kInvalidArgument, "entry kind"));
  EXPECT_TRUE(HasCode(log->Append("Upper", "x"), ErrorCode::kInvalidArgument, "entry kind"));
  EXPECT_TRUE(HasCode(log->Append("a\nb", "x"), ErrorCode::kInvalidArgument, "entry kind"));
  EXPECT_TRUE(HasCode(log->Append(std::string(65, 'a'), "x"), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(log->Append("k", std::string(65534, 'x')), ErrorCode::kResourceExhausted,
                      "exceeds the 65535-byte limit"));
  EXPECT_TRUE(log->Append("k", std::string(65533, 'x')));  // exactly 65535 with "k\n"
  EXPECT_TRUE(HasCode(log->GetEntry(2), ErrorCode::kNotFound));
  EXPECT_TRUE(HasCode(log->InclusionProof(0, 3), ErrorCode::kNotFound));
  EXPECT_TRUE(HasCode(log->InclusionProof(2, 2), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(log->ConsistencyProof(0, 1), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(log->ConsistencyProof(2, 1), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(log->ConsistencyProof(1, 3), ErrorCode::kNotFound));
  EXPECT_TRUE(HasCode(log->RootAt(3), ErrorCode::kNotFound));
  EXPECT_TRUE(HasCode(log->GetEntry(~std::uint64_t{0}), ErrorCode::kNotFound));
  EXPECT_TRUE(HasCode(log->InclusionProof(0, ~std::uint64_t{0}), ErrorCode::kNotFound));
}

TEST_P(LogTest, ServesTilesAndEntryBundles) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  std::vector<std::string> leaves;
  for (int i = 0; i < 600; ++i) {
    const std::string data = std::to_string(i);
    leaves.push_back(EncodeLeaf("k", data).value());
    log->Append("k", data).value();
  }
  // Level 0: two full tiles and a partial one of 88; level 1: partial of 2.
  auto full = log->ReadTile({false, 0, 1, 256}).value();
  auto hashes = TileHashesFromBytes(AsBytes(full)).value();
  ASSERT_EQ(hashes.size(), 256u);
  EXPECT_EQ(hashes[5], log->hasher().HashLeaf(AsBytes(leaves[256 + 5])));
  EXPECT_EQ(log->ReadTile({false, 0, 2, 88}).value().size(), 88u * 32);
  EXPECT_EQ(log->ReadTile({false, 0, 2, 10}).value(),
            log->ReadTile({false, 0, 2, 88})->substr(0, 320));
  EXPECT_EQ(log->ReadTile({false, 0, 1, 7}).value(), full.substr(0, 7 * 32));
  auto upper = TileHashesFromBytes(AsBytes(log->ReadTile({false, 1, 0, 2}).value())).value();
  EXPECT_EQ(log->RootAt(512).value(), log->hasher().HashChildren(upper[0], upper[1]));
  EXPECT_EQ(upper[1], TileRootHash(log->hasher(), hashes));
  auto bundle = DecodeEntryBundle(log->ReadTile({true, 0, 2, 88}).value()).value();
  ASSERT_EQ(bundle.size(), 88u);
  EXPECT_EQ(bundle[0], leaves[512]);
  EXPECT_EQ(DecodeEntryBundle(log->ReadTile({true, 0, 0, 256}).value()).value().size(), 256u);
  for (const TileId& missing :
       {TileId{false, 0, 2, 256}, TileId{false, 0, 2, 89}, TileId{false, 0, 3, 1},
        TileId{false, 1, 0, 3}, TileId{false, 2, 0, 1}, TileId{true, 0, 2, 89},
        TileId{false, 0, ~std::uint64_t{0}, 256}}) {
    EXPECT_TRUE(HasCode(log->ReadTile(missing), ErrorCode::kNotFound)) << TilePath(missing);
  }
}

TEST_P(LogTest, ReopensWhereItStopped) {
  std::string last;
  {
    auto log = OpenLog();
    ASSERT_NE(log, nullptr);
    for (int i = 0; i < 300; ++i) last = log->Append("k", std::to_string(i)).value().checkpoint;
  }
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  const Checkpoint before = Open(*log, last);
  EXPECT_EQ(before.size, 300u);
  const auto ack = log->Append("k", "after").value();
  EXPECT_EQ(ack.index, 300u);
  const Checkpoint after = Open(*log, ack.checkpoint);
  auto proof = log->ConsistencyProof(before.size, after.size).value();
  EXPECT_TRUE(
      VerifyConsistency(log->hasher(), before.size, after.size, proof, before.root, after.root));
  EXPECT_EQ(after.root, ReferenceRoot(*log, 301));
}

TEST_P(LogTest, RefusesAnotherHashOrKeyForAnExistingLog) {
  { ASSERT_NE(OpenLog(), nullptr); }
  LogOptions sm3;
  sm3.hash = crypto::HashAlgorithm::kSm3;
  EXPECT_TRUE(HasCode(Log::Open(*db_, clock_, TestSigner(), sm3), ErrorCode::kFailedPrecondition,
                      "hashes with sha-256"));
  EXPECT_TRUE(HasCode(Log::Open(*db_, clock_, TestSigner("digitrade.test/log/evidence", 2)),
                      ErrorCode::kFailedPrecondition, "does not verify with this key"));
  LogOptions sha384;
  sha384.hash = crypto::HashAlgorithm::kSha384;
  EXPECT_TRUE(HasCode(Log::Open(*db_, clock_, TestSigner("other.test/log"), sha384),
                      ErrorCode::kInvalidArgument));
}

TEST_P(LogTest, Sm3LogsProveWithSm3) {
  LogOptions options;
  options.hash = crypto::HashAlgorithm::kSm3;
  auto log = OpenLog(options, TestSigner("digitrade.test/log/sm3"));
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->hasher().algorithm(), crypto::HashAlgorithm::kSm3);
  AppendResult ack;
  for (int i = 0; i < 30; ++i) ack = log->Append("k", std::to_string(i)).value();
  CheckAck(*log, ack, "k", "29");
  EXPECT_NE(ack.leaf_hash, TreeHasher::Sha256().HashLeaf(AsBytes(EncodeLeaf("k", "29").value())));
  EXPECT_EQ(log->RootAt(30).value(), ReferenceRoot(*log, 30));
}

TEST_P(LogTest, PublishesCheckpointsOnIntervalAndOnDemand) {
  LogOptions options;
  options.checkpoint_interval = std::chrono::seconds(60);
  auto log = OpenLog(options);
  ASSERT_NE(log, nullptr);
  // The empty tree was published at creation; the clock has not moved.
  log->Append("k", "1").value();
  EXPECT_EQ(Open(*log, log->Checkpoint().value()).size, 0u);
  clock_.Advance(std::chrono::seconds(61));
  log->Append("k", "2").value();
  EXPECT_EQ(Open(*log, log->Checkpoint().value()).size, 2u);
  log->Append("k", "3").value();
  EXPECT_EQ(Open(*log, log->Checkpoint().value()).size, 2u);
  EXPECT_EQ(Open(*log, log->PublishCheckpoint().value()).size, 3u);
  EXPECT_EQ(Open(*log, log->Checkpoint().value()).size, 3u);
}

INSTANTIATE_TEST_SUITE_P(Engines, LogTest, ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         testing::EngineName);

}  // namespace
}  // namespace digitrade::ledger
