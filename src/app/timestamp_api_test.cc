// POST /v1/timestamp: the platform as an RFC 3161 TSA over HTTP, checked by
// our verifier and by `openssl ts -verify`.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <fstream>

#include "app/test_env.h"
#include "crypto/ca.h"
#include "crypto/timestamp.h"

namespace digitrade::app {
namespace {

class TimestampApi : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("digitrade-tsa-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    const auto now = static_cast<crypto::UnixTime>(std::time(nullptr));
    auto ca = crypto::CertificateAuthority::CreateRoot(
                  crypto::PrivateKey::Generate(crypto::KeyType::kEcP256).value(),
                  {.country = "CN", .common_name = "TSA Root"}, {now - 3600, now + 86400}, random_)
                  .value();
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256).value();
    auto cert = ca.Issue(key.public_key(), {.country = "CN", .common_name = "digitrade TSA"},
                         {now - 3600, now + 86400}, crypto::CertificateProfile::kTimestampAuthority,
                         random_)
                    .value();
    std::ofstream(dir_ / "tsa.key") << key.ToPem();
    std::ofstream(dir_ / "tsa.pem") << cert.ToPem();
    std::ofstream(dir_ / "ca.pem") << ca.certificate().ToPem();
  }
  void TearDown() override {
    ::unsetenv("DIGITRADE_TSA_KEY");
    ::unsetenv("DIGITRADE_TSA_CERT");
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<testing::PlatformEnv> EnvWithTsa() {
    ::setenv("DIGITRADE_TSA_KEY", (dir_ / "tsa.key").c_str(), 1);
    ::setenv("DIGITRADE_TSA_CERT", (dir_ / "tsa.pem").c_str(), 1);
    return std::make_unique<testing::PlatformEnv>();
  }

  static http::Response Post(testing::PlatformEnv& env, const std::string& body,
                             const std::string& type = "application/timestamp-query") {
    http::Request req;
    req.method = "POST";
    req.target = "/v1/timestamp";
    req.headers = {{"authorization", "Bearer " + env.admin_token()}, {"content-type", type}};
    req.body = body;
    return env.dispatcher().Handle(req);
  }

  std::filesystem::path dir_;
  crypto::OsRandom random_;
};

TEST_F(TimestampApi, StampsAndOpensslVerifies) {
  auto env = EnvWithTsa();
  const std::string data = "bill of lading DTRD-1";
  auto request = crypto::MakeTimestampRequest(
      crypto::HashAlgorithm::kSha256, crypto::Hash(crypto::HashAlgorithm::kSha256, data), random_);
  ASSERT_TRUE(request);
  auto res = Post(*env, std::string(request->begin(), request->end()));
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.content_type, "application/timestamp-reply");
  const std::span<const std::uint8_t> resp(reinterpret_cast<const std::uint8_t*>(res.body.data()),
                                           res.body.size());
  auto token = crypto::TimestampTokenFromResponse(resp);
  ASSERT_TRUE(token) << token.error().ToString();
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(data.data()),
                                            data.size());
  EXPECT_TRUE(crypto::VerifyTimestampToken(*token, bytes));

  // openssl makes the query and checks the reply.
  std::ofstream(dir_ / "data", std::ios::binary) << data;
  const std::string cd = "cd " + dir_.string() + " && ";
  ASSERT_EQ(std::system(
                (cd + "openssl ts -query -data data -sha512 -cert -out q.tsq 2>/dev/null").c_str()),
            0);
  std::ifstream q(dir_ / "q.tsq", std::ios::binary);
  const std::string query((std::istreambuf_iterator<char>(q)), {});
  auto reply = Post(*env, query);
  ASSERT_EQ(reply.status, 200);
  std::ofstream(dir_ / "r.tsr", std::ios::binary) << reply.body;
  EXPECT_EQ(
      std::system(
          (cd + "openssl ts -verify -data data -in r.tsr -CAfile ca.pem >/dev/null 2>&1").c_str()),
      0);
  std::ofstream(dir_ / "other", std::ios::binary) << data << "!";
  EXPECT_NE(
      std::system(
          (cd + "openssl ts -verify -data other -in r.tsr -CAfile ca.pem >/dev/null 2>&1").c_str()),
      0);
}

TEST_F(TimestampApi, BadRequests) {
  auto env = EnvWithTsa();
  EXPECT_EQ(Post(*env, "x", "application/json").status, 400);
  // Garbage is answered with a rejection inside a TimeStampResp.
  auto res = Post(*env, "garbage");
  ASSERT_EQ(res.status, 200);
  const std::span<const std::uint8_t> resp(reinterpret_cast<const std::uint8_t*>(res.body.data()),
                                           res.body.size());
  EXPECT_EQ(crypto::TimestampTokenFromResponse(resp).error().code(),
            ErrorCode::kFailedPrecondition);
}

TEST_F(TimestampApi, UnconfiguredIsAPreconditionFailure) {
  testing::PlatformEnv env;
  EXPECT_EQ(Post(env, "x").status, 422);
}

}  // namespace
}  // namespace digitrade::app
