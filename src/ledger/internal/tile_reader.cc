#include "ledger/internal/tile_reader.h"

#include <string>

#include "ledger/tile.h"

namespace digitrade::ledger::internal {

TileNodeReader::TileNodeReader(TreeHasher hasher, TileSource& source, std::size_t cache_tiles)
    : hasher_(hasher), source_(source), capacity_(cache_tiles == 0 ? 1 : cache_tiles) {}

std::shared_ptr<const TileNodeReader::Inner> TileNodeReader::Cached(const Key& key,
                                                                    std::size_t min_width) {
  std::lock_guard lock(mu_);
  auto it = cache_.find(key);
  if (it == cache_.end() || it->second.first->width() < min_width) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.second);
  return it->second.first;
}

void TileNodeReader::Remember(const Key& key, std::shared_ptr<const Inner> inner) {
  std::lock_guard lock(mu_);
  auto it = cache_.find(key);
  if (it != cache_.end()) {
    if (it->second.first->width() < inner->width()) it->second.first = std::move(inner);
    return;
  }
  lru_.push_front(key);
  cache_.emplace(key, std::make_pair(std::move(inner), lru_.begin()));
  if (cache_.size() > capacity_) {
    cache_.erase(lru_.back());
    lru_.pop_back();
  }
}

std::shared_ptr<const TileNodeReader::Inner> TileNodeReader::Compute(
    std::vector<Hash> hashes) const {
  auto inner = std::make_shared<Inner>();
  inner->levels.push_back(std::move(hashes));
  while (inner->levels.back().size() >= 2) {
    const auto& below = inner->levels.back();
    std::vector<Hash> up(below.size() / 2);
    for (std::size_t i = 0; i < up.size(); ++i) {
      up[i] = hasher_.HashChildren(below[2 * i], below[2 * i + 1]);
    }
    inner->levels.push_back(std::move(up));
  }
  return inner;
}

Result<Hash> TileNodeReader::ReadNode(unsigned height, std::uint64_t index) {
  const unsigned level = height / kTileHeight;
  const unsigned r = height % kTileHeight;
  const std::uint64_t first = index << r;  // first level-`level` hash under the node
  const Key key{level, first / kTileWidth};
  const std::size_t offset = first % kTileWidth;
  const std::size_t need = offset + (std::size_t{1} << r);
  auto inner = Cached(key, need);
  if (inner == nullptr) {
    DT_ASSIGN_OR_RETURN(std::vector<Hash> hashes, source_.ReadTileHashes(level, key.second));
    if (hashes.size() < need) {
      return NotFound("node " + std::to_string(height) + "/" + std::to_string(index) +
                      " is not complete in the stored tiles");
    }
    inner = Compute(std::move(hashes));
    Remember(key, inner);
  }
  return inner->levels[r][offset >> r];
}

}  // namespace digitrade::ledger::internal
