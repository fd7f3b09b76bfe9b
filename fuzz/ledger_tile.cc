// Fuzz target: tile paths (from request URLs) and entry bundles (from
// mirrors). Whatever parses must round-trip.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ledger/tile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace digitrade::ledger;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto tile = ParseTilePath(in); tile) {
    if (TilePath(*tile) != in) __builtin_trap();
    (void)TileAvailable(*tile, size * 1000003);
  }
  if (auto entries = DecodeEntryBundle(in); entries) {
    auto again = EncodeEntryBundle(*entries);
    if (!again || *again != in) __builtin_trap();
  }
  (void)TileHashesFromBytes(ByteView(data, size));
  return 0;
}
