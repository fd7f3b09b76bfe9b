#include "crypto/base64.h"

#include <gtest/gtest.h>

namespace digitrade::crypto {
namespace {

std::string Str(const std::vector<std::uint8_t>& v) { return std::string(v.begin(), v.end()); }

// RFC 4648 §10 test vectors.
TEST(Base64, Rfc4648Vectors) {
  const char* in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(Base64Encode(std::string_view(in[i])), out[i]);
    EXPECT_EQ(Str(Base64Decode(out[i]).value()), in[i]);
  }
}

TEST(Base64, UrlAlphabetWithoutPadding) {
  const std::vector<std::uint8_t> d = {0xfb, 0xff};
  EXPECT_EQ(Base64UrlEncode(d), "-_8");
  EXPECT_EQ(Base64UrlDecode("-_8").value(), d);
}

TEST(Base64, StrictDecoding) {
  EXPECT_FALSE(Base64Decode("Zm9"));        // bad length
  EXPECT_FALSE(Base64Decode("Zm9v!A=="));   // bad character
  EXPECT_FALSE(Base64Decode("Zh=="));       // non-zero trailing bits
  EXPECT_FALSE(Base64UrlDecode("Zm9v+"));   // standard alphabet in url form
}

// Whole groups of four are decoded together, the rest one by one: every
// length round-trips, and a bad character is reported where it is.
TEST(Base64, EveryLengthRoundTripsAndBadCharactersAreLocated) {
  std::vector<std::uint8_t> d;
  for (int n = 0; n < 40; ++n) {
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(d)).value(), d) << n;
    EXPECT_EQ(Base64Decode(Base64Encode(d)).value(), d) << n;
    d.push_back(static_cast<std::uint8_t>(n * 37 + 11));
  }
  auto bad = Base64UrlDecode("Zm9vYmFyZm9v*mFy");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("position 12"), std::string::npos) << bad.error().message();
  bad = Base64UrlDecode("Zm9vYmFyZm9vYm.");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("position 14"), std::string::npos) << bad.error().message();
}

}  // namespace
}  // namespace digitrade::crypto
