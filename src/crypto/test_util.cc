#include "crypto/test_util.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace digitrade::crypto::testing {

std::string SourceDir() {
  const char* dir = std::getenv("DIGITRADE_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  EXPECT_TRUE(out.good()) << "cannot write " << path;
}

std::string ReadTestData(std::string_view name) {
  return ReadFile(SourceDir() + "/src/crypto/testdata/" + std::string(name));
}

CommandResult RunCommand(const std::string& command, std::string_view stdin_data) {
  TempDir dir;
  const std::string in = dir.File("stdin");
  WriteFile(in, stdin_data);
  const std::string full = "(" + command + ") < '" + in + "' 2>&1";
  CommandResult result;
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  std::size_t n = 0;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) result.output.append(buf, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "digitrade-XXXXXX").string();
  if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

const PrivateKey& TestKey(KeyType type) {
  static const std::map<KeyType, PrivateKey> kKeys = [] {
    std::map<KeyType, PrivateKey> m;
    for (auto t : kAllKeyTypes) m.emplace(t, PrivateKey::Generate(t, 2048).value());
    return m;
  }();
  return kKeys.at(type);
}

TestPki::TestPki(UnixTime now_time, KeyType root_key) : now(now_time) {
  root = CertificateAuthority::CreateRoot(
             TestKey(root_key),
             {.country = "CN", .organization = "Pilot Zone", .common_name = "Pilot Zone Root SM2"},
             {now - 400 * kDay, now + 3650 * kDay}, random)
             .value();
  auto key = PrivateKey::Generate(KeyType::kEcP384).value();
  auto cert =
      root->Issue(key.public_key(), {.country = "CN", .common_name = "Issuing CA"},
                  {now - 300 * kDay, now + 1000 * kDay}, CertificateProfile::kSubordinateCa, random)
          .value();
  issuing = CertificateAuthority::Load(key, cert).value();
  TrustList cn("digitrade-cn", "CN");
  cn.Add(root->certificate(), "Pilot Zone Root");
  store.Add(std::move(cn));
}

Certificate TestPki::Issue(const PrivateKey& key, std::optional<Validity> validity,
                           CertificateProfile profile) {
  return issuing
      ->Issue(key.public_key(),
              {.country = "CN",
               .organization = "Shipper Ltd",
               .common_name = "Shipper",
               .serial_number = "91110000600037341L"},
              validity.value_or(Validity{now - kDay, now + 365 * kDay}), profile, random)
      .value();
}

CommandResult RunNodePeer(std::string_view script, std::string_view request) {
  return RunCommand("node '" + SourceDir() + "/tests/interop/" + std::string(script) + "'",
                    request);
}

}  // namespace digitrade::crypto::testing
