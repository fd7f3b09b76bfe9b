#include "trade/einvoice/xml_document.h"

#include <gtest/gtest.h>

#include <string>

namespace digitrade::trade::einvoice {
namespace {

constexpr const char* kUbl =
    "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"/>";

struct BadCase {
  const char* name;
  std::string xml;
  ErrorCode code;
  const char* message_part;
};

class XmlDocumentBad : public testing::TestWithParam<BadCase> {};

TEST_P(XmlDocumentBad, RefusedWithPreciseError) {
  const auto& c = GetParam();
  auto d = XmlDocument::Parse(c.xml, ParseLimits{.max_bytes = 1 << 20, .max_depth = 64});
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code(), c.code) << d.error().ToString();
  EXPECT_NE(d.error().message().find(c.message_part), std::string::npos) << d.error().ToString();
}

std::string Deep(int n) {
  std::string s = "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\">";
  for (int i = 0; i < n; ++i) s += "<a>";
  for (int i = 0; i < n; ++i) s += "</a>";
  return s + "</Invoice>";
}

const std::string kLaughs =
    "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
    "\"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
    "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\">&lol2;</Invoice>";
const std::string kXxe =
    "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
    "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\">&e;</Invoice>";

INSTANTIATE_TEST_SUITE_P(
    Hostile, XmlDocumentBad,
    testing::Values(
        BadCase{"not_xml", "hello", ErrorCode::kInvalidArgument, "not well-formed XML"},
        BadCase{"empty", "", ErrorCode::kInvalidArgument, "not well-formed XML"},
        BadCase{"truncated", std::string(kUbl).substr(0, 30), ErrorCode::kInvalidArgument,
                "not well-formed"},
        BadCase{"latin1", "<Invoice>\xE9</Invoice>", ErrorCode::kInvalidArgument,
                "not UTF-8 at byte 9"},
        BadCase{"overlong", "<a>\xC0\xAF</a>", ErrorCode::kInvalidArgument, "not UTF-8 at byte 3"},
        BadCase{"utf16", "\xFF\xFE<\0a\0", ErrorCode::kInvalidArgument, "UTF-16"},
        BadCase{"wrong_root", "<Order xmlns=\"urn:x\"/>", ErrorCode::kInvalidArgument,
                "unsupported root {urn:x}Order"},
        BadCase{"no_namespace", "<Invoice/>", ErrorCode::kInvalidArgument,
                "unsupported root {}Invoice"},
        BadCase{"billion_laughs", kLaughs, ErrorCode::kInvalidArgument, "DOCTYPE not allowed"},
        BadCase{"xxe", kXxe, ErrorCode::kInvalidArgument, "DOCTYPE not allowed"},
        BadCase{"deep", Deep(100), ErrorCode::kResourceExhausted, "nesting deeper than 64"},
        BadCase{"too_big", std::string(kUbl) + std::string(2 << 20, ' '),
                ErrorCode::kResourceExhausted, "exceeds the limit"}),
    [](const testing::TestParamInfo<BadCase>& p) { return std::string(p.param.name); });

TEST(XmlDocument, DetectsTheThreeSyntaxes) {
  auto ubl = XmlDocument::Parse(kUbl);
  ASSERT_TRUE(ubl.has_value()) << ubl.error().ToString();
  EXPECT_EQ(ubl->syntax(), Syntax::kUblInvoice);
  auto cn = XmlDocument::Parse(
      "<c:CreditNote xmlns:c=\"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2\"/>");
  ASSERT_TRUE(cn.has_value());
  EXPECT_EQ(cn->syntax(), Syntax::kUblCreditNote);
  auto cii = XmlDocument::Parse(
      "<rsm:CrossIndustryInvoice "
      "xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100\"/>");
  ASSERT_TRUE(cii.has_value());
  EXPECT_EQ(cii->syntax(), Syntax::kCii);
}

TEST(Utf8, AcceptsMultibyteAndFindsFirstBadByte) {
  EXPECT_EQ(FirstInvalidUtf8("a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80"), std::string_view::npos);
  EXPECT_EQ(FirstInvalidUtf8("ab\xED\xA0\x80"), 2u);  // a surrogate
  EXPECT_EQ(FirstInvalidUtf8("abc\xE4\xB8"), 3u);     // truncated
  // Past the eight-byte ASCII runs, and right after a multibyte character.
  EXPECT_EQ(FirstInvalidUtf8("0123456789abcdefg\xFF"), 17u);
  EXPECT_EQ(FirstInvalidUtf8("01234567\xC3\xA9" "89abcdef\x80"), 18u);
  EXPECT_EQ(FirstInvalidUtf8("0123456789abcdef"), std::string_view::npos);
}

}  // namespace
}  // namespace digitrade::trade::einvoice
