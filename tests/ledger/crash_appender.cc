// Test helper for crash_test.cc: opens (or creates) a log in an SQLite file
// and appends from many threads until killed. After each acknowledged append
// it prints one line:
//
//   <index> <data> <base64 of the signed checkpoint note>\n
//
// so the parent knows exactly what was acknowledged before the kill.
//
// usage: ledger_crash_appender DB_PATH TAG THREADS
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "crypto/base64.h"
#include "ledger/internal/test_env.h"
#include "ledger/log.h"
#include "storage/sqlite/sqlite_database.h"

namespace {

// One write(2) per line, so a kill never interleaves two lines.
void WriteLine(const std::string& line) {
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(1, line.data() + done, line.size() - done);
    if (n <= 0) std::_Exit(3);
    done += static_cast<std::size_t>(n);
  }
}

int Fail(const digitrade::Error& e) {
  std::fprintf(stderr, "crash_appender: %s\n", e.ToString().c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace digitrade;
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DB_PATH TAG THREADS\n", argv[0]);
    return 2;
  }
  const std::string tag = argv[2];
  const int threads = std::atoi(argv[3]);
  auto db = storage::SqliteDatabase::Open(argv[1]);
  if (!db) return Fail(db.error());
  if (auto m = storage::ApplyMigrations(**db, ledger::Log::Migrations()); !m)
    return Fail(m.error());
  SystemClock clock;
  auto log = ledger::Log::Open(**db, clock, ledger::testing::TestSigner());
  if (!log) return Fail(log.error());
  std::mutex out;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0;; ++i) {
        const std::string data = tag + "/" + std::to_string(t) + "/" + std::to_string(i);
        auto ack = (*log)->Append("crash.test", data);
        if (!ack) continue;  // not acknowledged: nothing to report
        const std::string line = std::to_string(ack->index) + " " + data + " " +
                                 crypto::Base64Encode(ack->checkpoint) + "\n";
        std::lock_guard lock(out);
        WriteLine(line);
      }
    });
  }
  for (auto& w : workers) w.join();
  return 0;
}
