#include "ledger/internal/right_edge.h"

#include <map>
#include <random>

#include <gtest/gtest.h>

#include "ledger/internal/reference_tree.h"
#include "ledger/internal/tile_reader.h"
#include "ledger/tile.h"

namespace digitrade::ledger::internal {
namespace {

// Tiles kept in a map, as the database keeps them: one value per (level,
// index), overwritten as the partial tile grows.
class MapTiles : public TileSource {
 public:
  void Apply(std::vector<TileWrite> writes) {
    for (auto& w : writes) tiles_[{w.level, w.index}] = std::move(w.hashes);
  }
  Result<std::vector<Hash>> ReadTileHashes(unsigned level, std::uint64_t index) override {
    ++reads;
    auto it = tiles_.find({level, index});
    if (it == tiles_.end()) return NotFound("no tile");
    return it->second;
  }
  std::vector<std::vector<Hash>> PartialTiles(std::uint64_t size) const {
    std::vector<std::vector<Hash>> out;
    for (unsigned level = 0; LevelHashCount(size, level) > 0; ++level) {
      const unsigned w = PartialTileWidth(size, level);
      if (w == 0) {
        out.emplace_back();
        continue;
      }
      const auto& t = tiles_.at({level, LevelHashCount(size, level) / kTileWidth});
      out.emplace_back(t.begin(), t.begin() + w);
    }
    return out;
  }
  int reads = 0;

 private:
  std::map<std::pair<unsigned, std::uint64_t>, std::vector<Hash>> tiles_;
};

// Appends the reference leaves in batches of random size, storing the tile
// writes of each batch; checks the root after every batch, and that an edge
// rebuilt from the stored partial tiles continues identically.
TEST(RightEdge, MatchesTheReferenceTreeAcrossTileBoundaries) {
  const TreeHasher hasher = TreeHasher::Sha256();
  const ReferenceTree ref = MakeReferenceTree(hasher, 66000);
  RightEdge edge(hasher);
  MapTiles tiles;
  std::mt19937_64 rng(42);
  std::size_t n = 0;
  int checked = 0;
  while (n < ref.leaves().size()) {
    const std::size_t batch = std::min<std::size_t>(1 + rng() % 700, ref.leaves().size() - n);
    for (std::size_t i = 0; i < batch; ++i) edge.Append(ref.leaves()[n + i]);
    n += batch;
    tiles.Apply(edge.TakeWrites());
    ASSERT_EQ(edge.size(), n);
    if (rng() % 8 == 0 || n < 2000) {
      ASSERT_EQ(edge.Root(), ref.Mth(0, n)) << n;
      auto rebuilt = RightEdge::FromPartialTiles(hasher, n, tiles.PartialTiles(n));
      ASSERT_TRUE(rebuilt) << rebuilt.error().ToString();
      ASSERT_EQ(rebuilt->Root(), edge.Root()) << n;
      edge = std::move(*rebuilt);
      ++checked;
    }
  }
  EXPECT_GT(checked, 20);
  EXPECT_EQ(LevelHashCount(n, 2), 1u);  // the run reached a level-2 tile
}

TEST(RightEdge, RejectsPartialTilesOfTheWrongWidth) {
  const TreeHasher hasher = TreeHasher::Sha256();
  std::vector<std::vector<Hash>> partial = {std::vector<Hash>(3)};
  EXPECT_EQ(RightEdge::FromPartialTiles(hasher, 4, partial).error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(RightEdge::FromPartialTiles(hasher, 259, partial).error().code(),
            ErrorCode::kDataLoss);  // level 1 missing
  EXPECT_TRUE(RightEdge::FromPartialTiles(hasher, 3, partial));
}

TEST(TileNodeReader, ProofsFromTilesVerify) {
  const TreeHasher hasher = TreeHasher::Sha256();
  const ReferenceTree ref = MakeReferenceTree(hasher, 70000);
  RightEdge edge(hasher);
  MapTiles tiles;
  for (const Hash& h : ref.leaves()) edge.Append(h);
  tiles.Apply(edge.TakeWrites());
  TileNodeReader reader(hasher, tiles, 64);
  const std::uint64_t n = ref.leaves().size();
  EXPECT_EQ(TreeRoot(hasher, reader, n).value(), edge.Root());
  std::mt19937_64 rng(7);
  for (int i = 0; i < 300; ++i) {
    const std::uint64_t size = 1 + rng() % n;
    const std::uint64_t index = rng() % size;
    const Hash root = TreeRoot(hasher, reader, size).value();
    if (i < 10) {  // the reference is slow
      ASSERT_EQ(root, ref.Mth(0, size));
    }
    auto proof = BuildInclusionProof(hasher, reader, index, size);
    ASSERT_TRUE(proof) << proof.error().ToString();
    ASSERT_TRUE(VerifyInclusion(hasher, index, size, ref.leaves()[index], *proof, root));
    const std::uint64_t old = 1 + rng() % size;
    auto cproof = BuildConsistencyProof(hasher, reader, old, size).value();
    ASSERT_TRUE(
        VerifyConsistency(hasher, old, size, cproof, TreeRoot(hasher, reader, old).value(), root));
  }
  // The cache is bounded but useful: far fewer reads than node lookups.
  EXPECT_LT(tiles.reads, 3000);
}

TEST(TileNodeReader, ReportsMissingNodes) {
  const TreeHasher hasher = TreeHasher::Sha256();
  MapTiles tiles;
  RightEdge edge(hasher);
  for (int i = 0; i < 10; ++i) edge.Append(hasher.HashLeaf(AsBytes(std::to_string(i))));
  tiles.Apply(edge.TakeWrites());
  TileNodeReader reader(hasher, tiles);
  EXPECT_TRUE(reader.ReadNode(3, 0));
  EXPECT_EQ(reader.ReadNode(2, 2).error().code(), ErrorCode::kNotFound);  // leaves 8..11
  EXPECT_EQ(reader.ReadNode(8, 0).error().code(), ErrorCode::kNotFound);  // no level-1 tile
}

}  // namespace
}  // namespace digitrade::ledger::internal
