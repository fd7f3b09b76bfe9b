// Server-held signing through the API, end to end: an organisation's user
// creates a key, attaches a certificate from a CA the platform trusts,
// signs in every format, and the platform's own verification endpoint
// accepts the signatures; other callers are refused; keys never leak.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "app/test_env.h"
#include "crypto/base64.h"
#include "crypto/ca.h"

namespace digitrade::app {
namespace {

class SigningApi : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& dir = *env_.platform().directory;
    org_ = dir.CreateOrganisation({.name = "Tianjin Port Logistics",
                                   .identifier_scheme = "uscc",
                                   .identifier = "91350100M000100Y43"})
               ->id;
    auto member =
        dir.CreateUser({.name = "shipper.clerk", .organisation_id = org_, .roles = {"trader"}});
    member_ = dir.CreateToken(member->id, "test", std::nullopt)->secret;
    auto outsider = dir.CreateUser({.name = "bank.clerk", .roles = {"bank"}});
    outsider_ = dir.CreateToken(outsider->id, "test", std::nullopt)->secret;
  }

  http::Response Call(const std::string& method, const std::string& target,
                      const std::string& token, const boost::json::object& body = {}) {
    http::Request req;
    req.method = method;
    req.target = target;
    req.headers = {{"authorization", "Bearer " + token}};
    if (method != "GET") {
      req.headers.emplace_back("content-type", "application/json");
      req.body = boost::json::serialize(body);
    }
    return env_.dispatcher().Handle(req);
  }

  static boost::json::object Json(const http::Response& r) {
    return boost::json::parse(r.body).as_object();
  }

  testing::PlatformEnv env_;
  std::string org_, member_, outsider_;
};

TEST_F(SigningApi, MemberSignsAndThePlatformVerifies) {
  auto created =
      Call("POST", "/v1/organisations/" + org_ + "/signing-keys", member_, {{"type", "ec-p256"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const auto key = Json(created);
  const std::string key_id(key.at("id").as_string());
  EXPECT_FALSE(key.at("public_jwk").as_object().contains("d"));
  EXPECT_EQ(created.body.find("PRIVATE"), std::string::npos);

  // A CA the platform trusts certifies the key.
  crypto::OsRandom random;
  auto ca = crypto::CertificateAuthority::CreateRoot(
                crypto::PrivateKey::Generate(crypto::KeyType::kSm2).value(),
                {.country = "CN", .common_name = "Pilot Zone CA"}, {0, 4'000'000'000}, random)
                .value();
  auto pub = crypto::PublicKey::FromJwk(key.at("public_jwk").as_object()).value();
  auto cert = ca.Issue(pub, {.country = "CN", .common_name = "Tianjin Port Logistics"},
                       {0, 4'000'000'000}, crypto::CertificateProfile::kOrganization, random)
                  .value();
  ASSERT_EQ(Call("POST", "/v1/trust-lists", env_.admin_token(),
                 {{"content", ca.certificate().ToPem()}, {"name", "cn"}, {"jurisdiction", "CN"}})
                .status,
            201);
  auto put = Call("PUT", "/v1/signing-keys/" + key_id + "/certificate", member_,
                  {{"certificate_pem", cert.ToPem()}});
  ASSERT_EQ(put.status, 200) << put.body;

  for (std::string format : {"jws", "cms", "xml"}) {
    SCOPED_TRACE(format);
    const std::string content = format == "xml" ? "<Declaration>1</Declaration>" : "{\"a\":1}";
    auto signed_res = Call("POST", "/v1/signatures/sign", member_,
                           {{"key_id", key_id}, {"format", format}, {"content", content}});
    ASSERT_EQ(signed_res.status, 200) << signed_res.body;
    auto sig = Json(signed_res);
    boost::json::object verify{{"content_base64", crypto::Base64Encode(content)}};
    if (sig.contains("signature")) {
      verify["signature"] = sig.at("signature");
    } else {
      verify["signature_base64"] = sig.at("signature_base64");
    }
    auto report = Call("POST", "/v1/signatures/verify", outsider_, verify);
    ASSERT_EQ(report.status, 200);
    EXPECT_EQ(Json(report).at("indication").as_string(), "TOTAL_PASSED") << report.body;
    EXPECT_EQ(Json(report).at("trustAnchor").at("jurisdiction").as_string(), "CN");
  }
}

TEST_F(SigningApi, OthersMayNotUseOrSeeTheKeys) {
  auto created =
      Call("POST", "/v1/organisations/" + org_ + "/signing-keys", member_, {{"type", "sm2"}});
  ASSERT_EQ(created.status, 201);
  const std::string key_id(Json(created).at("id").as_string());
  EXPECT_EQ(
      Call("POST", "/v1/organisations/" + org_ + "/signing-keys", outsider_, {{"type", "sm2"}})
          .status,
      403);
  EXPECT_EQ(Call("GET", "/v1/organisations/" + org_ + "/signing-keys", outsider_).status, 403);
  EXPECT_EQ(Call("POST", "/v1/signatures/sign", outsider_,
                 {{"key_id", key_id}, {"format", "jws"}, {"content", "x"}})
                .status,
            403);
  // The admin may act for any organisation.
  auto listed = Call("GET", "/v1/organisations/" + org_ + "/signing-keys", env_.admin_token());
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(Json(listed).at("items").as_array().size(), 1u);
  // Bad requests.
  EXPECT_EQ(Call("POST", "/v1/organisations/" + org_ + "/signing-keys", member_, {{"type", "dsa"}})
                .status,
            400);
  EXPECT_EQ(Call("POST", "/v1/signatures/sign", member_,
                 {{"key_id", key_id}, {"format", "cms"}, {"content", "x"}})
                .status,
            422);  // no certificate yet
  EXPECT_EQ(Call("POST", "/v1/signatures/sign", member_,
                 {{"key_id", "sk_00000000000000000000"}, {"format", "jws"}, {"content", "x"}})
                .status,
            404);
  EXPECT_EQ(Call("POST", "/v1/signatures/sign", member_,
                 {{"key_id", key_id}, {"format", "pdf"}, {"content", "x"}})
                .status,
            400);
}

}  // namespace
}  // namespace digitrade::app
