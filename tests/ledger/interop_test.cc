// Interoperability with an independent implementation: Go's
// golang.org/x/mod/sumdb/note and sumdb/tlog, driven through tlogpeer
// (tests/ledger/interop/main.go, built by CMake from Debian's sources).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/random.h"
#include "ledger/checkpoint.h"
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
  EXPECT_EQ(Peer({"open", NewSigner("digitrade.example/log/evidence").VerifierKey()}, note).exit_code,
            1);
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

}  // namespace
}  // namespace digitrade::ledger
