#include "crypto/ed25519.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"

namespace digitrade::crypto {
namespace {

// RFC 8032 §7.1, TEST 1 (empty message) and TEST 2 (one byte 0x72).
TEST(Ed25519, Rfc8032Vectors) {
  auto k = Ed25519PrivateKey::FromSeed(
      FromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60").value());
  ASSERT_TRUE(k);
  EXPECT_EQ(ToHex(k->public_key()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  EXPECT_EQ(ToHex(k->Sign(std::string_view())),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39"
            "701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  auto k2 = Ed25519PrivateKey::FromSeed(
      FromHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb").value());
  const std::uint8_t msg[] = {0x72};
  EXPECT_EQ(ToHex(k2->Sign(msg)),
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f36"
            "13d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
  EXPECT_TRUE(Ed25519Verify(k2->public_key(), msg, k2->Sign(msg)));
}

TEST(Ed25519, RejectsTamperedAndMalformed) {
  OsRandom rnd;
  auto k = Ed25519PrivateKey::Generate(rnd).value();
  auto sig = k.Sign(std::string_view("hello"));
  const std::string_view m = "hello";
  std::span<const std::uint8_t> msg(reinterpret_cast<const std::uint8_t*>(m.data()), m.size());
  EXPECT_TRUE(Ed25519Verify(k.public_key(), msg, sig));
  sig[10] ^= 1;
  EXPECT_FALSE(Ed25519Verify(k.public_key(), msg, sig));
  sig.pop_back();
  EXPECT_FALSE(Ed25519Verify(k.public_key(), msg, sig));
  EXPECT_FALSE(Ed25519PrivateKey::FromSeed(std::vector<std::uint8_t>(31)));
}

}  // namespace
}  // namespace digitrade::crypto
