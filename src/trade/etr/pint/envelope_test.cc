#include "trade/etr/pint/envelope.h"

#include <gtest/gtest.h>

#include "common/json.h"

namespace digitrade::trade::etr::pint {
namespace {

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
  EXPECT_EQ(ParseActionCode("ENDORSE_TO_ORDER"), ActionCode::kEndorseToOrder);
  EXPECT_EQ(ParseActionCode("TRNS"), std::nullopt);  // PINT 2.x name
  EXPECT_EQ(ActionCodeName(ActionCode::kSurrenderAccepted), "SACC");
}

TEST(Parse, ManifestShape) {
  const std::string c(64, 'a');
  auto m = ParseManifest(
      R"({"transportDocumentChecksum":")" + c +
      R"(","lastEnvelopeTransferChainEntrySignedContentChecksum":")" + c +
      R"(","supportingDocuments":[{"name":"a.pdf","size":3,"mediaType":"application/pdf","documentChecksum":")" +
      c + R"("}]})");
  ASSERT_TRUE(m) << m.error().reason;
  ASSERT_EQ(m->supporting_documents.size(), 1u);
  EXPECT_EQ(m->supporting_documents[0].size, 3);
  auto bad = ParseManifest(R"({"transportDocumentChecksum":"ABC"})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ResponseCode::kBenv);
  EXPECT_NE(bad.error().reason.find("transportDocumentChecksum: expected 64 lower-case hex digits"),
            std::string::npos);
  auto zero = ParseManifest(
      R"({"transportDocumentChecksum":")" + c +
      R"(","lastEnvelopeTransferChainEntrySignedContentChecksum":")" + c +
      R"(","supportingDocuments":[{"name":"a","size":0,"mediaType":"x","documentChecksum":")" + c +
      R"("}]})");
  ASSERT_FALSE(zero);
  EXPECT_NE(zero.error().reason.find("supportingDocuments/0/size"), std::string::npos)
      << zero.error().reason;
  EXPECT_FALSE(ParseManifest("[1]"));
  EXPECT_FALSE(ParseManifest("{"));
}

TEST(Parse, ChainEntryShape) {
  const std::string c(64, 'b');
  const std::string party =
      R"({"partyName":"P","eblPlatform":"AAAA","identifyingCodes":[{"codeListProvider":"ZZZ","partyCode":"X"}]})";
  auto e = ParseChainEntry(R"({"eblPlatform":"AAAA","transportDocumentChecksum":")" + c +
                           R"(","transactions":[{"actionCode":"TRANSFER","actor":)" + party +
                           R"(,"recipient":)" + party +
                           R"(,"actionDateTime":"2026-01-01T00:00:00.000Z"}]})");
  ASSERT_TRUE(e) << e.error().reason;
  EXPECT_EQ(e->transactions.at(0).action, ActionCode::kTransfer);
  auto unknown = ParseChainEntry(R"({"eblPlatform":"AAAA","transportDocumentChecksum":")" + c +
                                 R"(","transactions":[{"actionCode":"TRNS","actor":)" + party +
                                 R"(,"actionDateTime":"x"}]})");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().reason.find("transactions/0/actionCode: unknown action code \"TRNS\""),
            std::string::npos)
      << unknown.error().reason;
  auto long_platform = ParseChainEntry(R"({"eblPlatform":"TOOLONG","transportDocumentChecksum":")" +
                                       c + R"(","transactions":[]})");
  ASSERT_FALSE(long_platform);
  EXPECT_NE(long_platform.error().reason.find("eblPlatform: longer than 4"), std::string::npos);
  auto no_codes = ParseChainEntry(
      R"({"eblPlatform":"AAAA","transportDocumentChecksum":")" + c +
      R"(","transactions":[{"actionCode":"SIGN","actor":{"partyName":"P","eblPlatform":"AAAA","identifyingCodes":[]},"actionDateTime":"x"}]})");
  ASSERT_FALSE(no_codes);
  EXPECT_NE(no_codes.error().reason.find("identifyingCodes: needs at least 1"), std::string::npos);
}

TEST(Parse, MaxLengthCountsCharactersNotBytes) {
  // 20 characters, 26 bytes: the conformance suite's references use non-ASCII.
  const std::string ref = "ABCDEFGHIJKLMNOP\u2709\u00bd\u00a4\u00a7";
  std::string body =
      R"({"transportDocument":{"transportDocumentReference":")" + ref +
      R"(","carrierCode":"HMM"},"envelopeManifestSignedContent":"a.b.c","envelopeTransferChain":["a.b.c"]})";
  EXPECT_TRUE(ParseEnvelope(body)) << ParseEnvelope(body).error().reason;
  body.replace(body.find(ref), ref.size(), ref + "X");
  auto too_long = ParseEnvelope(body);
  ASSERT_FALSE(too_long);
  EXPECT_NE(too_long.error().reason.find("longer than 20"), std::string::npos);
}

TEST(Parse, EnvelopeLimits) {
  std::string body =
      R"({"transportDocument":{"transportDocumentReference":"R","carrierCode":"HMM"},)"
      R"("envelopeManifestSignedContent":"a.b.c","envelopeTransferChain":["a.b.c","a.b.c"]})";
  EXPECT_TRUE(ParseEnvelope(body));
  auto limited = ParseEnvelope(body, {.max_entries = 1});
  ASSERT_FALSE(limited);
  EXPECT_NE(limited.error().reason.find("more than 1 entries"), std::string::npos);
  auto big = ParseEnvelope(body, {.max_bytes = 10});
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, ResponseCode::kBenv);
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
