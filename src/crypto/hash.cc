#include "crypto/hash.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace digitrade::crypto {

namespace {
// Fetched once: an EVP_sha256()-style legacy handle makes every
// EVP_DigestInit_ex fetch the implementation again (a global lock and a
// lookup), which dominated hashing small Merkle nodes. The fetched objects
// live until exit.
const EVP_MD* Md(HashAlgorithm alg) {
  static const std::array<const EVP_MD*, 4> kMds = [] {
    std::array<const EVP_MD*, 4> mds{};
    const char* names[] = {"SHA256", "SHA384", "SHA512", "SM3"};
    const EVP_MD* legacy[] = {EVP_sha256(), EVP_sha384(), EVP_sha512(), EVP_sm3()};
    for (std::size_t i = 0; i < mds.size(); ++i) {
      const EVP_MD* md = EVP_MD_fetch(nullptr, names[i], nullptr);
      mds[i] = md != nullptr ? md : legacy[i];  // a provider without it: the slow path
    }
    return mds;
  }();
  switch (alg) {
    case HashAlgorithm::kSha256: return kMds[0];
    case HashAlgorithm::kSha384: return kMds[1];
    case HashAlgorithm::kSha512: return kMds[2];
    case HashAlgorithm::kSm3: return kMds[3];
  }
  return kMds[0];
}
}  // namespace

std::string_view HashName(HashAlgorithm alg) {
  switch (alg) {
    case HashAlgorithm::kSha256: return "sha-256";
    case HashAlgorithm::kSha384: return "sha-384";
    case HashAlgorithm::kSha512: return "sha-512";
    case HashAlgorithm::kSm3: return "sm3";
  }
  return "sha-256";
}

Result<HashAlgorithm> ParseHashName(std::string_view name) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  if (n == "sha-256" || n == "sha256") return HashAlgorithm::kSha256;
  if (n == "sha-384" || n == "sha384") return HashAlgorithm::kSha384;
  if (n == "sha-512" || n == "sha512") return HashAlgorithm::kSha512;
  if (n == "sm3") return HashAlgorithm::kSm3;
  return InvalidArgument("unknown hash algorithm \"" + std::string(name) + "\"");
}

std::size_t DigestSize(HashAlgorithm alg) {
  return static_cast<std::size_t>(EVP_MD_get_size(Md(alg)));
}

struct Hasher::Impl {
  EVP_MD_CTX* ctx = nullptr;
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Hasher::Hasher(HashAlgorithm alg) : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(impl_->ctx, Md(alg), nullptr);
}
Hasher::~Hasher() = default;

void Hasher::Update(std::span<const std::uint8_t> data) {
  EVP_DigestUpdate(impl_->ctx, data.data(), data.size());
}
void Hasher::Update(std::string_view data) { EVP_DigestUpdate(impl_->ctx, data.data(), data.size()); }

Digest Hasher::Finish() {
  Digest out(EVP_MAX_MD_SIZE);
  unsigned int n = 0;
  EVP_DigestFinal_ex(impl_->ctx, out.data(), &n);
  out.resize(n);
  return out;
}

Digest Hash(HashAlgorithm alg, std::span<const std::uint8_t> data) {
  Hasher h(alg);
  h.Update(data);
  return h.Finish();
}
Digest Hash(HashAlgorithm alg, std::string_view data) {
  Hasher h(alg);
  h.Update(data);
  return h.Finish();
}

std::string ToHex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    s += kDigits[b >> 4];
    s += kDigits[b & 0xf];
  }
  return s;
}

Result<std::vector<std::uint8_t>> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return InvalidArgument("hex string has an odd number of digits");
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::vector<std::uint8_t> out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return InvalidArgument("invalid hex digit");
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

bool ConstantTimeEquals(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace digitrade::crypto
