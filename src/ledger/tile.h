// C2SP tlog-tiles resources: tile paths, tile widths for a tree size, and
// entry bundles.
//
// A tile at level L, index N holds up to 256 consecutive hashes of perfect
// subtrees of height 8*L (level 0: leaf hashes). Full tiles are 256 hashes
// (8192 bytes); the rightmost tile of a level is partial, width 1..255, and is
// served at ".p/<W>". Entry bundles ("tile/entries/N") carry the entries of
// the level-0 tile N, each as a big-endian uint16 length and the entry bytes.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ledger/merkle.h"

namespace digitrade::ledger {

inline constexpr unsigned kTileHeight = 8;
inline constexpr unsigned kTileWidth = 256;  // hashes (or entries) in a full tile
inline constexpr unsigned kMaxTileLevel = 63;
inline constexpr std::size_t kMaxEntrySize = 65535;  // bundles store uint16 lengths

struct TileId {
  bool entries = false;         // an entry bundle ("tile/entries/..."); level is then 0
  unsigned level = 0;           // 0..63
  std::uint64_t index = 0;      // N
  unsigned width = kTileWidth;  // 1..256; 256 is a full tile (no ".p/" suffix)

  bool full() const { return width == kTileWidth; }
  friend bool operator==(const TileId&, const TileId&) = default;
};

// "tile/0/x001/x234/067.p/5", "tile/entries/000".
std::string TilePath(const TileId& tile);

// Parses a path as TilePath writes it (no leading slash). Strict: no leading
// zeroes in L and W, 3-digit groups with "x" on all but the last, W in
// 1..255, no index overflow. Errors: invalid_argument naming the problem.
Result<TileId> ParseTilePath(std::string_view path);

// Width of the rightmost tile of `level` in a tree of `size` leaves (0 when
// the level has no partial tile), and the number of full tiles at `level`.
unsigned PartialTileWidth(std::uint64_t size, unsigned level);
std::uint64_t FullTileCount(std::uint64_t size, unsigned level);

// Number of hashes at tile level `level` in a tree of `size` leaves: the
// complete subtrees of height 8*level.
std::uint64_t LevelHashCount(std::uint64_t size, unsigned level);

// Whether every hash (or entry) of `tile` is fixed by a tree of `size`
// leaves, so it can be served for that tree: full tiles that are complete and
// partial tiles of any width up to the level's current width (a partial tile
// of an older checkpoint is a prefix of the newer one).
bool TileAvailable(const TileId& tile, std::uint64_t size);

// Root of the perfect subtree over `hashes` (a power of two of them, > 0).
// For a full tile (256 hashes) this is its element in the level above.
Hash TileRootHash(const TreeHasher& hasher, std::span<const Hash> hashes);

// Entry bundles. Encode fails with invalid_argument if an entry exceeds
// kMaxEntrySize; Decode with invalid_argument on a truncated or trailing
// record, or more than 256 entries.
Result<std::string> EncodeEntryBundle(const std::vector<std::string>& entries);
Result<std::vector<std::string>> DecodeEntryBundle(std::string_view bundle);

// Tile bytes <-> hashes. Errors: invalid_argument unless the size is a
// multiple of 32 bytes and at most 256 hashes.
Result<std::vector<Hash>> TileHashesFromBytes(ByteView bytes);
std::string TileBytes(std::span<const Hash> hashes);

}  // namespace digitrade::ledger
