// The right edge of a log's Merkle tree: what the sequencer keeps in memory
// to append leaves without reading anything back.
//
// It holds the compact range (the roots of the perfect subtrees that make up
// the tree, highest first), which gives the root hash, and the partial
// rightmost tile of every level. Appending a leaf merges equal-height
// subtrees; a merge that yields a subtree of height 8*(l+1) is the hash of a
// full level-l tile and becomes the next element of the level l+1 tile.
//
// Thread-safety: not thread-safe; the sequencer owns one and copies it to
// stage a batch.
#pragma once

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "common/result.h"
#include "ledger/merkle.h"

namespace digitrade::ledger::internal {

struct TileWrite {
  unsigned level = 0;
  std::uint64_t index = 0;
  std::vector<Hash> hashes;  // 1..256
};

class RightEdge {
 public:
  explicit RightEdge(TreeHasher hasher) : hasher_(hasher) {}

  // Rebuilds the edge of a tree of `size` leaves from its partial tiles:
  // partial[l] must hold exactly PartialTileWidth(size, l) hashes for every
  // level up to the highest non-empty one. Errors: data_loss otherwise.
  static Result<RightEdge> FromPartialTiles(TreeHasher hasher, std::uint64_t size,
                                            std::vector<std::vector<Hash>> partial);

  std::uint64_t size() const { return size_; }
  Hash Root() const;
  const TreeHasher& hasher() const { return hasher_; }

  void Append(const Hash& leaf_hash);

  // The tiles changed since the last TakeWrites(): full tiles completed and
  // the current partial tile of every level that changed.
  std::vector<TileWrite> TakeWrites();

  // Current partial tile of `level` (empty if none).
  const std::vector<Hash>& Partial(unsigned level) const;

 private:
  void AddToLevel(unsigned level, const Hash& h);

  TreeHasher hasher_;
  std::uint64_t size_ = 0;
  std::vector<std::pair<unsigned, Hash>> range_;  // (height, hash), heights decreasing
  std::vector<std::vector<Hash>> partial_;        // per level
  std::vector<TileWrite> completed_;
  std::set<unsigned> dirty_levels_;
};

}  // namespace digitrade::ledger::internal
