// Interoperability with an independent implementation: Go's
// golang.org/x/mod/sumdb/note and sumdb/tlog, driven through tlogpeer
// (tests/ledger/interop/main.go, built by CMake from Debian's sources).
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/base64.h"
#include "crypto/random.h"
#include "ledger/checkpoint.h"
#include "ledger/internal/test_env.h"
#include "ledger/log.h"
#include "ledger/note.h"
#include "subprocess.h"

namespace digitrade::ledger {
namespace {

using testing::ProcessResult;
using testing::RunProcess;

ProcessResult Peer(std::vector<std::string> args, const std::string& input = "") {
  args.insert(args.begin(), TLOGPEER);
  return RunProcess(args, input);
}

NoteSigner NewSigner(const std::string& name) {
  crypto::OsRandom random;
  return NoteSigner::Create(name, crypto::Ed25519PrivateKey::Generate(random).value()).value();
}

std::string SampleCheckpointText(const std::string& origin) {
  Checkpoint c{origin, 1234567, {}, {}};
  for (std::size_t i = 0; i < c.root.size(); ++i) c.root[i] = static_cast<std::uint8_t>(i * 7);
  return c.ToText();
}

TEST(GoInterop, GoOpensOurCheckpoints) {
  const NoteSigner signer = NewSigner("digitrade.example/log/evidence");
  const std::string text = SampleCheckpointText("digitrade.example/log/evidence");
  const std::string note = SignNote(text, std::vector<NoteSigner>{signer}).value();
  ProcessResult r = Peer({"open", signer.VerifierKey()}, note);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, text);
  // The peer really checks: a changed size or a stranger's key fails.
  std::string tampered = note;
  tampered[tampered.find("1234567")] = '2';
  EXPECT_EQ(Peer({"open", signer.VerifierKey()}, tampered).exit_code, 1);
  EXPECT_EQ(
      Peer({"open", NewSigner("digitrade.example/log/evidence").VerifierKey()}, note).exit_code, 1);
}

TEST(GoInterop, GoOpensNotesWithSeveralSignatures) {
  const NoteSigner log = NewSigner("digitrade.example/log");
  const NoteSigner witness = NewSigner("witness.example/w1");
  const std::string text = SampleCheckpointText("digitrade.example/log");
  const std::string note = SignNote(text, std::vector<NoteSigner>{log, witness}).value();
  EXPECT_EQ(Peer({"open", witness.VerifierKey()}, note).exit_code, 0);
  EXPECT_EQ(Peer({"open", log.VerifierKey(), witness.VerifierKey()}, note).exit_code, 0);
}

TEST(GoInterop, WeOpenNotesGoSigns) {
  ProcessResult keys = Peer({"genkey", "go.example/log"});
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  const std::string skey = keys.out.substr(0, keys.out.find('\n'));
  const std::string vkey = keys.out.substr(skey.size() + 1, keys.out.size() - skey.size() - 2);
  const std::string text = SampleCheckpointText("go.example/log");
  ProcessResult signed_note = Peer({"sign", skey}, text);
  ASSERT_EQ(signed_note.exit_code, 0) << signed_note.err;

  std::vector<NoteVerifier> verifiers{NoteVerifier::FromVerifierKey(vkey).value()};
  auto c = OpenCheckpoint(signed_note.out, "go.example/log", verifiers);
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->ToText(), text);

  // Go's signer key is ours too, and Ed25519 is deterministic: same bytes.
  auto signer = NoteSigner::FromSignerKey(skey);
  ASSERT_TRUE(signer) << signer.error().ToString();
  EXPECT_EQ(signer->VerifierKey(), vkey);
  EXPECT_EQ(SignNote(text, std::vector<NoteSigner>{*signer}).value(), signed_note.out);
}

TEST(GoInterop, BothRejectTheSameMalformedNotes) {
  const NoteSigner signer = NewSigner("digitrade.example/log");
  const std::string text = SampleCheckpointText("digitrade.example/log");
  const std::string good = SignNote(text, std::vector<NoteSigner>{signer}).value();
  const std::vector<std::string> bad = {
      good.substr(0, good.size() - 1),                  // no final newline
      text,                                             // no signatures
      "\t" + good,                                      // control character
      text + "\n- " + good.substr(good.find(' ') + 1),  // not an em dash
  };
  std::vector<NoteVerifier> verifiers{signer.Verifier()};
  for (const std::string& msg : bad) {
    EXPECT_EQ(Peer({"open", signer.VerifierKey()}, msg).exit_code, 1) << msg;
    EXPECT_FALSE(OpenNote(msg, verifiers)) << msg;
  }
}

// --- tiles and proofs, checked by sumdb/tlog -------------------------------

void WriteFile(const std::filesystem::path& p, const std::string& bytes) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

// Writes the log's checkpoint and every tile and entry bundle of its current
// tree under `dir`, as a static tlog-tiles server would lay them out.
void ExportTiles(Log& log, const std::filesystem::path& dir, const std::string& checkpoint) {
  WriteFile(dir / "checkpoint", checkpoint);
  const std::uint64_t size = log.Size().value();
  for (unsigned level = 0; LevelHashCount(size, level) > 0; ++level) {
    const std::uint64_t full = FullTileCount(size, level);
    const unsigned partial = PartialTileWidth(size, level);
    for (std::uint64_t n = 0; n <= full; ++n) {
      const unsigned width = n < full ? kTileWidth : partial;
      if (width == 0) continue;
      for (bool entries : {false, true}) {
        if (entries && level > 0) continue;
        const TileId tile{entries, level, n, width};
        WriteFile(dir / TilePath(tile), log.ReadTile(tile).value());
      }
    }
  }
}

std::string ProofJson(const std::string& head, const std::vector<Hash>& proof) {
  std::string json = "{" + head + ",\"proof\":[";
  for (std::size_t i = 0; i < proof.size(); ++i) {
    json += (i ? ",\"" : "\"") + crypto::Base64Encode(proof[i]) + "\"";
  }
  return json + "]}";
}

class GoTlogInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    ASSERT_TRUE(env_.Setup(&why)) << why;
    db_ = std::move(env_.Open().value());
    log_ = std::move(Log::Open(*db_, clock_, testing::TestSigner()).value());
  }

  // Appends entries numbered from..to-1 from several threads at once.
  void AppendRange(int from, int to) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t) {
      threads.emplace_back([&, t] {
        for (int i = from + t; i < to; i += 16) {
          ASSERT_TRUE(log_->Append("interop.entry", "entry " + std::to_string(i)));
        }
      });
    }
    for (auto& th : threads) th.join();
  }

  storage::testing::TempDir dir_;
  testing::TestDatabase env_{testing::Engine::kSqlite};
  std::unique_ptr<storage::Database> db_;
  FakeClock clock_;
  std::unique_ptr<Log> log_;
};

TEST_F(GoTlogInterop, GoRebuildsRootsAndProofsFromOurTiles) {
  std::vector<std::filesystem::path> old;
  int n = 0;
  for (int target : {1, 255, 256, 257, 700, 1300}) {
    AppendRange(n, target);
    n = target;
    const std::string cp = log_->PublishCheckpoint().value();
    old.push_back(dir_.path() / ("old-" + std::to_string(n)));
    WriteFile(old.back(), cp);
  }
  ExportTiles(*log_, dir_.path() / "log", log_->Checkpoint().value());
  std::vector<std::string> args = {"check-log", (dir_.path() / "log").string(),
                                   log_->verifier().VerifierKey()};
  for (const auto& p : old) args.push_back(p.string());
  ProcessResult r = Peer(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok digitrade.test/log/evidence 1300 entries 6 older checkpoints\n");

  // The peer notices a tile that lies about one hash.
  const auto tile = dir_.path() / "log" / TilePath({false, 0, 2, 256});
  std::string bytes = log_->ReadTile({false, 0, 2, 256}).value();
  bytes[40] ^= 1;
  WriteFile(tile, bytes);
  EXPECT_EQ(Peer(args).exit_code, 1);
}

TEST_F(GoTlogInterop, GoChecksOurProofs) {
  AppendRange(0, 777);
  const Checkpoint head =
      Checkpoint::Parse(
          OpenNote(log_->PublishCheckpoint().value(), std::vector{log_->verifier()}).value().text)
          .value();
  for (std::uint64_t index : {0u, 1u, 255u, 256u, 500u, 776u}) {
    const Hash leaf = log_->hasher().HashLeaf(
        AsBytes(EncodeLeaf("interop.entry", log_->GetEntry(index)->data).value()));
    auto proof = log_->InclusionProof(index, head.size).value();
    const std::string head_json = "\"kind\":\"inclusion\",\"index\":" + std::to_string(index) +
                                  ",\"size\":" + std::to_string(head.size) + ",\"leaf_hash\":\"" +
                                  crypto::Base64Encode(leaf) + "\",\"root\":\"" +
                                  crypto::Base64Encode(head.root) + "\"";
    ProcessResult ok = Peer({"check-proof"}, ProofJson(head_json, proof));
    EXPECT_EQ(ok.exit_code, 0) << index << ": " << ok.err;
    proof.front()[0] ^= 1;
    EXPECT_EQ(Peer({"check-proof"}, ProofJson(head_json, proof)).exit_code, 1) << index;
  }
  for (std::uint64_t size1 : {1u, 2u, 3u, 256u, 257u, 500u}) {
    auto proof = log_->ConsistencyProof(size1, head.size).value();
    const std::string head_json = "\"kind\":\"consistency\",\"size1\":" + std::to_string(size1) +
                                  ",\"size2\":" + std::to_string(head.size) + ",\"root1\":\"" +
                                  crypto::Base64Encode(log_->RootAt(size1).value()) +
                                  "\",\"root2\":\"" + crypto::Base64Encode(head.root) + "\"";
    ProcessResult ok = Peer({"check-proof"}, ProofJson(head_json, proof));
    EXPECT_EQ(ok.exit_code, 0) << size1 << ": " << ok.err;
    if (proof.empty()) continue;
    proof.back()[3] ^= 1;
    EXPECT_EQ(Peer({"check-proof"}, ProofJson(head_json, proof)).exit_code, 1) << size1;
  }
}

}  // namespace
}  // namespace digitrade::ledger
