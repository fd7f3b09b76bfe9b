#include "crypto/aead.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto/internal/openssl.h"

namespace digitrade::crypto {

namespace {

constexpr std::size_t kNonce = 12;
constexpr std::size_t kTag = 16;
using CipherCtx = internal::Owned<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;

Status CheckKey(std::span<const std::uint8_t> key) {
  if (key.size() != kSealingKeyBytes) return InvalidArgument("the sealing key must be 32 bytes");
  return {};
}

int Len(std::size_t n) {
  return static_cast<int>(n);
}

}  // namespace

Result<std::vector<std::uint8_t>> Seal(std::span<const std::uint8_t> key,
                                       std::span<const std::uint8_t> plaintext,
                                       std::span<const std::uint8_t> aad, Random& random) {
  DT_TRY(CheckKey(key));
  std::vector<std::uint8_t> out(kNonce + plaintext.size() + kTag);
  DT_TRY(random.Fill(out.data(), kNonce));
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int n = 0;
  int m = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), out.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &n, aad.data(), Len(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data() + kNonce, &n, plaintext.data(),
                        Len(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonce + n, &m) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag,
                          out.data() + kNonce + plaintext.size()) != 1) {
    return Internal(internal::OpenSslError("AES-GCM seal"));
  }
  return out;
}

Result<std::vector<std::uint8_t>> Open(std::span<const std::uint8_t> key,
                                       std::span<const std::uint8_t> sealed,
                                       std::span<const std::uint8_t> aad) {
  DT_TRY(CheckKey(key));
  if (sealed.size() < kNonce + kTag) return InvalidArgument("sealed value too short");
  const std::size_t len = sealed.size() - kNonce - kTag;
  std::vector<std::uint8_t> out(len);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int n = 0;
  int m = 0;
  std::uint8_t tag[kTag];
  std::copy(sealed.end() - kTag, sealed.end(), tag);
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), sealed.data()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &n, aad.data(), Len(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out.data(), &n, sealed.data() + kNonce, Len(len)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag) != 1) {
    return Internal(internal::OpenSslError("AES-GCM open"));
  }
  if (EVP_DecryptFinal_ex(ctx.get(), out.data() + n, &m) != 1) {
    ERR_clear_error();
    OPENSSL_cleanse(out.data(), out.size());
    return Unauthenticated("sealed value does not authenticate (wrong key or tampered)");
  }
  return out;
}

}  // namespace digitrade::crypto
