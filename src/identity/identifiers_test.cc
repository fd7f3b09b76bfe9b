#include "identity/identifiers.h"

#include <gtest/gtest.h>

namespace digitrade::identity {
namespace {

// Published codes of real entities.
TEST(Uscc, AcceptsValidCodes) {
  EXPECT_TRUE(ValidateUscc("91350100M000100Y43"));
  EXPECT_TRUE(ValidateUscc("91110000802100433B"));
}

TEST(Uscc, ReportsTheExpectedCheckCharacter) {
  auto r = ValidateUscc("91350100M000100Y44");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message(), "USCC check character is '4', expected '3'");
}

TEST(Uscc, RejectsLengthCharsetAndDivision) {
  EXPECT_EQ(ValidateUscc("91350100M000100Y4").error().message(),
            "USCC must have 18 characters, this one has 17");
  EXPECT_NE(ValidateUscc("91350100M0001O0Y43").error().message().find("character 14 ('O')"),
            std::string::npos);
  EXPECT_NE(ValidateUscc("913501A0M000100Y43").error().message().find("administrative division"),
            std::string::npos);
}

TEST(Uscc, CheckCharacterForGeneratedCodes) {
  std::string c = "91110108MA01ABCD0";
  c += UsccCheckCharacter(c);
  EXPECT_TRUE(ValidateUscc(c));
}

TEST(Lei, AcceptsValidCodes) {
  EXPECT_TRUE(ValidateLei("HWUPKR0MPOU8FGXBT394"));
  EXPECT_TRUE(ValidateLei("7LTWFZYICNSX8D621K86"));
  EXPECT_TRUE(ValidateLei("529900T8BM49AURSDO55"));
}

TEST(Lei, RejectsBadCheckDigitsAndCharacters) {
  EXPECT_EQ(ValidateLei("HWUPKR0MPOU8FGXBT395").error().message(),
            "LEI check digits do not verify (ISO 7064 MOD 97-10)");
  EXPECT_EQ(ValidateLei("HWUPKR0MPOU8FGXBT39").error().message(),
            "LEI must have 20 characters, this one has 19");
  EXPECT_NE(ValidateLei("HWUPKR0MPOU8FGXBT3-4").error().message().find("character 19"),
            std::string::npos);
  EXPECT_FALSE(ValidateLei("HWUPKR0MPOU8FGXBT3A4"));
}

TEST(Identifiers, NormalizeAndDispatch) {
  EXPECT_EQ(NormalizeIdentifier("  hwupkr0mpou8fgxbt394\n"), "HWUPKR0MPOU8FGXBT394");
  EXPECT_TRUE(ValidateIdentifier(IdentifierScheme::kLei, "HWUPKR0MPOU8FGXBT394"));
  EXPECT_EQ(ParseScheme("duns").error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace digitrade::identity
