#include "ledger/internal/right_edge.h"

#include <string>

#include "ledger/tile.h"

namespace digitrade::ledger::internal {

Result<RightEdge> RightEdge::FromPartialTiles(TreeHasher hasher, std::uint64_t size,
                                              std::vector<std::vector<Hash>> partial) {
  RightEdge edge(hasher);
  edge.size_ = size;
  // Highest level first: within the tree, larger subtrees come first.
  for (unsigned level = static_cast<unsigned>(partial.size()); level-- > 0;) {
    const auto& tile = partial[level];
    if (tile.size() != PartialTileWidth(size, level)) {
      return DataLoss("partial tile at level " + std::to_string(level) + " has " +
                      std::to_string(tile.size()) + " hashes, the tree size implies " +
                      std::to_string(PartialTileWidth(size, level)));
    }
    std::size_t at = 0;
    for (unsigned bit = kTileHeight; bit-- > 0;) {
      const std::size_t n = std::size_t{1} << bit;
      if ((tile.size() & n) == 0) continue;
      edge.range_.emplace_back(level * kTileHeight + bit,
                               TileRootHash(hasher, std::span(tile).subspan(at, n)));
      at += n;
    }
  }
  if (LevelHashCount(size, static_cast<unsigned>(partial.size())) != 0) {
    return DataLoss("partial tiles stop below the top of a tree of size " + std::to_string(size));
  }
  edge.partial_ = std::move(partial);
  return edge;
}

Hash RightEdge::Root() const {
  if (range_.empty()) return hasher_.EmptyRoot();
  Hash acc = range_.back().second;
  for (std::size_t i = range_.size() - 1; i-- > 0;) {
    acc = hasher_.HashChildren(range_[i].second, acc);
  }
  return acc;
}

void RightEdge::AddToLevel(unsigned level, const Hash& h) {
  if (partial_.size() <= level) partial_.resize(level + 1);
  auto& tile = partial_[level];
  tile.push_back(h);
  dirty_levels_.insert(level);
  if (tile.size() == kTileWidth) {
    const std::uint64_t index = LevelHashCount(size_, level) / kTileWidth - 1;
    completed_.push_back(TileWrite{level, index, std::move(tile)});
    tile.clear();
  }
}

void RightEdge::Append(const Hash& leaf_hash) {
  ++size_;
  AddToLevel(0, leaf_hash);
  range_.emplace_back(0, leaf_hash);
  while (range_.size() >= 2 && range_[range_.size() - 2].first == range_.back().first) {
    const auto [height, right] = range_.back();
    range_.pop_back();
    range_.back() = {height + 1, hasher_.HashChildren(range_.back().second, right)};
    if ((height + 1) % kTileHeight == 0)
      AddToLevel((height + 1) / kTileHeight, range_.back().second);
  }
}

std::vector<TileWrite> RightEdge::TakeWrites() {
  std::vector<TileWrite> writes = std::move(completed_);
  completed_.clear();
  for (unsigned level : dirty_levels_) {
    if (partial_[level].empty()) continue;
    const std::uint64_t index = LevelHashCount(size_, level) / kTileWidth;
    writes.push_back(TileWrite{level, index, partial_[level]});
  }
  dirty_levels_.clear();
  return writes;
}

const std::vector<Hash>& RightEdge::Partial(unsigned level) const {
  static const std::vector<Hash> kEmpty;
  return level < partial_.size() ? partial_[level] : kEmpty;
}

}  // namespace digitrade::ledger::internal
