#include "ledger/note.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/random.h"

namespace digitrade::ledger {
namespace {

// Known answers published with golang.org/x/mod/sumdb/note (its package
// documentation and tests): a signer key, its verifier key, and the note it
// signs deterministically (Ed25519).
constexpr std::string_view kPeterSigner =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view kPeterVerifier =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view kEnochVerifier =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr std::string_view kText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr std::string_view kPeterSig =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
constexpr std::string_view kEnochSig =
    "\xE2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
    "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

std::string Msg(std::string_view sigs) {
  return std::string(kText) + "\n" + std::string(sigs);
}

std::vector<NoteVerifier> Peter() {
  return {NoteVerifier::FromVerifierKey(kPeterVerifier).value()};
}

TEST(Note, SignsLikeTheGoReference) {
  auto signer = NoteSigner::FromSignerKey(kPeterSigner);
  ASSERT_TRUE(signer) << signer.error().ToString();
  EXPECT_EQ(signer->key_id(), 0xc74f20a3u);
  EXPECT_EQ(signer->VerifierKey(), kPeterVerifier);
  EXPECT_EQ(signer->SignerKey(), kPeterSigner);
  std::vector<NoteSigner> signers{*signer};
  EXPECT_EQ(SignNote(kText, signers).value(), Msg(kPeterSig));
}

TEST(Note, OpensAndReportsUnknownSignatures) {
  auto note = OpenNote(Msg(std::string(kPeterSig) + std::string(kEnochSig)), Peter());
  ASSERT_TRUE(note) << note.error().ToString();
  EXPECT_EQ(note->text, kText);
  ASSERT_EQ(note->verified.size(), 1u);
  EXPECT_EQ(note->verified[0].name, "PeterNeumann");
  EXPECT_EQ(note->verified[0].key_id, 0xc74f20a3u);
  ASSERT_EQ(note->unverified.size(), 1u);
  EXPECT_EQ(note->unverified[0].name, "EnochRoot");
  EXPECT_EQ(note->unverified[0].key_id, 0xaf0cfe78u);
}

TEST(Note, BothKnownKeysVerify) {
  std::vector<NoteVerifier> both = Peter();
  both.push_back(NoteVerifier::FromVerifierKey(kEnochVerifier).value());
  auto note = OpenNote(Msg(std::string(kEnochSig) + std::string(kPeterSig)), both);
  ASSERT_TRUE(note) << note.error().ToString();
  EXPECT_EQ(note->verified.size(), 2u);
}

TEST(Note, RejectsWhenNoKnownKeySigned) {
  auto r = OpenNote(Msg(kEnochSig), Peter());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(r.error().message(), "note has no signature by a known key");
}

TEST(Note, IgnoresSameNameWithOtherKeyId) {
  // Same name, other key ID: an unknown key, ignored; Peter's still counts.
  const std::string other = "\xE2\x80\x94 PeterNeumann AAAAAAAAAA==\n";
  auto note = OpenNote(Msg(other + std::string(kPeterSig)), Peter());
  ASSERT_TRUE(note) << note.error().ToString();
  EXPECT_EQ(note->unverified.size(), 1u);
  // Alone it does not authenticate the note.
  EXPECT_EQ(OpenNote(Msg(other), Peter()).error().code(), ErrorCode::kUnauthenticated);
}

TEST(Note, RejectsABadSignatureFromAKnownKey) {
  std::string sig(kPeterSig);
  sig[sig.size() - 10] = sig[sig.size() - 10] == 'A' ? 'B' : 'A';
  auto r = OpenNote(Msg(sig), Peter());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(r.error().message(), "signature by PeterNeumann does not verify");
  // A valid signature next to it does not save the note.
  EXPECT_FALSE(OpenNote(Msg(std::string(kPeterSig) + sig), Peter()));
  // Nor does changing the text under a good signature.
  std::string tampered = Msg(kPeterSig);
  tampered[0] = 'i';
  EXPECT_EQ(OpenNote(tampered, Peter()).error().code(), ErrorCode::kUnauthenticated);
}

TEST(Note, RejectsMalformedNotes) {
  const std::string good = Msg(kPeterSig);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "note text must end in newline"},
      {std::string(kText), "note has no signature block"},
      {good.substr(0, good.size() - 1), "note text must end in newline"},
      {std::string(kText) + "\n", "note has no signature lines"},
      {std::string(kText) + "\n- PeterNeumann AAAAAAAAAA==\n",
       "signature line does not start with an em dash and a space"},
      {std::string(kText) + "\n\xE2\x80\x94 PeterNeumann\n", "signature line has no signature"},
      {std::string(kText) + "\n\xE2\x80\x94 Peter+Neumann AAAAAAAAAA==\n",
       "signature line has an invalid key name"},
      {std::string(kText) + "\n\xE2\x80\x94  AAAAAAAAAA==\n",
       "signature line has an invalid key name"},
      {std::string(kText) + "\n\xE2\x80\x94 PeterNeumann AAAA\n",
       "signature is not base64 of 5+ bytes"},
      {std::string(kText) + "\n\xE2\x80\x94 PeterNeumann !!!!!!!!\n",
       "signature is not base64 of 5+ bytes"},
      {"tab\there\n" + std::string("\n") + std::string(kPeterSig),
       "note is not UTF-8 without control characters"},
      {"bad \xC0\xAF utf8\n\n" + std::string(kPeterSig),
       "note is not UTF-8 without control characters"},
      {"cr\r\n\n" + std::string(kPeterSig), "note is not UTF-8 without control characters"},
  };
  for (const auto& [msg, want] : cases) {
    auto r = OpenNote(msg, Peter());
    ASSERT_FALSE(r) << msg;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << msg;
    EXPECT_EQ(r.error().message(), want) << msg;
  }
}

TEST(Note, BoundsSizeAndSignatureCount) {
  std::string many;
  for (int i = 0; i < 101; ++i) many += kEnochSig;
  EXPECT_EQ(OpenNote(Msg(many), Peter()).error().message(), "note has over 100 signatures");
  std::string sixteen;
  for (int i = 0; i < 15; ++i) sixteen += kEnochSig;
  EXPECT_TRUE(OpenNote(Msg(sixteen + std::string(kPeterSig)), Peter()));
  const std::string huge = std::string(kMaxNoteSize, 'a') + "\n\n" + std::string(kPeterSig);
  EXPECT_EQ(OpenNote(huge, Peter()).error().message(), "note exceeds 1 MiB");
}

TEST(Note, TextMayContainBlankLines) {
  auto signer = NoteSigner::FromSignerKey(kPeterSigner).value();
  const std::string text = "first\n\nthird\n";
  std::vector<NoteSigner> signers{signer};
  auto msg = SignNote(text, signers).value();
  auto note = OpenNote(msg, Peter());
  ASSERT_TRUE(note) << note.error().ToString();
  EXPECT_EQ(note->text, text);
}

TEST(NoteKeys, RejectsBadVerifierKeys) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "verifier key hash c74f20a4 does not match its name and key (c74f20a3)"},
      {"PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
       "key is not base64: base64: non-zero trailing bits"},
      {"PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWAA==",
       "Ed25519 key is not 32 bytes"},
      {"PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "key type is not Ed25519 (0x01)"},
      {"PeterNeumann+c74f20a3", "key is not name+hash+key"},
      {"+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "key has an invalid name"},
      {"Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "key has an invalid name"},
      {"PeterNeumann+c74f20+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "key hash is not 8 hex digits"},
      {"PeterNeumann+c74f20g3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "key hash is not 8 hex digits"},
  };
  for (const auto& [key, want] : cases) {
    auto r = NoteVerifier::FromVerifierKey(key);
    ASSERT_FALSE(r) << key;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().message(), want) << key;
  }
  EXPECT_FALSE(NoteSigner::FromSignerKey(kPeterVerifier));
  EXPECT_FALSE(NoteSigner::FromSignerKey(
      "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"));
}

TEST(NoteKeys, KeyNames) {
  EXPECT_TRUE(IsValidKeyName("example.com/log42"));
  EXPECT_TRUE(IsValidKeyName("\xE6\x97\xA5\xE5\xBF\x97"));  // 日志
  EXPECT_FALSE(IsValidKeyName(""));
  EXPECT_FALSE(IsValidKeyName("a+b"));
  EXPECT_FALSE(
      IsValidKeyName("a\xE3\x80\x80"
                     "b"));  // U+3000 ideographic space
  EXPECT_FALSE(
      IsValidKeyName("a\xC2\xA0"
                     "b"));  // U+00A0 no-break space
  EXPECT_FALSE(IsValidKeyName("\xFF"));
}

TEST(NoteKeys, GeneratedKeyRoundTrips) {
  crypto::OsRandom random;
  auto key = crypto::Ed25519PrivateKey::Generate(random).value();
  auto signer = NoteSigner::Create("digitrade.example/log/evidence", key).value();
  auto verifier = NoteVerifier::FromVerifierKey(signer.VerifierKey()).value();
  EXPECT_EQ(verifier.key_id(), signer.key_id());
  auto again = NoteSigner::FromSignerKey(signer.SignerKey()).value();
  EXPECT_EQ(again.VerifierKey(), signer.VerifierKey());
  EXPECT_FALSE(NoteSigner::Create("bad name", key));
}

}  // namespace
}  // namespace digitrade::ledger
