#include "trade/etr/dcsa_schema.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/json.h"

namespace digitrade::trade::etr {
namespace {

namespace json = boost::json;

std::filesystem::path SourceDir() {
  const char* env = std::getenv("DIGITRADE_SOURCE_DIR");
  return env != nullptr ? env : DIGITRADE_SOURCE_DIR_DEFAULT;
}

std::string ReadText(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

json::value Fixture(std::string_view name) {
  return json::parse(ReadText(SourceDir() / "src/trade/etr/testdata" / std::string(name)));
}

class DcsaSchemaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto iss = SchemaSet::Dcsa(kDcsaIssuance);
    ASSERT_TRUE(iss) << iss.error().ToString();
    auto pint = SchemaSet::Dcsa(kDcsaPint);
    ASSERT_TRUE(pint) << pint.error().ToString();
    issuance_ = new SchemaSet(std::move(*iss));
    pint_ = new SchemaSet(std::move(*pint));
  }
  static void TearDownTestSuite() {
    delete issuance_;
    delete pint_;
  }

  static std::vector<SchemaViolation> Check(const SchemaSet& set, const json::value& doc) {
    auto r = set.Validate("TransportDocument", doc);
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? *r : std::vector<SchemaViolation>{};
  }
  // Exactly one violation, at `path` with `keyword`.
  static void ExpectOnly(const json::value& doc, std::string_view path, std::string_view keyword) {
    const auto v = Check(*pint_, doc);
    ASSERT_EQ(v.size(), 1u) << (v.empty() ? "no violation" : ViolationsError("doc", v).message());
    EXPECT_EQ(v[0].path, path) << v[0].ToString();
    EXPECT_EQ(v[0].keyword, keyword) << v[0].ToString();
  }

  static SchemaSet* issuance_;
  static SchemaSet* pint_;
};
SchemaSet* DcsaSchemaTest::issuance_ = nullptr;
SchemaSet* DcsaSchemaTest::pint_ = nullptr;

TEST_F(DcsaSchemaTest, FilledDcsaExamplesConform) {
  for (const char* name : {"transport-document-straight.json", "transport-document-pint.json"}) {
    const auto doc = Fixture(name);
    for (const SchemaSet* set : {issuance_, pint_}) {
      const auto v = Check(*set, doc);
      EXPECT_TRUE(v.empty()) << name << ": " << ViolationsError("doc", v).message();
    }
  }
  auto request =
      SchemaSet::Dcsa(kDcsaIssuance)->Validate("IssuanceRequest", Fixture("issuance-request.json"));
  ASSERT_TRUE(request) << request.error().ToString();
  // The conformance suite adds the signed manifest; everything else conforms.
  ASSERT_EQ(request->size(), 1u) << ViolationsError("request", *request).message();
  EXPECT_EQ(request->front().path, "$.issuanceManifestSignedContent");
  EXPECT_EQ(request->front().keyword, "required");
}

TEST_F(DcsaSchemaTest, SharedExamplesWithPlaceholdersAreRejectedPrecisely) {
  const char* shared = DIGITRADE_SHARED_DIR_DEFAULT;
  const auto path =
      std::filesystem::path(shared) / "testdata/dcsa/pint-3.0.0-transport-document.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no shared testdata at " << shared;
  // "TRANSPORT_DOCUMENT_REFERENCE_PLACEHOLDER" is 40 characters; the schema allows 20.
  const auto v = Check(*pint_, json::parse(ReadText(path)));
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v[0].path, "$.transportDocumentReference");
  EXPECT_EQ(v[0].keyword, "maxLength");
}

// The shared DCSA examples themselves, placeholders filled as DCSA's
// conformance suite does (the values of tools/etr/fill_dcsa_examples.py).
TEST_F(DcsaSchemaTest, SharedExamplesConformOnceFilled) {
  const auto dir = std::filesystem::path(DIGITRADE_SHARED_DIR_DEFAULT) / "testdata/dcsa";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no shared testdata at " << dir;
  const std::pair<std::string_view, std::string_view> values[] = {
      {"TRANSPORT_DOCUMENT_REFERENCE_PLACEHOLDER", "DGTR0000000001"},
      {"SHIPPING_INSTRUCTION_REFERENCE_PLACEHOLDER", "SI-2026-000001"},
      {"BOOKING_REFERENCE_PLACEHOLDER", "BKG20260001"}};
  for (const char* name :
       {"pint-3.0.0-transport-document.json", "eblissuance-v3.0.0-request.json"}) {
    std::string text = ReadText(dir / name);
    for (const auto& [from, to] : values) {
      for (auto at = text.find(from); at != std::string::npos; at = text.find(from)) {
        text.replace(at, from.size(), to);
      }
    }
    auto doc = json::parse(text);
    if (doc.as_object().contains("document")) doc = doc.at("document");
    const auto v = Check(*pint_, doc);
    EXPECT_TRUE(v.empty()) << name << ": " << ViolationsError("doc", v).message();
  }
}

TEST_F(DcsaSchemaTest, MutationsAreRejectedWithTheirPath) {
  const auto base = Fixture("transport-document-pint.json");
  {
    auto doc = base;
    doc.at_pointer("/transports/portOfLoading").as_object()["UNLocationCode"] = "deham";
    ExpectOnly(doc, "$.transports.portOfLoading.UNLocationCode", "pattern");
  }
  {
    auto doc = base;
    doc.as_object().erase("transportDocumentReference");
    ExpectOnly(doc, "$.transportDocumentReference", "required");
  }
  {
    auto doc = base;
    doc.as_object()["isToOrder"] = "yes";
    ExpectOnly(doc, "$.isToOrder", "type");
  }
  {
    auto doc = base;
    doc.as_object()["transportDocumentTypeCode"] = "XYZ";
    ExpectOnly(doc, "$.transportDocumentTypeCode", "enum");
  }
  {
    auto doc = base;
    doc.as_object()["shippedOnBoardDate"] = "2023-02-29";
    ExpectOnly(doc, "$.shippedOnBoardDate", "format");
  }
  {
    auto doc = base;
    doc.at_pointer("/charges/0").as_object()["currencyAmount"] = -1;
    ExpectOnly(doc, "$.charges[0].currencyAmount", "minimum");
  }
  {
    auto doc = base;
    doc.as_object()["consignmentItems"] = json::array{};
    ExpectOnly(doc, "$.consignmentItems", "minItems");
  }
  {
    auto doc = base;
    doc.as_object()["transportDocumentReference"] = " padded";
    ExpectOnly(doc, "$.transportDocumentReference", "pattern");
  }
}

TEST_F(DcsaSchemaTest, OneOfReportsTheClosestBranch) {
  auto doc = Fixture("transport-document-pint.json");
  doc.as_object()["invoicePayableAt"] = json::object{{"UNLocationCode", "nlRTM"}};
  const auto v = Check(*pint_, doc);
  ASSERT_EQ(v.size(), 2u) << ViolationsError("doc", v).message();
  EXPECT_EQ(v[0].path, "$.invoicePayableAt");
  EXPECT_EQ(v[0].keyword, "oneOf");
  EXPECT_EQ(v[1].path, "$.invoicePayableAt.UNLocationCode");
  EXPECT_EQ(v[1].keyword, "pattern");
  doc.as_object()["invoicePayableAt"] =
      json::object{{"UNLocationCode", "NLRTM"}, {"freeText", "Rotterdam"}};
  const auto both = Check(*pint_, doc);
  ASSERT_EQ(both.size(), 1u);
  EXPECT_EQ(both[0].keyword, "oneOf");
}

TEST_F(DcsaSchemaTest, ReportsEveryViolation) {
  auto doc = Fixture("transport-document-pint.json");
  doc.as_object()["transportDocumentTypeCode"] = "XYZ";
  doc.as_object().erase("carrierCode");
  doc.at_pointer("/transports/portOfDischarge").as_object()["UNLocationCode"] = 5;
  const auto v = Check(*pint_, doc);
  ASSERT_EQ(v.size(), 3u) << ViolationsError("doc", v).message();
  const auto err = ViolationsError("the transport document", v);
  EXPECT_EQ(err.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(err.message().find("$.carrierCode: required"), std::string::npos) << err.message();
  EXPECT_NE(err.message().find("$.transports.portOfDischarge.UNLocationCode: type"),
            std::string::npos);
}

TEST_F(DcsaSchemaTest, LimitsTheNumberReported) {
  auto doc = Fixture("transport-document-pint.json");
  json::array many;
  for (int i = 0; i < 50; ++i) many.push_back(json::object{{"chargeName", ""}});
  doc.as_object()["charges"] = many;
  auto v = pint_->Validate("TransportDocument", doc, 10);
  ASSERT_TRUE(v);
  ASSERT_EQ(v->size(), 11u);
  EXPECT_EQ(v->back().keyword, "limit");
}

TEST(SchemaSetTest, GenericKeywords) {
  auto set = SchemaSet::Create(json::parse(R"({
    "Root": {"type": "object", "additionalProperties": false, "required": ["n"],
             "properties": {"n": {"type": "integer", "minimum": 1, "exclusiveMaximum": 10, "multipleOf": 3},
                            "s": {"type": "string", "nullable": true, "format": "date-time"},
                            "u": {"type": "string", "format": "uri"},
                            "a": {"type": "array", "uniqueItems": true, "maxItems": 3, "items": {"$ref": "#/Item"}},
                            "x": {"allOf": [{"minLength": 2}, {"maxLength": 3}]},
                            "y": {"not": {"type": "string"}},
                            "m": {"type": "object", "additionalProperties": {"type": "boolean"}}}},
    "Item": {"anyOf": [{"type": "integer"}, {"type": "string"}]}
  })")
                                   .as_object());
  ASSERT_TRUE(set) << set.error().ToString();
  auto check = [&](std::string_view text) {
    auto r = set->Validate("Root", json::parse(text));
    EXPECT_TRUE(r);
    std::string out;
    for (const auto& v : *r) out += v.path + " " + v.keyword + ";";
    return out;
  };
  EXPECT_EQ(check(R"({"n": 3, "s": null, "a": [1, "x"], "x": "ab", "y": 1, "m": {"k": true},
                      "u": "https://example.com/a"})"),
            "");
  EXPECT_EQ(check(R"({"n": 9.0, "s": "2026-11-28T09:32:20.123+08:00"})"), "");
  EXPECT_EQ(check(R"({})"), "$.n required;");
  EXPECT_EQ(check(R"({"n": 12})"), "$.n exclusiveMaximum;");
  EXPECT_EQ(check(R"({"n": 0})"), "$.n minimum;");
  EXPECT_EQ(check(R"({"n": 4})"), "$.n multipleOf;");
  EXPECT_EQ(check(R"({"n": 3.5})"), "$.n type;");
  EXPECT_EQ(check(R"({"n": 3, "zz": 1, "weird key": 2})"),
            "$.zz additionalProperties;$['weird key'] additionalProperties;");
  EXPECT_EQ(check(R"({"n": 3, "s": "2026-11-28 09:32:20Z"})"), "$.s format;");
  EXPECT_EQ(check(R"({"n": 3, "u": "no scheme"})"), "$.u format;");
  EXPECT_EQ(check(R"({"n": 3, "a": [1, 1, true, 2]})"),
            "$.a maxItems;$.a[1] uniqueItems;$.a[2] anyOf;$.a[2] type;");
  EXPECT_EQ(check(R"({"n": 3, "x": "abcd", "y": "s"})"), "$.x maxLength;$.y not;");
  EXPECT_EQ(check(R"({"n": 3, "m": {"k": 1}})"), "$.m.k type;");
}

TEST(SchemaSetTest, RejectsBrokenSchemas) {
  for (const char* text :
       {R"({"A": {"$ref": "#/Missing"}})", R"j({"A": {"pattern": "(?=x)"}})j",
        R"({"A": {"type": "strung"}})", R"({"A": {"oneOf": []}})", R"({"A": 5})"}) {
    auto set = SchemaSet::Create(json::parse(text).as_object());
    ASSERT_FALSE(set) << text;
    EXPECT_EQ(set.error().code(), ErrorCode::kInvalidArgument) << text;
  }
  EXPECT_EQ(SchemaSet::Dcsa("EBL_NOPE").error().code(), ErrorCode::kNotFound);
}

TEST(SchemaSetTest, ReferenceCyclesStop) {
  auto set = SchemaSet::Create(
      json::parse(R"({"A": {"$ref": "#/B"}, "B": {"allOf": [{"$ref": "#/A"}]}})").as_object());
  ASSERT_TRUE(set);
  auto r = set->Validate("A", json::value(1));
  ASSERT_TRUE(r);
  ASSERT_FALSE(r->empty());
  EXPECT_EQ(r->front().keyword, "$ref");
}

}  // namespace
}  // namespace digitrade::trade::etr
