#include "trade/etr/pint/envelope.h"

#include <gtest/gtest.h>

#include <vector>

#include "common/json.h"
#include "trade/etr/pint/test_util.h"

namespace digitrade::trade::etr::pint {
namespace {

using testing::Schemas;

TEST(Checksums, Sha256HexKnownAnswer) {
  // FIPS 180-4 example "abc".
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Checksums, CanonicalChecksumUsesRfc8785) {
  auto a = json::Parse(R"({"b": 1.0, "a": "x", "c": [true, null]})").value();
  auto b = json::Parse(R"({"c":[true,null],"a":"x","b":1})").value();
  EXPECT_EQ(CanonicalChecksum(a).value(), CanonicalChecksum(b).value());
  EXPECT_EQ(CanonicalChecksum(a).value(), Sha256Hex(R"({"a":"x","b":1,"c":[true,null]})"));
}

TEST(Checksums, SignedContentChecksumIsOverTheCompactString) {
  EXPECT_EQ(SignedContentChecksum("a.b.c"), Sha256Hex("a.b.c"));
}

TEST(Formats, CompactJwsAndChecksum) {
  EXPECT_TRUE(IsCompactJws("eyJ.e30.c2ln"));
  EXPECT_FALSE(IsCompactJws("eyJ..c2ln"));
  EXPECT_FALSE(IsCompactJws("eyJ.e30"));
  EXPECT_FALSE(IsCompactJws("eyJ.e30.c2ln."));
  EXPECT_FALSE(IsCompactJws("eyJ.e30.c2l="));
  EXPECT_FALSE(IsCompactJws("{\"payload\":1}"));
  EXPECT_TRUE(IsChecksum(std::string(64, 'a')));
  EXPECT_FALSE(IsChecksum(std::string(64, 'A')));
  EXPECT_FALSE(IsChecksum(std::string(63, 'a')));
}

TEST(Codes, NamesAndStatuses) {
  EXPECT_EQ(ResponseCodeName(ResponseCode::kRece), "RECE");
  EXPECT_EQ(ResponseCodeStatus(ResponseCode::kRece), 200);
  EXPECT_EQ(ResponseCodeStatus(ResponseCode::kDupe), 200);
  EXPECT_EQ(ResponseCodeStatus(ResponseCode::kBsig), 422);
  EXPECT_EQ(ResponseCodeStatus(ResponseCode::kBenv), 422);
  EXPECT_EQ(ResponseCodeStatus(ResponseCode::kIncd), 409);
  EXPECT_EQ(ResponseCodeStatus(ResponseCode::kMdoc), 409);
  EXPECT_EQ(ResponseCodeStatus(ResponseCode::kDise), 409);
  EXPECT_EQ(ParsePintActionCode("ENDORSE_TO_ORDER"), ActionCode::kEndorseToOrder);
  EXPECT_EQ(ParsePintActionCode("TRNS"), std::nullopt);  // PINT 2.x name
  EXPECT_EQ(ParsePintActionCode("PLEDGE"), std::nullopt);  // warehouse receipts only
  EXPECT_EQ(ParsePintActionCode("SURR"), std::nullopt);    // the engine's alias
  EXPECT_EQ(ActionCodeName(ActionCode::kSurrenderAccepted), "SACC");
}

// An EnvelopeManifest declaring one supporting document of `size` (JSON).
std::string ManifestWithDocument(const std::string& size) {
  const std::string c(64, 'a');
  return R"({"transportDocumentChecksum":")" + c +
         R"(","lastEnvelopeTransferChainEntrySignedContentChecksum":")" + c +
         R"(","supportingDocuments":[{"name":"a.pdf","size":)" + size +
         R"(,"mediaType":"application/pdf","documentChecksum":")" + c + R"("}]})";
}

TEST(Parse, ManifestShape) {
  auto m = ParseManifest(ManifestWithDocument("3"), Schemas());
  ASSERT_TRUE(m) << m.error().reason;
  ASSERT_EQ(m->supporting_documents.size(), 1u);
  EXPECT_EQ(m->supporting_documents[0].size, 3);
  auto bad = ParseManifest(R"({"transportDocumentChecksum":"ABC"})", Schemas());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ResponseCode::kBenv);
  EXPECT_NE(bad.error().reason.find("$.transportDocumentChecksum: minLength"), std::string::npos)
      << bad.error().reason;
  EXPECT_NE(bad.error().reason.find("$.transportDocumentChecksum: pattern"), std::string::npos)
      << bad.error().reason;
  EXPECT_NE(
      bad.error().reason.find("$.lastEnvelopeTransferChainEntrySignedContentChecksum: required"),
      std::string::npos)
      << bad.error().reason;
  auto zero = ParseManifest(ManifestWithDocument("0"), Schemas());
  ASSERT_FALSE(zero);
  EXPECT_NE(zero.error().reason.find("$.supportingDocuments[0].size: minimum"), std::string::npos)
      << zero.error().reason;
  // The schema says number; a byte count is whole (the rule the schema leaves out).
  auto half = ParseManifest(ManifestWithDocument("2.5"), Schemas());
  ASSERT_FALSE(half);
  EXPECT_NE(half.error().reason.find("$.supportingDocuments[0].size: type: expected a whole"),
            std::string::npos)
      << half.error().reason;
  EXPECT_FALSE(ParseManifest("[1]", Schemas()));
  EXPECT_FALSE(ParseManifest("{", Schemas()));
}

TEST(Parse, ChainEntryShape) {
  const std::string c(64, 'b');
  const std::string party =
      R"({"partyName":"P","eblPlatform":"AAAA","identifyingCodes":[{"codeListProvider":"ZZZ","partyCode":"X"}]})";
  auto e = ParseChainEntry(R"({"eblPlatform":"AAAA","transportDocumentChecksum":")" + c +
                               R"(","transactions":[{"actionCode":"TRANSFER","actor":)" + party +
                               R"(,"recipient":)" + party +
                               R"(,"actionDateTime":"2026-01-01T00:00:00.000Z"}]})",
                           Schemas());
  ASSERT_TRUE(e) << e.error().reason;
  EXPECT_EQ(e->transactions.at(0).action, ActionCode::kTransfer);
  auto unknown = ParseChainEntry(R"({"eblPlatform":"AAAA","transportDocumentChecksum":")" + c +
                                     R"(","transactions":[{"actionCode":"TRNS","actor":)" + party +
                                     R"(,"actionDateTime":"2026-01-01T00:00:00Z"}]})",
                                 Schemas());
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().reason.find(
                "$.transactions[0].actionCode: enum: \"TRNS\" is not a DCSA PINT 3.0 action code"),
            std::string::npos)
      << unknown.error().reason;
  auto long_platform = ParseChainEntry(
      R"({"eblPlatform":"TOOLONG","transportDocumentChecksum":")" + c + R"(","transactions":[]})",
      Schemas());
  ASSERT_FALSE(long_platform);
  EXPECT_NE(long_platform.error().reason.find("$.eblPlatform: maxLength"), std::string::npos)
      << long_platform.error().reason;
  EXPECT_NE(long_platform.error().reason.find("$.transactions: minItems"), std::string::npos)
      << long_platform.error().reason;
  auto no_codes = ParseChainEntry(
      R"({"eblPlatform":"AAAA","transportDocumentChecksum":")" + c +
          R"(","transactions":[{"actionCode":"SIGN","actor":{"partyName":"P","eblPlatform":"AAAA","identifyingCodes":[]},"actionDateTime":"2026-01-01T00:00:00Z"}]})",
      Schemas());
  ASSERT_FALSE(no_codes);
  EXPECT_NE(no_codes.error().reason.find("$.transactions[0].actor.identifyingCodes: minItems"),
            std::string::npos)
      << no_codes.error().reason;
}

// A transport document the schema accepts, and the envelope over it (the
// signed contents only need the compact JWS pattern here).
std::string EnvelopeBody(const boost::json::object& td, std::size_t entries = 1) {
  boost::json::array chain;
  for (std::size_t i = 0; i < entries; ++i) chain.emplace_back("a.b.c");
  return json::Serialize(boost::json::object{{"transportDocument", td},
                                             {"envelopeManifestSignedContent", "a.b.c"},
                                             {"envelopeTransferChain", std::move(chain)}});
}

TEST(Parse, MaxLengthCountsCharactersNotBytes) {
  // 20 characters, 26 bytes: the conformance suite's references use non-ASCII.
  const std::string ref = "ABCDEFGHIJKLMNOP\u2709\u00bd\u00a4\u00a7";
  auto ok = ParseEnvelope(EnvelopeBody(testing::TransportDocument(ref)), Schemas());
  EXPECT_TRUE(ok) << ok.error().reason;
  auto too_long = ParseEnvelope(EnvelopeBody(testing::TransportDocument(ref + "X")), Schemas());
  ASSERT_FALSE(too_long);
  EXPECT_NE(
      too_long.error().reason.find("$.transportDocument.transportDocumentReference: maxLength"),
      std::string::npos)
      << too_long.error().reason;
}

TEST(Parse, EnvelopeLimits) {
  const std::string body = EnvelopeBody(testing::TransportDocument(), 2);
  EXPECT_TRUE(ParseEnvelope(body, Schemas()));
  auto limited = ParseEnvelope(body, Schemas(), {.max_entries = 1});
  ASSERT_FALSE(limited);
  EXPECT_NE(limited.error().reason.find("more than 1 entries"), std::string::npos);
  auto big = ParseEnvelope(body, Schemas(), {.max_bytes = 10});
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, ResponseCode::kBenv);
}

// A change to a valid document and the violation it must be reported as.
struct Mutation {
  const char* what;
  void (*mutate)(boost::json::object&);
  const char* expected;
};

// Each mutation of `base`, parsed by `parse`, is BENV naming `expected`.
template <typename Parse>
void ExpectEachBenv(const boost::json::object& base, const std::vector<Mutation>& mutations,
                    Parse parse) {
  for (const auto& m : mutations) {
    auto bad = base;
    m.mutate(bad);
    auto v = parse(bad);
    ASSERT_FALSE(v) << m.what;
    EXPECT_EQ(v.error().code, ResponseCode::kBenv) << m.what;
    EXPECT_NE(v.error().reason.find(m.expected), std::string::npos)
        << m.what << ": " << v.error().reason;
  }
}

// The envelope's transport document is checked against the whole
// TransportDocument schema, and the reason names the path and keyword.
TEST(Parse, TransportDocumentAgainstTheSchema) {
  const auto td = testing::TransportDocument();
  ASSERT_TRUE(ParseEnvelope(EnvelopeBody(td), Schemas()));
  const std::vector<Mutation> mutations = {
      {"a required member missing",
       [](boost::json::object& t) { t.erase("transportDocumentTypeCode"); },
       "$.transportDocument.transportDocumentTypeCode: required"},
      {"a wrong type", [](boost::json::object& t) { t["isToOrder"] = "no"; },
       "$.transportDocument.isToOrder: type"},
      {"a broken pattern", [](boost::json::object& t) { t["carrierCode"] = "H M"; },
       "$.transportDocument.carrierCode: pattern"},
      {"an enum value outside the list",
       [](boost::json::object& t) { t["transportDocumentTypeCode"] = "AWB"; },
       "$.transportDocument.transportDocumentTypeCode: enum"},
      {"deep inside",
       [](boost::json::object& t) {
         t["consignmentItems"]
             .as_array()[0]
             .as_object()["cargoItems"]
             .as_array()[0]
             .as_object()
             .erase("equipmentReference");
       },
       "$.transportDocument.consignmentItems[0].cargoItems[0].equipmentReference: required"},
  };
  ExpectEachBenv(td, mutations, [](const boost::json::object& bad) {
    return ParseEnvelope(EnvelopeBody(bad), Schemas());
  });
}

// Each Transaction of a chain entry is checked against its schema.
TEST(Parse, ChainEntryTransactionsAgainstTheSchema) {
  const std::string c(64, 'c');
  const boost::json::object party =
      json::ParseObject(
          R"({"partyName":"P","eblPlatform":"AAAA","identifyingCodes":[{"codeListProvider":"ZZZ","partyCode":"X"}]})")
          .value();
  const boost::json::object good_tx{{"actionCode", "TRANSFER"},
                                    {"actor", party},
                                    {"recipient", party},
                                    {"actionDateTime", "2026-01-01T00:00:00Z"}};
  auto entry = [&](const boost::json::object& second) {
    return json::Serialize(
        boost::json::object{{"eblPlatform", "AAAA"},
                            {"transportDocumentChecksum", c},
                            {"transactions", boost::json::array{good_tx, second}}});
  };
  ASSERT_TRUE(ParseChainEntry(entry(good_tx), Schemas()));
  const std::vector<Mutation> mutations = {
      {"no actor", [](boost::json::object& t) { t.erase("actor"); },
       "$.transactions[1].actor: required"},
      {"an unknown action code", [](boost::json::object& t) { t["actionCode"] = "STEAL"; },
       "$.transactions[1].actionCode: enum"},
      {"a date that is not a date-time",
       [](boost::json::object& t) { t["actionDateTime"] = "yesterday"; },
       "$.transactions[1].actionDateTime: format"},
      {"an empty party code (a rule the schema leaves out)",
       [](boost::json::object& t) {
         t["actor"].as_object()["identifyingCodes"].as_array()[0].as_object()["partyCode"] = "";
       },
       "$.transactions[1].actor.identifyingCodes[0].partyCode: minLength"},
      {"a recipient without a name",
       [](boost::json::object& t) { t["recipient"].as_object().erase("partyName"); },
       "$.transactions[1].recipient.partyName: required"},
      {"an actor platform with a space",
       [](boost::json::object& t) { t["actor"].as_object()["eblPlatform"] = "A A"; },
       "$.transactions[1].actor.eblPlatform: pattern"},
  };
  ExpectEachBenv(good_tx, mutations, [&](const boost::json::object& bad) {
    return ParseChainEntry(entry(bad), Schemas());
  });
}

TEST(Parse, IssuanceManifestAgainstTheSchema) {
  const std::string c(64, 'd');
  EXPECT_TRUE(ParseIssuanceManifest(
      R"({"documentChecksum":")" + c + R"(","issueToChecksum":")" + c + R"("})", Schemas()));
  auto v = ParseIssuanceManifest(R"({"documentChecksum":")" + c + R"("})", Schemas());
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().reason.find("IssuanceManifest (DCSA PINT 3.0) does not conform: "
                                  "$.issueToChecksum: required"),
            std::string::npos)
      << v.error().reason;
}

TEST(IssueTo, DerivedFromTheRecipient) {
  Party p{.party_name = "P", .ebl_platform = "AAAA"};
  p.json =
      json::ParseObject(
          R"({"partyName":"P","eblPlatform":"AAAA","identifyingCodes":[{"codeListProvider":"ZZZ","partyCode":"X"}]})")
          .value();
  EXPECT_EQ(
      json::Serialize(IssueToFromRecipient(p)),
      R"({"partyName":"P","sendToPlatform":"AAAA","identifyingCodes":[{"codeListProvider":"ZZZ","partyCode":"X"}]})");
}

}  // namespace
}  // namespace digitrade::trade::etr::pint
