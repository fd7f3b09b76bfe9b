// Fuzz target: X.509 and key parsers. Bytes are read as a DER and PEM
// certificate, certificate chain, CRL, public key and private key; what
// parses is queried (names, times, key) and run through chain validation
// against an empty trust store.
#include "crypto/certificate.h"

#include <cstdint>
#include <span>
#include <string_view>

#include "crypto/chain.h"
#include "crypto/keys.h"

namespace {

using namespace digitrade::crypto;

void Inspect(const Certificate& c) {
  (void)c.Subject();
  (void)c.Issuer();
  (void)c.SubjectAttribute("CN");
  (void)c.SerialHex();
  (void)c.NotBefore();
  (void)c.NotAfter();
  (void)c.IsCa();
  (void)c.SignatureAlgorithmName();
  if (auto key = c.public_key()) (void)key->ToJwk();
  static const TrustStore store;
  auto r = ValidateChain(store, {.leaf = c, .validation_time = 1'800'000'000});
  if (r.ok()) __builtin_trap();  // nothing is trusted
}

}  // namespace

// Text that looks like PEM goes to the PEM readers, the rest to the DER
// ones (OpenSSL 3.0's key decoders are slow; this halves the work).
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> der(data, size);
  const std::string_view pem(reinterpret_cast<const char*>(data), size);
  if (pem.find("-----BEGIN") != std::string_view::npos) {
    if (auto chain = Certificate::ChainFromPem(pem)) {
      for (const auto& c : *chain) Inspect(c);
    }
    (void)Crl::FromPem(pem);
    (void)PublicKey::FromPem(pem);
    (void)PrivateKey::FromPem(pem);
    return 0;
  }
  if (auto c = Certificate::FromDer(der)) Inspect(*c);
  if (auto crl = Crl::FromDer(der)) {
    (void)crl->Issuer();
    (void)crl->NextUpdate();
    (void)crl->Find("01");
  }
  if (auto k = PublicKey::FromDer(der)) (void)k->Thumbprint();
  (void)PrivateKey::FromDer(der);
  return 0;
}
