#include "crypto/ed25519.h"

#include <memory>

#include <openssl/evp.h>

namespace digitrade::crypto {

namespace {
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
}  // namespace

Result<Ed25519PrivateKey> Ed25519PrivateKey::Generate(Random& random) {
  std::array<std::uint8_t, 32> seed{};
  DT_TRY(random.Fill(seed.data(), seed.size()));
  return FromSeed(seed);
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::FromSeed(std::span<const std::uint8_t> seed) {
  if (seed.size() != 32) return InvalidArgument("Ed25519 private key must be 32 bytes");
  Pkey pk(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  if (!pk) return Internal("EVP_PKEY_new_raw_private_key failed");
  Ed25519PrivateKey k;
  std::copy(seed.begin(), seed.end(), k.seed_.begin());
  std::size_t len = k.public_key_.size();
  if (EVP_PKEY_get_raw_public_key(pk.get(), k.public_key_.data(), &len) != 1 || len != 32) {
    return Internal("EVP_PKEY_get_raw_public_key failed");
  }
  return k;
}

std::vector<std::uint8_t> Ed25519PrivateKey::Sign(std::span<const std::uint8_t> message) const {
  Pkey pk(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed_.data(), seed_.size()));
  MdCtx ctx(EVP_MD_CTX_new());
  std::vector<std::uint8_t> sig(64);
  std::size_t len = sig.size();
  EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pk.get());
  EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size());
  sig.resize(len);
  return sig;
}

bool Ed25519Verify(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> message,
                   std::span<const std::uint8_t> signature) {
  if (public_key.size() != 32 || signature.size() != 64) return false;
  Pkey pk(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(),
                                      public_key.size()));
  if (!pk) return false;
  MdCtx ctx(EVP_MD_CTX_new());
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pk.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

}  // namespace digitrade::crypto
