#include "crypto/aead.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"
#include "crypto/test_util.h"

namespace digitrade::crypto {
namespace {

using testing::AsBytes;

// A Random that returns fixed bytes, for the known-answer test.
class FixedRandom final : public Random {
 public:
  explicit FixedRandom(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}
  Status Fill(std::uint8_t* out, std::size_t n) override {
    for (std::size_t i = 0; i < n; ++i) out[i] = bytes_[i % bytes_.size()];
    return {};
  }

 private:
  std::vector<std::uint8_t> bytes_;
};

// Test Case 14 of the GCM specification (McGrew and Viega, as submitted to
// NIST): K = 0^256, IV = 0^96, P = 0^128, no AAD; C || T.
TEST(Aead, AesGcmKnownAnswer) {
  const std::vector<std::uint8_t> key(32, 0);
  FixedRandom zero({0});
  auto sealed = Seal(key, std::vector<std::uint8_t>(16, 0), {}, zero).value();
  EXPECT_EQ(ToHex(std::span(sealed).subspan(12)),
            "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919");
}

TEST(Aead, RoundTripAndTamper) {
  OsRandom random;
  auto key = random.Bytes(32).value();
  auto sealed = Seal(key, AsBytes("secret key"), AsBytes("sk_1"), random).value();
  EXPECT_EQ(testing::AsString(Open(key, sealed, AsBytes("sk_1")).value()), "secret key");
  auto other_aad = Open(key, sealed, AsBytes("sk_2"));
  ASSERT_FALSE(other_aad);
  EXPECT_EQ(other_aad.error().code(), ErrorCode::kUnauthenticated);
  sealed[14] ^= 1;
  EXPECT_EQ(Open(key, sealed, AsBytes("sk_1")).error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(Open(key, std::span(sealed).first(20), AsBytes("sk_1")).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(Seal(std::vector<std::uint8_t>(16), AsBytes("x"), {}, random).error().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace digitrade::crypto
