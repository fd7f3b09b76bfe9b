// Fuzz target: the gzip content coding (http/compression.h): the
// Accept-Encoding parser on outside header values, and gzip streams, which
// must round-trip and never expand past the bound given.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/compression.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace digitrade::http;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)AcceptsGzip(in);
  auto unpacked = Gunzip(in, 1 << 20);
  if (unpacked && unpacked->size() > (1u << 20)) __builtin_trap();
  auto packed = Gzip(in);
  if (!packed) __builtin_trap();
  auto back = Gunzip(*packed, size);
  if (!back || *back != in) __builtin_trap();
  return 0;
}
