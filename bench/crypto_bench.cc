// Sign and verify operations per second through the crypto facade
// (crypto/keys.h), one benchmark per algorithm. crypto_bench.sh runs this
// beside `openssl speed` for the same algorithms and prints the ratio.
//
// The message is 32 bytes, close to what `openssl speed` signs (a 20- to
// 36-byte buffer), so the comparison is of per-operation overhead, not of
// hashing throughput.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <vector>

#include "crypto/keys.h"

namespace {

using digitrade::crypto::KeyType;
using digitrade::crypto::PrivateKey;
using digitrade::crypto::PublicKey;
using digitrade::crypto::SignatureAlgorithm;

const std::vector<std::uint8_t> kMessage(32, 0x5a);

const PrivateKey& Key(KeyType type) {
  static std::map<KeyType, PrivateKey> keys;
  if (!keys.contains(type)) keys.emplace(type, PrivateKey::Generate(type, 2048).value());
  return keys.at(type);
}

void BM_Sign(benchmark::State& state, KeyType type, SignatureAlgorithm alg) {
  const auto& key = Key(type);
  for (auto _ : state) {
    auto sig = key.Sign(alg, kMessage);
    if (!sig) state.SkipWithError(sig.error().message().c_str());
    benchmark::DoNotOptimize(sig);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Verify(benchmark::State& state, KeyType type, SignatureAlgorithm alg) {
  const auto& key = Key(type);
  const PublicKey pub = key.public_key();
  const auto sig = key.Sign(alg, kMessage).value();
  for (auto _ : state) {
    auto ok = pub.Verify(alg, kMessage, sig);
    if (!ok) state.SkipWithError(ok.error().message().c_str());
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(state.iterations());
}

#define DT_BENCH(name, type, alg)                                           \
  BENCHMARK_CAPTURE(BM_Sign, name, KeyType::type, SignatureAlgorithm::alg); \
  BENCHMARK_CAPTURE(BM_Verify, name, KeyType::type, SignatureAlgorithm::alg)

DT_BENCH(ed25519, kEd25519, kEd25519);
DT_BENCH(ecdsa_p256, kEcP256, kEcdsaP256Sha256);
DT_BENCH(ecdsa_p384, kEcP384, kEcdsaP384Sha384);
DT_BENCH(rsa2048_pkcs1, kRsa, kRsaPkcs1Sha256);
DT_BENCH(rsa2048_pss, kRsa, kRsaPssSha256);
DT_BENCH(sm2, kSm2, kSm2Sm3);

}  // namespace

BENCHMARK_MAIN();
