// Helpers for crypto/ tests only (linked into crypto_test, not the library).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ca.h"
#include "crypto/keys.h"
#include "crypto/trust_list.h"

namespace digitrade::crypto::testing {

// The source tree (env DIGITRADE_SOURCE_DIR, set by digitrade_test).
std::string SourceDir();
// Contents of src/crypto/testdata/<name>; fails the test if missing.
std::string ReadTestData(std::string_view name);
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, std::string_view data);

inline std::span<const std::uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string AsString(std::span<const std::uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Result of running a command through /bin/sh.
struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr interleaved
};
// Runs `command` with `stdin_data` on its standard input.
CommandResult RunCommand(const std::string& command, std::string_view stdin_data = {});

// A fresh directory under $TMPDIR, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

inline constexpr KeyType kAllKeyTypes[] = {KeyType::kEd25519, KeyType::kEcP256, KeyType::kEcP384,
                                           KeyType::kRsa, KeyType::kSm2,  KeyType::kEcP521};
inline constexpr SignatureAlgorithm kAllAlgorithms[] = {
    SignatureAlgorithm::kEd25519,         SignatureAlgorithm::kEcdsaP256Sha256,
    SignatureAlgorithm::kEcdsaP384Sha384, SignatureAlgorithm::kRsaPssSha256,
    SignatureAlgorithm::kRsaPssSha384,    SignatureAlgorithm::kRsaPssSha512,
    SignatureAlgorithm::kRsaPkcs1Sha256,  SignatureAlgorithm::kRsaPkcs1Sha384,
    SignatureAlgorithm::kRsaPkcs1Sha512,  SignatureAlgorithm::kSm2Sm3,
    SignatureAlgorithm::kEcdsaP521Sha512};

// One key per type for the whole test run (RSA 2048: generation is slow).
const PrivateKey& TestKey(KeyType type);
inline const PrivateKey& TestKeyFor(SignatureAlgorithm alg) {
  return TestKey(KeyTypeFor(alg));
}

// A two-level PKI for tests: a root (SM2 by default) in trust list
// "digitrade-cn" (jurisdiction CN) and an ECDSA P-384 issuing CA under it,
// valid around `now`. Tools that check certificates against the real clock
// (openssl ts, xmlsec1) need now = the current time and an ECDSA root.
struct TestPki {
  static constexpr UnixTime kNow = 1'800'000'000;  // 2027-01-15
  static constexpr UnixTime kDay = 86'400;
  explicit TestPki(UnixTime now = kNow, KeyType root_key = KeyType::kSm2);
  // An organisation certificate for `key` from the issuing CA, valid from
  // a day before `now` for a year unless `validity` says otherwise.
  Certificate Issue(const PrivateKey& key, std::optional<Validity> validity = std::nullopt,
                    CertificateProfile profile = CertificateProfile::kOrganization);

  UnixTime now;
  OsRandom random;
  std::optional<CertificateAuthority> root;
  std::optional<CertificateAuthority> issuing;
  TrustStore store;
};

// Runs `node tests/interop/<script>` with `request` (JSON) on stdin.
CommandResult RunNodePeer(std::string_view script, std::string_view request);

}  // namespace digitrade::crypto::testing
