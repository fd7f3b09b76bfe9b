// Benchmark: proof latency and tile throughput on a large log.
//
// usage: bench_ledger_proof --db PATH [--entries N] [--queries Q]
// Grows the log at PATH to N entries first (256 concurrent appenders) if it
// is smaller, then times Q inclusion proofs (random index, full tree),
// Q consistency proofs, and reads of random full tiles and entry bundles.
// Prints numbers; asserts nothing.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ledger/log.h"
#include "storage/sqlite/sqlite_database.h"

namespace {

using namespace digitrade;
using Steady = std::chrono::steady_clock;

void Grow(ledger::Log& log, std::uint64_t target) {
  const std::uint64_t have = log.Size().value();
  std::atomic<std::uint64_t> next{have};
  const auto start = Steady::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 256; ++t) {
    threads.emplace_back([&] {
      for (std::uint64_t i; (i = next++) < target;) {
        if (!log.Append("bench.entry", "entry number " + std::to_string(i))) std::abort();
        if (i % 1000000 == 0) std::fprintf(stderr, "grown to %llu\n", (unsigned long long)i);
      }
    });
  }
  for (auto& th : threads) th.join();
  const double secs = std::chrono::duration<double>(Steady::now() - start).count();
  if (target > have) {
    std::printf("grew %llu -> %llu entries: %.0f appends/s\n", (unsigned long long)have,
                (unsigned long long)target, (target - have) / secs);
  }
}

template <typename Fn>
void Time(const char* what, int queries, Fn fn) {
  std::vector<double> us;
  us.reserve(static_cast<std::size_t>(queries));
  const auto start = Steady::now();
  for (int q = 0; q < queries; ++q) {
    const auto t0 = Steady::now();
    fn(q);
    us.push_back(std::chrono::duration<double, std::micro>(Steady::now() - t0).count());
  }
  const double secs = std::chrono::duration<double>(Steady::now() - start).count();
  std::sort(us.begin(), us.end());
  std::printf("%-22s %8.0f/s  p50 %7.1f us  p99 %7.1f us  max %7.1f us\n", what, queries / secs,
              us[us.size() / 2], us[us.size() * 99 / 100], us.back());
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = "/tmp/bench_ledger_proof.db";
  std::uint64_t entries = 10000000;
  int queries = 20000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--db") path = argv[i + 1];
    if (k == "--entries") entries = std::strtoull(argv[i + 1], nullptr, 10);
    if (k == "--queries") queries = std::atoi(argv[i + 1]);
  }
  auto db = storage::SqliteDatabase::Open(path);
  if (!db || !storage::ApplyMigrations(**db, ledger::Log::Migrations())) return 2;
  SystemClock clock;
  auto key = crypto::Ed25519PrivateKey::FromSeed(std::vector<std::uint8_t>(32, 9)).value();
  auto log =
      ledger::Log::Open(**db, clock, ledger::NoteSigner::Create("bench.example/log", key).value());
  if (!log) return 2;
  Grow(**log, entries);
  const std::uint64_t n = (*log)->Size().value();
  std::mt19937_64 rng(1);
  std::printf("log of %llu entries\n", (unsigned long long)n);
  Time("inclusion proof", queries, [&](int) {
    if (!(*log)->InclusionProof(rng() % n, n)) std::abort();
  });
  Time("consistency proof", queries, [&](int) {
    if (!(*log)->ConsistencyProof(1 + rng() % n, n)) std::abort();
  });
  const std::uint64_t tiles = n / 256;
  Time("level-0 tile", queries, [&](int) {
    if (!(*log)->ReadTile({false, 0, rng() % tiles, 256})) std::abort();
  });
  Time("entry bundle", queries / 4, [&](int) {
    if (!(*log)->ReadTile({true, 0, rng() % tiles, 256})) std::abort();
  });
  return 0;
}
