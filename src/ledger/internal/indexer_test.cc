#include "ledger/internal/indexer.h"

#include <gtest/gtest.h>

#include "ledger/internal/test_env.h"
#include "ledger/log.h"

namespace digitrade::ledger::internal {
namespace {

class IndexerTest : public ::testing::TestWithParam<testing::Engine> {
 protected:
  void SetUp() override {
    std::string why;
    if (!env_.Setup(&why)) GTEST_SKIP() << why;
    db_ = std::move(env_.Open().value());
    LogOptions options;
    options.index_interval = std::chrono::milliseconds(0);  // this test drives the indexer
    log_ = std::move(Log::Open(*db_, clock_, testing::TestSigner(), options).value());
    LogRow want;
    want.origin = log_->origin();
    log_id_ = LogStore::CreateOrLoad(*db_, want, 0).value().log_id;
  }

  Hash LeafHash(const std::string& data) {
    return log_->hasher().HashLeaf(AsBytes(EncodeLeaf("k", data).value()));
  }

  testing::TestDatabase env_{GetParam()};
  std::unique_ptr<storage::Database> db_;
  FakeClock clock_;
  std::unique_ptr<Log> log_;
  std::int64_t log_id_ = 0;
};

TEST_P(IndexerTest, LookupsAgreeBeforeDuringAndAfterIndexing) {
  for (int i = 0; i < 700; ++i) ASSERT_TRUE(log_->Append("k", std::to_string(i % 350)));
  LogStore store(*db_, log_id_);
  const auto expect = std::vector<std::uint64_t>{17, 367};
  // Nothing indexed: found by scanning the level-0 tiles.
  EXPECT_EQ(log_->FindByLeafHash(LeafHash("17")).value(), expect);
  EXPECT_EQ(store.Load()->indexed_size, 0u);

  Indexer indexer(store, 300);
  EXPECT_EQ(indexer.Step().value(), 300u);  // 0..299 indexed, the rest scanned
  EXPECT_EQ(log_->FindByLeafHash(LeafHash("17")).value(), expect);
  EXPECT_EQ(indexer.Step().value(), 300u);
  EXPECT_EQ(indexer.Step().value(), 100u);
  EXPECT_EQ(indexer.Step().value(), 0u);
  EXPECT_EQ(store.Load()->indexed_size, 700u);
  EXPECT_EQ(log_->FindByLeafHash(LeafHash("17")).value(), expect);
  EXPECT_EQ(log_->FindByLeafHash(LeafHash("349")).value(), (std::vector<std::uint64_t>{349, 699}));
  EXPECT_TRUE(log_->FindByLeafHash(LeafHash("350")).value().empty());
  auto rows = db_->Query("SELECT COUNT(*) AS n FROM ledger_leaf_index").value();
  EXPECT_EQ(rows.rows.front().Int("n"), 700);

  // A second indexer that started from a stale view cannot double-index.
  ASSERT_TRUE(log_->Append("k", "late"));
  EXPECT_TRUE(storage::testing::HasCode(store.IndexLeaves(600, {Hash{}}), ErrorCode::kConflict));
  EXPECT_EQ(indexer.Step().value(), 1u);
  EXPECT_EQ(log_->FindByLeafHash(LeafHash("late")).value(), (std::vector<std::uint64_t>{700}));
}

TEST_P(IndexerTest, BackgroundIndexerCatchesUp) {
  LogOptions options;
  options.index_interval = std::chrono::milliseconds(1);
  log_.reset();
  log_ = std::move(Log::Open(*db_, clock_, testing::TestSigner(), options).value());
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(log_->Append("k", std::to_string(i)));
  LogStore store(*db_, log_id_);
  bool caught_up = false;
  for (int i = 0; i < 2000 && !caught_up; ++i) {
    caught_up = store.Load()->indexed_size == 300;
    if (!caught_up) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(caught_up);
  EXPECT_EQ(log_->FindByLeafHash(LeafHash("299")).value(), (std::vector<std::uint64_t>{299}));
}

INSTANTIATE_TEST_SUITE_P(Engines, IndexerTest,
                         ::testing::Values(testing::Engine::kSqlite, testing::Engine::kPostgres),
                         testing::EngineName);

}  // namespace
}  // namespace digitrade::ledger::internal
