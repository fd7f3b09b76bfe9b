#include "ledger/internal/indexer.h"

#include <algorithm>

#include "ledger/tile.h"

namespace digitrade::ledger::internal {
namespace {

// Calls fn(index, hash) for the leaf hashes of entries [begin, end), read
// from the level-0 tiles.
template <typename Fn>
Status ForEachLeafHash(LogStore& store, std::uint64_t begin, std::uint64_t end, Fn fn) {
  for (std::uint64_t at = begin; at < end;) {
    const std::uint64_t tile = at / kTileWidth;
    DT_ASSIGN_OR_RETURN(std::vector<Hash> hashes, store.ReadTileHashes(0, tile));
    const std::uint64_t stop = std::min(end, (tile + 1) * kTileWidth);
    if (hashes.size() < stop - tile * kTileWidth) {
      return DataLoss("level-0 tile " + std::to_string(tile) + " is shorter than the tree");
    }
    for (; at < stop; ++at) fn(at, hashes[at - tile * kTileWidth]);
  }
  return {};
}

}  // namespace

Indexer::~Indexer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Indexer::Start(std::chrono::milliseconds interval, std::function<bool()> active) {
  thread_ = std::thread([this, interval, active = std::move(active)] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, interval, [&] { return stop_; })) {
      if (!active()) continue;
      lock.unlock();
      // Catch up in chunks; errors (a busy database, a competing indexer)
      // are retried on the next round.
      for (auto n = Step(); n && *n == chunk_;) n = Step();
      lock.lock();
    }
  });
}

Result<std::uint64_t> Indexer::Step() {
  DT_ASSIGN_OR_RETURN(LogRow row, store_.Load());
  if (row.indexed_size >= row.size) return 0;
  const std::uint64_t end = std::min<std::uint64_t>(row.size, row.indexed_size + chunk_);
  std::vector<Hash> hashes;
  hashes.reserve(end - row.indexed_size);
  DT_TRY(ForEachLeafHash(store_, row.indexed_size, end,
                         [&](std::uint64_t, const Hash& h) { hashes.push_back(h); }));
  DT_TRY(store_.IndexLeaves(row.indexed_size, hashes));
  return hashes.size();
}

Result<std::vector<std::uint64_t>> FindLeaf(LogStore& store, const Hash& h, std::uint64_t size,
                                            std::uint64_t indexed_size) {
  std::vector<std::uint64_t> out;
  // Index candidates share the first 8 bytes; the tile holds the full hash.
  DT_ASSIGN_OR_RETURN(auto candidates, store.FindIndexed(h));
  for (std::uint64_t idx : candidates) {
    if (idx >= std::min(size, indexed_size)) continue;
    DT_TRY(ForEachLeafHash(store, idx, idx + 1, [&](std::uint64_t i, const Hash& leaf) {
      if (leaf == h) out.push_back(i);
    }));
  }
  DT_TRY(ForEachLeafHash(store, std::min(size, indexed_size), size,
                         [&](std::uint64_t i, const Hash& leaf) {
                           if (leaf == h) out.push_back(i);
                         }));
  return out;
}

}  // namespace digitrade::ledger::internal
