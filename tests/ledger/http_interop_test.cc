// The evidence log as served by the real HTTP server: Go's sumdb/note and
// sumdb/tlog read checkpoint, tiles and bundles over HTTP; our LogMonitor
// follows it through HttpFetcher; `digitrade log verify` checks what the
// server hands out, and rejects what it should.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "app/http_fetcher.h"
#include "app/test_env.h"
#include "http/server.h"
#include "ledger/monitor.h"
#include "ledger/proof_json.h"
#include "storage/internal/test_util.h"
#include "subprocess.h"

namespace digitrade::ledger {
namespace {

using testing::ProcessResult;
using testing::RunProcess;

class HttpLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = env_.platform().evidence_log.get();
    ASSERT_NE(log_, nullptr);
    server_ = std::make_unique<http::Server>(http::ServerOptions{.port = 0, .threads = 2},
                                             env_.dispatcher(), logger_);
    ASSERT_TRUE(server_->Start());
    prefix_ = "http://127.0.0.1:" + std::to_string(server_->port()) + "/log/evidence";
    dir_ = std::filesystem::temp_directory_path() / ("dt_http_log_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    server_->Stop();
    std::filesystem::remove_all(dir_);
  }

  void Append(int from, int to) {
    for (int i = from; i < to; ++i) {
      ASSERT_TRUE(log_->Append("http.test", "entry " + std::to_string(i)));
    }
    ASSERT_TRUE(log_->PublishCheckpoint());
  }

  std::string Write(const std::string& name, const std::string& content) {
    const auto p = dir_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }

  int Cli(std::vector<std::string> args) {
    args.insert(args.begin(), DIGITRADE_BIN);
    ProcessResult r = RunProcess(args);
    last_err_ = r.err;
    return r.exit_code;
  }

  app::testing::PlatformEnv env_;
  SystemClock clock_;
  Logger logger_{clock_, nullptr};
  std::unique_ptr<http::Server> server_;
  Log* log_ = nullptr;
  std::string prefix_;
  std::filesystem::path dir_;
  std::string last_err_;
};

TEST_F(HttpLogTest, GoReadsTheLogOverHttp) {
  Append(0, 300);
  const std::string old = Write("old", log_->Checkpoint().value());
  Append(300, 700);
  ProcessResult r =
      RunProcess({TLOGPEER, "check-log", prefix_, log_->verifier().VerifierKey(), old});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok digitrade.test/log/evidence 700 entries 1 older checkpoints\n");
}

TEST_F(HttpLogTest, MonitorFollowsTheServer) {
  auto fetcher = app::HttpFetcher::Create(prefix_).value();
  LogMonitor monitor(log_->hasher(), log_->verifier(), *fetcher);
  EXPECT_EQ(monitor.Poll().value(), MonitorVerdict::kFirst);
  Append(0, 600);
  EXPECT_EQ(monitor.Poll().value(), MonitorVerdict::kGrew);
  EXPECT_EQ(monitor.last()->checkpoint.size, 600u);
  EXPECT_TRUE(storage::testing::HasCode(fetcher->Fetch("tile/0/x999/000"), ErrorCode::kNotFound));
  EXPECT_TRUE(storage::testing::HasCode(app::HttpFetcher::Create("ftp://example.com/log"),
                                        ErrorCode::kInvalidArgument));
  EXPECT_TRUE(storage::testing::HasCode(
      app::HttpFetcher::Create("https://example.com/log", "/nonexistent-ca.pem"),
      ErrorCode::kInvalidArgument));
  auto down = app::HttpFetcher::Create("http://127.0.0.1:1/log/evidence").value();
  EXPECT_TRUE(storage::testing::HasCode(down->Fetch("checkpoint"), ErrorCode::kUnavailable));
}

TEST_F(HttpLogTest, CliVerifiesWhatTheServerServes) {
  Append(0, 40);
  const std::string old = Write("old", log_->Checkpoint().value());
  Append(40, 100);
  auto fetcher = app::HttpFetcher::Create(prefix_).value();
  const std::string cp = Write("cp", fetcher->Fetch("checkpoint").value());
  const std::string key = log_->verifier().VerifierKey();
  const std::string inc = fetcher->Fetch("proof/inclusion?index=17&tree_size=100").value();
  const std::string con = fetcher->Fetch("proof/consistency?size1=40&size2=100").value();
  const std::string entry = Write("entry", EncodeLeaf("http.test", "entry 17").value());

  EXPECT_EQ(
      Cli({"log", "verify", "--checkpoint", cp, "--key", key, "--inclusion", Write("inc", inc),
           "--entry", entry, "--consistency", Write("con", con), "--old-checkpoint", old}),
      0)
      << last_err_;
  // Negative verdicts: another entry, a tampered proof, a foreign key.
  EXPECT_EQ(Cli({"log", "verify", "--checkpoint", cp, "--key", key, "--inclusion",
                 Write("inc", inc), "--entry", Write("other", "http.test\nentry 18")}),
            1);
  auto doc = InclusionProofDoc::Parse(inc).value();
  doc.proof[1][0] ^= 1;
  EXPECT_EQ(Cli({"log", "verify", "--checkpoint", cp, "--key", key, "--inclusion",
                 Write("bad", doc.ToJson())}),
            1);
  EXPECT_EQ(
      Cli({"log", "verify", "--checkpoint", cp, "--key",
           "digitrade.test/log/evidence+00000000+AWI+0LxHHKeyuJPCudeHFYghc4igHH4JIT2+ivmejo/D"}),
      2);  // a key whose hash does not match: unusable input
  auto other = NoteSigner::Create(
                   "digitrade.test/log/evidence",
                   crypto::Ed25519PrivateKey::FromSeed(std::vector<std::uint8_t>(32, 3)).value())
                   .value();
  EXPECT_EQ(Cli({"log", "verify", "--checkpoint", cp, "--key", other.VerifierKey()}), 1);
  // This log hashes with SHA-256: checked as an SM3 log, the proof fails.
  EXPECT_EQ(Cli({"log", "verify", "--checkpoint", cp, "--key", key, "--inclusion",
                 Write("inc", inc), "--hash", "sm3"}),
            1);
  EXPECT_EQ(Cli({"log", "verify", "--checkpoint", cp, "--key", key, "--hash", "md5"}), 2);
  // Unusable input: not a checkpoint, a proof for another size.
  EXPECT_EQ(Cli({"log", "verify", "--checkpoint", entry, "--key", key}), 2);
  EXPECT_EQ(
      Cli({"log", "verify", "--checkpoint", old, "--key", key, "--inclusion", Write("inc", inc)}),
      2);
}

TEST_F(HttpLogTest, CliMonitorPollsAndKeepsState) {
  Append(0, 10);
  const std::string state = (dir_ / "state").string();
  EXPECT_EQ(Cli({"log", "monitor", prefix_, "--key", log_->verifier().VerifierKey(), "--state",
                 state, "--polls", "1"}),
            0)
      << last_err_;
  Append(10, 20);
  EXPECT_EQ(Cli({"log", "monitor", prefix_, "--key", log_->verifier().VerifierKey(), "--state",
                 state, "--polls", "1", "--interval", "0"}),
            0)
      << last_err_;
  std::ifstream in(state);
  const std::string note((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(note.find("\n20\n"), std::string::npos) << note;
}

}  // namespace
}  // namespace digitrade::ledger
