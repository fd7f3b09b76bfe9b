#include "ledger/checkpoint.h"

#include <gtest/gtest.h>

#include "crypto/base64.h"

namespace digitrade::ledger {
namespace {

constexpr std::string_view kRootB64 = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";

TEST(Checkpoint, ParsesTheSpecExample) {
  const std::string text = "example.com/behind-the-sofa\n20852163\n" + std::string(kRootB64) + "\n";
  auto c = Checkpoint::Parse(text);
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(c->size, 20852163u);
  EXPECT_EQ(crypto::Base64Encode(c->root), kRootB64);
  EXPECT_TRUE(c->extensions.empty());
  EXPECT_EQ(c->ToText(), text);
}

TEST(Checkpoint, KeepsExtensionLines) {
  const std::string text = "o\n0\n" + std::string(kRootB64) + "\next one\next two\n";
  auto c = Checkpoint::Parse(text).value();
  EXPECT_EQ(c.extensions, (std::vector<std::string>{"ext one", "ext two"}));
  EXPECT_EQ(c.ToText(), text);
}

TEST(Checkpoint, RejectsMalformedText) {
  const std::string r(kRootB64);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"o\n1\n", "checkpoint has fewer than three lines"},
      {"o\n1\n" + r, "note text must end in newline"},
      {"\n1\n" + r + "\n", "checkpoint origin is empty"},
      {"o\n01\n" + r + "\n", "checkpoint tree size \"01\" is not a decimal without leading zeroes"},
      {"o\n-1\n" + r + "\n", "checkpoint tree size \"-1\" is not a decimal without leading zeroes"},
      {"o\n+1\n" + r + "\n", "checkpoint tree size \"+1\" is not a decimal without leading zeroes"},
      {"o\n\n" + r + "\n", "checkpoint tree size \"\" is not a decimal without leading zeroes"},
      {"o\n9223372036854775808\n" + r + "\n",
       "checkpoint tree size \"9223372036854775808\" is out of range"},
      {"o\n99999999999999999999999\n" + r + "\n",
       "checkpoint tree size \"99999999999999999999999\" is out of range"},
      {"o\n1\nAAAA\n", "checkpoint root hash: a hash is 32 bytes, got 3"},
      {"o\n1\n" + r + "\n\n", "checkpoint has an empty extension line"},
  };
  for (const auto& [text, want] : cases) {
    auto c = Checkpoint::Parse(text);
    ASSERT_FALSE(c) << text;
    EXPECT_EQ(c.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(c.error().message(), want) << text;
  }
  // A root that is not canonical base64 is rejected by the strict decoder.
  EXPECT_FALSE(Checkpoint::Parse("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n"));
}

TEST(Checkpoint, OpensSignedCheckpointAndChecksOrigin) {
  auto signer = NoteSigner::Create(
                    "example.com/log",
                    crypto::Ed25519PrivateKey::FromSeed(std::vector<std::uint8_t>(32, 7)).value())
                    .value();
  Checkpoint c{"example.com/log", 5, {}, {}};
  c.root[0] = 0xab;
  std::vector<NoteSigner> signers{signer};
  const std::string note = SignNote(c.ToText(), signers).value();
  std::vector<NoteVerifier> verifiers{signer.Verifier()};
  EXPECT_EQ(OpenCheckpoint(note, "example.com/log", verifiers).value(), c);
  auto other = OpenCheckpoint(note, "example.com/other", verifiers);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code(), ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace digitrade::ledger
