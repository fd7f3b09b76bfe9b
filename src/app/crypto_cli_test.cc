// The offline signature commands end to end: a CA, an organisation key and
// certificate, signatures in every format, verification with the right
// exit codes (0 pass, 1 negative verdict, 2 unusable input).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "app/cli.h"
#include "app/exit_codes.h"

namespace digitrade::app {
namespace {

class CryptoCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("digitrade-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string P(const std::string& name) const { return (dir_ / name).string(); }

  int Cli(std::initializer_list<std::string> args) {
    std::vector<std::string> storage{"digitrade"};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : storage) argv.push_back(s.data());
    return RunCli(static_cast<int>(argv.size()), argv.data());
  }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(P(name), std::ios::binary) << text;
  }

  void MakeOrganisation(const std::string& type) {
    ASSERT_EQ(Cli({"ca", "init", "--dir", P("ca"), "--type", "sm2", "--cn", "Root", "--c", "CN"}),
              kExitOk);
    ASSERT_EQ(Cli({"keygen", "--type", type, "--out", P("org.key"), "--public-out", P("org.pub")}),
              kExitOk);
    ASSERT_EQ(Cli({"ca", "issue", "--dir", P("ca"), "--public-key", P("org.pub"), "--cn", "Shipper",
                   "--serial-number", "91110000600037341L", "--out", P("org.pem")}),
              kExitOk);
    Write("doc", "{\"ucr\":\"CN-2027-1\"}");
    Write("doc.xml", "<Declaration><UCR>CN-2027-1</UCR></Declaration>");
  }

  std::filesystem::path dir_;
};

TEST_F(CryptoCli, SignAndVerifyEveryFormat) {
  MakeOrganisation("ec-p256");
  const std::string trust = "cn:CN:" + P("ca/ca.pem");
  ASSERT_EQ(Cli({"sign", "--key", P("org.key"), "--cert", P("org.pem"), "--in", P("doc"), "--out",
                 P("doc.jws")}),
            kExitOk);
  EXPECT_EQ(Cli({"verify", "--in", P("doc.jws"), "--trust", trust}), kExitOk);
  ASSERT_EQ(Cli({"sign", "--key", P("org.key"), "--cert", P("org.pem"), "--format", "cms", "--in",
                 P("doc"), "--out", P("doc.p7s")}),
            kExitOk);
  EXPECT_EQ(Cli({"verify", "--in", P("doc.p7s"), "--content", P("doc"), "--trust", trust}),
            kExitOk);
  ASSERT_EQ(Cli({"sign", "--key", P("org.key"), "--cert", P("org.pem"), "--format", "xml", "--in",
                 P("doc.xml"), "--out", P("signed.xml")}),
            kExitOk);
  EXPECT_EQ(Cli({"--json", "verify", "--in", P("signed.xml"), "--trust", trust}), kExitOk);

  // Negative verdicts: no trust list, other content, a revoked signer.
  EXPECT_EQ(Cli({"verify", "--in", P("doc.jws")}), kExitNegative);
  Write("other", "{\"ucr\":\"CN-2027-2\"}");
  EXPECT_EQ(Cli({"verify", "--in", P("doc.p7s"), "--content", P("other"), "--trust", trust}),
            kExitNegative);
}

TEST_F(CryptoCli, Sm2KeysSignJwsNotCms) {
  MakeOrganisation("sm2");
  const std::string trust = "cn:CN:" + P("ca/ca.pem");
  ASSERT_EQ(Cli({"sign", "--key", P("org.key"), "--cert", P("org.pem"), "--in", P("doc"), "--out",
                 P("doc.jws")}),
            kExitOk);
  EXPECT_EQ(Cli({"verify", "--in", P("doc.jws"), "--trust", trust}), kExitOk);
  // SM2 keys cannot make CMS (OpenSSL 3.0): unusable input.
  EXPECT_EQ(Cli({"sign", "--key", P("org.key"), "--cert", P("org.pem"), "--format", "cms", "--in",
                 P("doc"), "--out", P("x")}),
            kExitBadInput);
}

TEST_F(CryptoCli, UnusableInput) {
  EXPECT_EQ(Cli({"verify", "--in", P("missing")}), kExitBadInput);
  EXPECT_EQ(Cli({"keygen", "--type", "dsa", "--out", P("k")}), kExitBadInput);
  EXPECT_EQ(Cli({"keygen", "--type", "rsa", "--bits", "1024", "--out", P("k")}), kExitBadInput);
  Write("garbage", "not a key");
  EXPECT_EQ(Cli({"sign", "--key", P("garbage"), "--in", P("garbage")}), kExitBadInput);
  EXPECT_EQ(Cli({"ca", "issue", "--dir", P("noca"), "--public-key", P("garbage"), "--cn", "x"}),
            kExitBadInput);
}

}  // namespace
}  // namespace digitrade::app
