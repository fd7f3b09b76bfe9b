#include "ledger/tile.h"

#include <gtest/gtest.h>

namespace digitrade::ledger {
namespace {

TEST(TilePath, FormatsLikeTheSpec) {
  EXPECT_EQ(TilePath({false, 0, 1234067, 256}), "tile/0/x001/x234/067");
  EXPECT_EQ(TilePath({false, 2, 0, 1}), "tile/2/000.p/1");
  EXPECT_EQ(TilePath({false, 1, 999, 256}), "tile/1/999");
  EXPECT_EQ(TilePath({false, 1, 1000, 17}), "tile/1/x001/000.p/17");
  EXPECT_EQ(TilePath({true, 0, 5, 112}), "tile/entries/005.p/112");
}

TEST(TilePath, ParsesWhatItFormats) {
  for (const TileId& t : {TileId{false, 0, 1234067, 256}, TileId{false, 63, 0, 255},
                          TileId{true, 0, 7, 3}, TileId{false, 5, 18446744073709551615u, 256}}) {
    auto parsed = ParseTilePath(TilePath(t));
    ASSERT_TRUE(parsed) << TilePath(t) << ": " << parsed.error().ToString();
    EXPECT_EQ(*parsed, t) << TilePath(t);
  }
}

TEST(TilePath, RejectsMalformedPaths) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"tiles/0/000", "tile path must start with \"tile/\""},
      {"tile/0", "tile path has no index"},
      {"tile/64/000", "tile level \"64\" is not 0..63"},
      {"tile/01/000", "tile level \"01\" is not 0..63"},
      {"tile/-1/000", "tile level \"-1\" is not 0..63"},
      {"tile/a/000", "tile level \"a\" is not 0..63"},
      {"tile/0/00", "tile index element \"00\" must be three digits"},
      {"tile/0/0000", "tile index element \"0000\" must be three digits"},
      {"tile/0/001/002", "tile index element \"001\" must start with x"},
      {"tile/0/x001", "tile index element \"x001\" must be three digits"},
      {"tile/0/x000/001", "tile index has a leading zero group"},
      {"tile/0/x1a3/000", "tile index element \"x1a3\" must be three digits"},
      {"tile/0/000.p/0", "partial tile width \"0\" is not 1..255"},
      {"tile/0/000.p/256", "partial tile width \"256\" is not 1..255"},
      {"tile/0/000.p/07", "partial tile width \"07\" is not 1..255"},
      {"tile/0/000.p/", "partial tile width \"\" is not 1..255"},
      {"tile/0/000.p/1/2", "partial tile width \"1/2\" is not 1..255"},
      {"tile/0/x018/x446/x744/x073/x709/x551/616", "tile index overflows"},
      {"tile/0/000/", "tile index element \"000\" must start with x"},
      {"tile/entries/", "tile index element \"\" must be three digits"},
  };
  for (const auto& [path, want] : cases) {
    auto r = ParseTilePath(path);
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().message(), want) << path;
  }
}

// The spec's example: a tree of 70,000 entries has 273 full level-0 tiles
// and one partial of width 112, one full level-1 tile and a partial of 17,
// and a partial level-2 tile of width 1.
TEST(TileMath, SpecExample) {
  EXPECT_EQ(FullTileCount(70000, 0), 273u);
  EXPECT_EQ(PartialTileWidth(70000, 0), 112u);
  EXPECT_EQ(FullTileCount(70000, 1), 1u);
  EXPECT_EQ(PartialTileWidth(70000, 1), 17u);
  EXPECT_EQ(FullTileCount(70000, 2), 0u);
  EXPECT_EQ(PartialTileWidth(70000, 2), 1u);
  EXPECT_EQ(PartialTileWidth(70000, 3), 0u);
  EXPECT_EQ(PartialTileWidth(256, 0), 0u);
  EXPECT_EQ(PartialTileWidth(256, 1), 1u);
  EXPECT_EQ(LevelHashCount(~std::uint64_t{0}, 8), 0u);
}

TEST(TileMath, Availability) {
  EXPECT_TRUE(TileAvailable({false, 0, 272, 256}, 70000));
  EXPECT_FALSE(TileAvailable({false, 0, 273, 256}, 70000));
  EXPECT_TRUE(TileAvailable({false, 0, 273, 112}, 70000));
  EXPECT_TRUE(TileAvailable({false, 0, 273, 5}, 70000));  // an older checkpoint's
  EXPECT_FALSE(TileAvailable({false, 0, 273, 113}, 70000));
  EXPECT_TRUE(TileAvailable({false, 0, 100, 17}, 70000));  // prefix of a full tile
  EXPECT_FALSE(TileAvailable({false, 2, 0, 2}, 70000));
  EXPECT_FALSE(TileAvailable({false, 3, 0, 1}, 70000));
  EXPECT_TRUE(TileAvailable({true, 0, 273, 112}, 70000));
  EXPECT_FALSE(TileAvailable({false, 0, 0, 1}, 0));
}

TEST(EntryBundle, RoundTripsAndBoundsEntries) {
  const std::vector<std::string> entries = {"", "a", std::string(300, 'x'),
                                            std::string(kMaxEntrySize, 'y')};
  auto bundle = EncodeEntryBundle(entries).value();
  EXPECT_EQ(bundle.substr(0, 5), std::string("\0\0\0\1a", 5));
  EXPECT_EQ(DecodeEntryBundle(bundle).value(), entries);
  auto big = EncodeEntryBundle({std::string(kMaxEntrySize + 1, 'z')});
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().message(), "entry of 65536 bytes exceeds the 65535-byte limit");
}

TEST(EntryBundle, RejectsTruncatedAndOverfullBundles) {
  EXPECT_EQ(DecodeEntryBundle(std::string("\0", 1)).error().message(),
            "bundle ends inside a length prefix");
  EXPECT_EQ(DecodeEntryBundle(std::string("\0\3ab", 4)).error().message(),
            "bundle ends inside an entry");
  std::string overfull;
  for (int i = 0; i < 257; ++i) overfull += std::string("\0\0", 2);
  EXPECT_EQ(DecodeEntryBundle(overfull).error().message(), "bundle holds more than 256 entries");
}

TEST(TileBytes, RoundTripAndLimits) {
  std::vector<Hash> hashes(3);
  hashes[1][0] = 1;
  const std::string bytes = TileBytes(hashes);
  EXPECT_EQ(bytes.size(), 96u);
  EXPECT_EQ(TileHashesFromBytes(AsBytes(bytes)).value(), hashes);
  EXPECT_FALSE(TileHashesFromBytes(AsBytes(bytes.substr(1))));
  EXPECT_FALSE(TileHashesFromBytes(AsBytes(std::string(257 * 32, 'a'))));
}

TEST(TileRootHash, EqualsTheSubtreeRoot) {
  const TreeHasher hasher = TreeHasher::Sha256();
  std::vector<Hash> leaves;
  for (int i = 0; i < 256; ++i) leaves.push_back(hasher.HashLeaf(AsBytes(std::to_string(i))));
  // Build the 256-leaf tree pairwise by hand along a different path: two
  // 128-leaf halves.
  std::span<const Hash> all(leaves);
  const Hash left = TileRootHash(hasher, all.subspan(0, 128));
  const Hash right = TileRootHash(hasher, all.subspan(128, 128));
  EXPECT_EQ(TileRootHash(hasher, all), hasher.HashChildren(left, right));
}

}  // namespace
}  // namespace digitrade::ledger
