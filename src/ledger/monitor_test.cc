#include "ledger/monitor.h"

#include <gtest/gtest.h>

#include "ledger/internal/test_env.h"
#include "ledger/log.h"
#include "ledger/proof_json.h"

namespace digitrade::ledger {
namespace {

using storage::testing::HasCode;

// Serves a Log's resources the way the HTTP API does, and can switch to
// another log mid-test (a server that starts lying).
class LocalFetcher : public LogFetcher {
 public:
  explicit LocalFetcher(Log* log) : log_(log) {}
  void Switch(Log* log) { log_ = log; }
  // Serve this note as the checkpoint instead of the log's (a stale cache).
  void ServeCheckpoint(std::string note) { checkpoint_ = std::move(note); }
  Result<std::string> Fetch(std::string_view path) override {
    ++fetches;
    if (path == "checkpoint") return checkpoint_.empty() ? log_->Checkpoint() : checkpoint_;
    DT_ASSIGN_OR_RETURN(TileId tile, ParseTilePath(path));
    return log_->ReadTile(tile);
  }
  int fetches = 0;

 private:
  Log* log_;
  std::string checkpoint_;
};

class MonitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto* env : {&env_a_, &env_b_}) {
      std::string why;
      ASSERT_TRUE(env->Setup(&why)) << why;
    }
    db_a_ = std::move(env_a_.Open().value());
    db_b_ = std::move(env_b_.Open().value());
    a_ = std::move(Log::Open(*db_a_, clock_, testing::TestSigner()).value());
  }

  void Grow(Log& log, int n, const std::string& tag) {
    for (int i = 0; i < n; ++i) ASSERT_TRUE(log.Append("k", tag + std::to_string(i)));
    ASSERT_TRUE(log.PublishCheckpoint());
  }

  testing::TestDatabase env_a_{testing::Engine::kSqlite};
  testing::TestDatabase env_b_{testing::Engine::kSqlite};
  std::unique_ptr<storage::Database> db_a_;
  std::unique_ptr<storage::Database> db_b_;
  FakeClock clock_;
  std::unique_ptr<Log> a_;
};

TEST_F(MonitorTest, FollowsAnHonestLog) {
  LocalFetcher fetcher(a_.get());
  LogMonitor monitor(a_->hasher(), a_->verifier(), fetcher);
  EXPECT_EQ(monitor.Poll().value(), MonitorVerdict::kFirst);  // the empty tree
  Grow(*a_, 3, "x");
  EXPECT_EQ(monitor.Poll().value(), MonitorVerdict::kGrew);
  EXPECT_EQ(monitor.Poll().value(), MonitorVerdict::kUnchanged);
  Grow(*a_, 600, "y");
  EXPECT_EQ(monitor.Poll().value(), MonitorVerdict::kGrew);
  EXPECT_EQ(monitor.last()->checkpoint.size, 603u);
}

// Operator B holds the same key and publishes a different history: the
// monitor must refuse to move from A's checkpoint to B's.
TEST_F(MonitorTest, DetectsAFork) {
  auto b = Log::Open(*db_b_, clock_, testing::TestSigner()).value();
  Grow(*a_, 300, "honest");
  Grow(*b, 100, "honest");  // a shared prefix would be fine...
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(b->Append("k", "evil" + std::to_string(i)));
  ASSERT_TRUE(b->PublishCheckpoint());  // ...but B's entries 100.. differ
  Grow(*b, 200, "more");

  LocalFetcher fetcher(a_.get());
  LogMonitor monitor(a_->hasher(), a_->verifier(), fetcher);
  ASSERT_EQ(monitor.Poll().value(), MonitorVerdict::kFirst);
  fetcher.Switch(b.get());
  auto r = monitor.Poll();
  EXPECT_TRUE(HasCode(r, ErrorCode::kDataLoss, "forked"));
  ASSERT_TRUE(monitor.evidence());
  EXPECT_EQ(monitor.evidence()->checkpoint.size, 400u);
  EXPECT_EQ(monitor.last()->checkpoint.size, 300u);  // still A's
}

TEST_F(MonitorTest, DetectsTwoRootsForOneSize) {
  auto b = Log::Open(*db_b_, clock_, testing::TestSigner()).value();
  Grow(*a_, 5, "a");
  Grow(*b, 5, "b");
  LocalFetcher fetcher(a_.get());
  LogMonitor monitor(a_->hasher(), a_->verifier(), fetcher);
  ASSERT_EQ(monitor.Poll().value(), MonitorVerdict::kFirst);
  fetcher.Switch(b.get());
  EXPECT_TRUE(HasCode(monitor.Poll(), ErrorCode::kDataLoss, "two different roots"));
}

TEST_F(MonitorTest, IgnoresStaleAndRejectsForeignCheckpoints) {
  LocalFetcher fetcher(a_.get());
  Grow(*a_, 10, "a");
  LogMonitor monitor(a_->hasher(), a_->verifier(), fetcher);
  ASSERT_TRUE(monitor.Trust(a_->Checkpoint().value()));
  Grow(*a_, 10, "b");
  const std::string older = a_->Checkpoint().value();
  Grow(*a_, 10, "c");
  ASSERT_EQ(monitor.Poll().value(), MonitorVerdict::kGrew);
  fetcher.ServeCheckpoint(older);
  EXPECT_EQ(monitor.Poll().value(), MonitorVerdict::kStale);
  EXPECT_EQ(monitor.last()->checkpoint.size, 30u);
  fetcher.ServeCheckpoint("");

  auto other_key =
      Log::Open(*db_b_, clock_, testing::TestSigner("digitrade.test/log/evidence", 7)).value();
  fetcher.Switch(other_key.get());
  EXPECT_TRUE(HasCode(monitor.Poll(), ErrorCode::kUnauthenticated));
  EXPECT_FALSE(monitor.Trust("not a note"));
}

TEST_F(MonitorTest, ProofsFromRemoteTilesMatchTheLogs) {
  Grow(*a_, 700, "p");
  LocalFetcher fetcher(a_.get());
  for (std::uint64_t index : {0u, 255u, 256u, 699u}) {
    EXPECT_EQ(FetchInclusionProof(a_->hasher(), fetcher, index, 700).value(),
              a_->InclusionProof(index, 700).value());
  }
  EXPECT_EQ(FetchConsistencyProof(a_->hasher(), fetcher, 300, 700).value(),
            a_->ConsistencyProof(300, 700).value());
}

TEST(ProofJson, RoundTripsAndRejectsHostileInput) {
  InclusionProofDoc inc{10, 3, {}, {Hash{}, Hash{}}};
  inc.leaf_hash[0] = 7;
  EXPECT_EQ(InclusionProofDoc::Parse(inc.ToJson())->leaf_hash, inc.leaf_hash);
  ConsistencyProofDoc con{2, 10, {Hash{}}};
  EXPECT_EQ(ConsistencyProofDoc::Parse(con.ToJson())->size2, 10u);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"[]", "expected an object at the top level"},
      {R"({"size1":1,"size2":2,"proof":[],"x":1})", "/x"},
      {R"({"size1":-1,"size2":2,"proof":[]})", "/size1: expected an integer in 0..2^63-1"},
      {R"({"size1":1.5,"size2":2,"proof":[]})", "/size1: expected an integer in 0..2^63-1"},
      {R"({"size1":18446744073709551615,"size2":2,"proof":[]})", "/size1"},
      {R"({"size1":1,"size2":2})", "/proof: expected an array"},
      {R"({"size1":1,"size2":2,"proof":["AAAA"]})", "/proof/0: a hash is 32 bytes, got 3"},
      {R"({"size1":1,"size2":2,"proof":[7]})", "/proof/0: expected a base64 string"},
      {R"({"size2":2,"proof":[]})", "/size1: missing"},
  };
  for (const auto& [json, want] : bad) {
    auto r = ConsistencyProofDoc::Parse(json);
    ASSERT_FALSE(r) << json;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << json;
    EXPECT_NE(r.error().message().find(want), std::string::npos) << r.error().message();
  }
  std::string many = R"({"size1":1,"size2":2,"proof":[)";
  for (int i = 0; i < 65; ++i) {
    many += std::string(i ? "," : "") + "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"";
  }
  EXPECT_TRUE(HasCode(ConsistencyProofDoc::Parse(many + "]}"), ErrorCode::kInvalidArgument,
                      "more than 64"));
  EXPECT_TRUE(HasCode(InclusionProofDoc::Parse(R"({"tree_size":1,"index":0,"proof":[]})"),
                      ErrorCode::kInvalidArgument, "/leaf_hash: missing"));
}

}  // namespace
}  // namespace digitrade::ledger
