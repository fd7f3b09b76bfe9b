#include "crypto/hash.h"

#include <gtest/gtest.h>

namespace digitrade::crypto {
namespace {

// Known answers: FIPS 180-4 examples ("abc") and GB/T 32905-2016 Appendix A.
TEST(Hash, KnownAnswers) {
  EXPECT_EQ(ToHex(Hash(HashAlgorithm::kSha256, "abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ToHex(Hash(HashAlgorithm::kSha384, "abc")),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            "8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(ToHex(Hash(HashAlgorithm::kSm3, "abc")),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

TEST(Hash, IncrementalEqualsOneShot) {
  Hasher h(HashAlgorithm::kSm3);
  h.Update("ab");
  h.Update("c");
  EXPECT_EQ(h.Finish(), Hash(HashAlgorithm::kSm3, "abc"));
}

TEST(Hash, NamesRoundTrip) {
  EXPECT_EQ(ParseHashName("SHA256").value(), HashAlgorithm::kSha256);
  EXPECT_EQ(HashName(ParseHashName("sm3").value()), "sm3");
  EXPECT_EQ(ParseHashName("md5").error().code(), ErrorCode::kInvalidArgument);
}

TEST(Hex, RejectsBadDigits) {
  EXPECT_EQ(FromHex("0g").error().message(), "invalid hex digit");
  EXPECT_EQ(FromHex("abc").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ToHex(FromHex("00ff10").value()), "00ff10");
}

}  // namespace
}  // namespace digitrade::crypto
