// Perfect-subtree hashes read from stored tiles, for proofs and roots.
//
// A node of height h = 8*l + r (r < 8) is the root of 2^r consecutive hashes
// of the level-l tile that holds them. TileNodeReader computes the inner
// levels of a tile once and keeps them in a bounded cache; a cached partial
// tile is reused while it is wide enough (tiles only grow by appending, so a
// narrower copy is a correct prefix).
//
// Thread-safety: TileNodeReader is safe to use from many threads; the
// TileSource it is given must be too and must outlive it.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "common/result.h"
#include "ledger/internal/proof_builder.h"
#include "ledger/merkle.h"

namespace digitrade::ledger::internal {

class TileSource {
 public:
  virtual ~TileSource() = default;
  // The hashes of tile (level, index) as stored now: 256 for a full tile, the
  // current width for the partial one. Errors: not_found, storage errors.
  virtual Result<std::vector<Hash>> ReadTileHashes(unsigned level, std::uint64_t index) = 0;
};

class TileNodeReader final : public NodeReader {
 public:
  TileNodeReader(TreeHasher hasher, TileSource& source, std::size_t cache_tiles = 1024);

  // Errors: not_found when the stored tile is narrower than the node needs,
  // and the source's errors.
  Result<Hash> ReadNode(unsigned height, std::uint64_t index) override;

 private:
  // levels[r] holds the roots of the 2^r-hash groups of the tile.
  struct Inner {
    std::vector<std::vector<Hash>> levels;
    std::size_t width() const { return levels.front().size(); }
  };
  using Key = std::pair<unsigned, std::uint64_t>;

  std::shared_ptr<const Inner> Cached(const Key& key, std::size_t min_width);
  void Remember(const Key& key, std::shared_ptr<const Inner> inner);
  std::shared_ptr<const Inner> Compute(std::vector<Hash> hashes) const;

  TreeHasher hasher_;
  TileSource& source_;
  const std::size_t capacity_;
  std::mutex mu_;
  std::list<Key> lru_;  // most recent first
  std::map<Key, std::pair<std::shared_ptr<const Inner>, std::list<Key>::iterator>> cache_;
};

}  // namespace digitrade::ledger::internal
