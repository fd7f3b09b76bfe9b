// Benchmark: durable appends per second into a ledger::Log on SQLite (or
// PostgreSQL with --postgres URL), with N concurrent appenders, and the
// latency each appender sees. Not a test: it prints numbers, asserts nothing.
//
// usage: bench_ledger_append [--appenders N] [--entries M] [--size BYTES]
//                            [--db PATH | --postgres URL] [--index-ms MS]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "ledger/log.h"
#include "storage/postgres/postgres_database.h"
#include "storage/sqlite/sqlite_database.h"

namespace {

using namespace digitrade;
using Steady = std::chrono::steady_clock;

struct Args {
  int appenders = 64;
  int entries = 200000;
  int size = 200;
  std::string db = "/tmp/bench_ledger_append.db";
  std::string postgres;
  int index_ms = 200;
};

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const std::string v = argv[i + 1];
    if (k == "--appenders") a.appenders = std::atoi(v.c_str());
    if (k == "--entries") a.entries = std::atoi(v.c_str());
    if (k == "--size") a.size = std::atoi(v.c_str());
    if (k == "--db") a.db = v;
    if (k == "--postgres") a.postgres = v;
    if (k == "--index-ms") a.index_ms = std::atoi(v.c_str());
  }
  return a;
}

Result<std::unique_ptr<storage::Database>> OpenDb(const Args& a) {
  std::unique_ptr<storage::Database> db;
  if (a.postgres.empty()) {
    std::filesystem::remove(a.db);
    std::filesystem::remove(a.db + "-wal");
    std::filesystem::remove(a.db + "-shm");
    DT_ASSIGN_OR_RETURN(db, storage::SqliteDatabase::Open(a.db));
  } else {
    DT_ASSIGN_OR_RETURN(db, storage::PostgresDatabase::Open(a.postgres));
  }
  DT_TRY(storage::ApplyMigrations(*db, ledger::Log::Migrations()));
  return db;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = Parse(argc, argv);
  auto db = OpenDb(args);
  if (!db) {
    std::fprintf(stderr, "%s\n", db.error().ToString().c_str());
    return 2;
  }
  SystemClock clock;
  auto key = crypto::Ed25519PrivateKey::FromSeed(std::vector<std::uint8_t>(32, 9)).value();
  ledger::LogOptions options;
  options.index_interval = std::chrono::milliseconds(args.index_ms);
  auto log = ledger::Log::Open(
      **db, clock, ledger::NoteSigner::Create("bench.example/log", key).value(), options);
  if (!log) {
    std::fprintf(stderr, "%s\n", log.error().ToString().c_str());
    return 2;
  }
  std::atomic<int> next{0};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(args.appenders));
  const auto start = Steady::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < args.appenders; ++t) {
    threads.emplace_back([&, t] {
      std::string data(static_cast<std::size_t>(std::max(args.size, 13)), 'x');
      for (int i; (i = next++) < args.entries;) {
        // 13 digits over the first 13 bytes: every entry distinct, all the
        // same size (an earlier version grew the entry by a byte per append).
        const std::string n = std::to_string(1000000000000LL + i);
        data.replace(0, n.size(), n);
        const auto t0 = Steady::now();
        auto ack = (*log)->Append("bench.entry", data);
        if (!ack) std::abort();
        latencies[static_cast<std::size_t>(t)].push_back(
            std::chrono::duration<double, std::micro>(Steady::now() - t0).count());
      }
    });
  }
  for (auto& th : threads) th.join();
  const double secs = std::chrono::duration<double>(Steady::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all[static_cast<std::size_t>(p * (all.size() - 1))]; };
  std::printf(
      "appenders=%d entries=%d size=%d engine=%s: %.0f appends/s, latency p50 %.0f us, "
      "p99 %.0f us\n",
      args.appenders, args.entries, args.size, args.postgres.empty() ? "sqlite" : "postgres",
      args.entries / secs, pct(0.5), pct(0.99));
  return 0;
}
