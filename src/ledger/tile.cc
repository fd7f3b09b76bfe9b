#include "ledger/tile.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace digitrade::ledger {
namespace {

// Parses a decimal with no sign and no leading zero (unless it is "0").
std::optional<std::uint64_t> ParseCanonicalDecimal(std::string_view s) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

bool IsThreeDigits(std::string_view s) {
  return s.size() == 3 && std::isdigit(static_cast<unsigned char>(s[0])) &&
         std::isdigit(static_cast<unsigned char>(s[1])) &&
         std::isdigit(static_cast<unsigned char>(s[2]));
}

std::string ThreeDigits(std::uint64_t v) {
  std::string s = std::to_string(v);
  return std::string(3 - s.size(), '0') + s;
}

// "x001/x234/067" -> 1234067: groups of three digits, all but the last
// prefixed with "x", no leading all-zero group (one path per index).
Result<std::uint64_t> ParseTileIndex(std::string_view n) {
  if (n.starts_with("x000/")) return InvalidArgument("tile index has a leading zero group");
  std::uint64_t v = 0;
  while (true) {
    const std::size_t slash = n.find('/');
    const std::string_view seg = n.substr(0, slash);
    const bool last = slash == std::string_view::npos;
    const std::string_view digits = last ? seg : seg.substr(seg.empty() ? 0 : 1);
    if (!last && (seg.empty() || seg[0] != 'x')) {
      return InvalidArgument("tile index element \"" + std::string(seg) + "\" must start with x");
    }
    if (!IsThreeDigits(digits)) {
      return InvalidArgument("tile index element \"" + std::string(seg) +
                             "\" must be three digits");
    }
    const auto d = static_cast<std::uint64_t>((digits[0] - '0') * 100 + (digits[1] - '0') * 10 +
                                              (digits[2] - '0'));
    if (v > (UINT64_MAX - d) / 1000) return InvalidArgument("tile index overflows");
    v = v * 1000 + d;
    if (last) return v;
    n.remove_prefix(slash + 1);
  }
}

}  // namespace

std::string TilePath(const TileId& tile) {
  std::string path = tile.entries ? "tile/entries/" : "tile/" + std::to_string(tile.level) + "/";
  std::vector<std::string> groups;
  std::uint64_t n = tile.index;
  do {
    groups.push_back(ThreeDigits(n % 1000));
    n /= 1000;
  } while (n > 0);
  for (std::size_t i = groups.size(); i-- > 0;) {
    if (i > 0) path += 'x';
    path += groups[i];
    if (i > 0) path += '/';
  }
  if (!tile.full()) path += ".p/" + std::to_string(tile.width);
  return path;
}

Result<TileId> ParseTilePath(std::string_view path) {
  constexpr std::string_view kPrefix = "tile/";
  if (path.substr(0, kPrefix.size()) != kPrefix) {
    return InvalidArgument("tile path must start with \"tile/\"");
  }
  path.remove_prefix(kPrefix.size());
  TileId tile;
  const std::size_t slash = path.find('/');
  if (slash == std::string_view::npos) return InvalidArgument("tile path has no index");
  const std::string_view level = path.substr(0, slash);
  if (level == "entries") {
    tile.entries = true;
  } else {
    const auto l = ParseCanonicalDecimal(level);
    if (!l || *l > kMaxTileLevel) {
      return InvalidArgument("tile level \"" + std::string(level) + "\" is not 0..63");
    }
    tile.level = static_cast<unsigned>(*l);
  }
  path.remove_prefix(slash + 1);
  const std::size_t dotp = path.find(".p/");
  if (dotp != std::string_view::npos) {
    const std::string_view w = path.substr(dotp + 3);
    const auto width = ParseCanonicalDecimal(w);
    if (!width || *width == 0 || *width >= kTileWidth) {
      return InvalidArgument("partial tile width \"" + std::string(w) + "\" is not 1..255");
    }
    tile.width = static_cast<unsigned>(*width);
    path = path.substr(0, dotp);
  }
  DT_ASSIGN_OR_RETURN(tile.index, ParseTileIndex(path));
  return tile;
}

std::uint64_t LevelHashCount(std::uint64_t size, unsigned level) {
  const unsigned shift = level * kTileHeight;
  return shift >= 64 ? 0 : size >> shift;
}

unsigned PartialTileWidth(std::uint64_t size, unsigned level) {
  return static_cast<unsigned>(LevelHashCount(size, level) % kTileWidth);
}

std::uint64_t FullTileCount(std::uint64_t size, unsigned level) {
  return LevelHashCount(size, level) / kTileWidth;
}

bool TileAvailable(const TileId& tile, std::uint64_t size) {
  const std::uint64_t count = LevelHashCount(size, tile.entries ? 0 : tile.level);
  const std::uint64_t tiles_before = count / kTileWidth;
  if (tile.index < tiles_before) return true;
  return tile.index == tiles_before && tile.width <= count % kTileWidth;
}

Hash TileRootHash(const TreeHasher& hasher, std::span<const Hash> hashes) {
  std::vector<Hash> level(hashes.begin(), hashes.end());
  while (level.size() > 1) {
    for (std::size_t i = 0; i < level.size() / 2; ++i) {
      level[i] = hasher.HashChildren(level[2 * i], level[2 * i + 1]);
    }
    level.resize(level.size() / 2);
  }
  return level.front();
}

Result<std::string> EncodeEntryBundle(const std::vector<std::string>& entries) {
  std::string out;
  for (const std::string& e : entries) {
    if (e.size() > kMaxEntrySize) {
      return InvalidArgument("entry of " + std::to_string(e.size()) +
                             " bytes exceeds the 65535-byte limit");
    }
    out.push_back(static_cast<char>(e.size() >> 8));
    out.push_back(static_cast<char>(e.size() & 0xff));
    out += e;
  }
  return out;
}

Result<std::vector<std::string>> DecodeEntryBundle(std::string_view bundle) {
  std::vector<std::string> entries;
  while (!bundle.empty()) {
    if (entries.size() == kTileWidth) return InvalidArgument("bundle holds more than 256 entries");
    if (bundle.size() < 2) return InvalidArgument("bundle ends inside a length prefix");
    const std::size_t n = (static_cast<std::size_t>(static_cast<unsigned char>(bundle[0])) << 8) |
                          static_cast<unsigned char>(bundle[1]);
    bundle.remove_prefix(2);
    if (bundle.size() < n) return InvalidArgument("bundle ends inside an entry");
    entries.emplace_back(bundle.substr(0, n));
    bundle.remove_prefix(n);
  }
  return entries;
}

Result<std::vector<Hash>> TileHashesFromBytes(ByteView bytes) {
  if (bytes.size() % kHashSize != 0 || bytes.size() > kTileWidth * kHashSize) {
    return InvalidArgument("tile of " + std::to_string(bytes.size()) +
                           " bytes is not 1..256 hashes");
  }
  std::vector<Hash> hashes(bytes.size() / kHashSize);
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(i * kHashSize), kHashSize,
                hashes[i].begin());
  }
  return hashes;
}

std::string TileBytes(std::span<const Hash> hashes) {
  std::string out;
  out.reserve(hashes.size() * kHashSize);
  for (const Hash& h : hashes) out.append(reinterpret_cast<const char*>(h.data()), h.size());
  return out;
}

}  // namespace digitrade::ledger
