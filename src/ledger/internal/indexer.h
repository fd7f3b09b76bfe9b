// Builds the leaf-hash index behind the sequencer, off the append path.
//
// Appends only write entries and tiles; indexing a random 8-byte key per
// entry costs a B-tree page per entry and would halve the append rate. The
// indexer instead takes the leaf hashes of committed entries from the
// level-0 tiles, sorts them and inserts them in large transactions, moving
// ledger_logs.indexed_size (compare-and-set, so two indexers never
// duplicate). Lookups by leaf hash use the index below indexed_size and scan
// the level-0 tiles above it.
//
// Thread-safety: Step() from one thread at a time; the background thread
// (Start) runs Step() while `active` returns true. The LogStore must outlive
// the Indexer.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "common/result.h"
#include "ledger/internal/log_store.h"

namespace digitrade::ledger::internal {

class Indexer {
 public:
  Indexer(LogStore& store, std::size_t chunk = 65536) : store_(store), chunk_(chunk) {}
  ~Indexer();
  Indexer(const Indexer&) = delete;
  Indexer& operator=(const Indexer&) = delete;

  // Runs Step() every `interval` (real time) while `active()` (for example,
  // while this instance sequences the log), until destroyed.
  void Start(std::chrono::milliseconds interval, std::function<bool()> active);

  // Indexes up to `chunk` unindexed entries; returns how many.
  // Errors: conflict (another indexer moved first), storage errors.
  Result<std::uint64_t> Step();

 private:
  LogStore& store_;
  const std::size_t chunk_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Indexes of the entries with leaf hash `h` in the tree of `size` entries,
// ascending: from the index below `indexed_size`, from the level-0 tiles
// above it.
Result<std::vector<std::uint64_t>> FindLeaf(LogStore& store, const Hash& h, std::uint64_t size,
                                            std::uint64_t indexed_size);

}  // namespace digitrade::ledger::internal
