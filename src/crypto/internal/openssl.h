// Private to crypto/: RAII owners for OpenSSL objects, OpenSSL error text,
// and the bridge between the opaque key handles and EVP_PKEY. Nothing
// outside src/crypto/ may include this header (it includes OpenSSL).
// Thread-safety: the owners are plain unique_ptrs; an EVP_PKEY shared through
// a key handle is only read after construction, which OpenSSL 3 allows from
// many threads at once.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "crypto/keys.h"

namespace digitrade::crypto::internal {

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
template <typename T, void (*F)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, F>>;

using Pkey = Owned<EVP_PKEY, EVP_PKEY_free>;
using PkeyCtx = Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using MdCtx = Owned<EVP_MD_CTX, EVP_MD_CTX_free>;
using Bio = Owned<BIO, BIO_free_all>;
using Bn = Owned<BIGNUM, BN_free>;
using X509Ptr = Owned<X509, X509_free>;
using X509CrlPtr = Owned<X509_CRL, X509_CRL_free>;
inline void FreeX509Stack(STACK_OF(X509) * s) {
  sk_X509_pop_free(s, X509_free);
}
using X509Stack = Owned<STACK_OF(X509), FreeX509Stack>;

// Drains OpenSSL's thread-local error queue into one line ("what: reason").
std::string OpenSslError(std::string_view what);

// A memory BIO reading `data` (not copied: `data` must outlive the BIO).
Bio ReadBio(std::span<const std::uint8_t> data);
Bio ReadBio(std::string_view data);
// The bytes written to a memory BIO.
std::vector<std::uint8_t> BioBytes(BIO* bio);
std::string BioString(BIO* bio);

inline std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view Chars(std::span<const std::uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// The DER encoding of `obj` by an OpenSSL i2d_* function; empty on failure.
template <typename T, typename Encode>
std::vector<std::uint8_t> EncodeDer(Encode encode, T* obj) {
  unsigned char* out = nullptr;
  const int n = obj != nullptr ? encode(obj, &out) : 0;
  if (n <= 0) return {};
  std::vector<std::uint8_t> der(out, out + n);
  OPENSSL_free(out);
  return der;
}

// Classifies an EVP_PKEY as one of the supported key types. Errors:
// invalid_argument for other algorithms and curves (P-521, secp256k1, ...).
Result<KeyType> ClassifyKey(const EVP_PKEY* pkey);

// Bridges the opaque handles and EVP_PKEY for the rest of crypto/.
struct KeyAccess {
  // Takes ownership. Errors: invalid_argument for unsupported key types.
  static Result<PublicKey> MakePublic(Pkey pkey);
  static Result<PrivateKey> MakePrivate(Pkey pkey);
  static EVP_PKEY* Get(const PublicKey& key);
  static EVP_PKEY* Get(const PrivateKey& key);
  static const KeyImpl& Impl(const PrivateKey& key);
  static const KeyImpl& Impl(const PublicKey& key);
};

}  // namespace digitrade::crypto::internal
