// Fuzz target: proof documents (JSON, as the API serves them and the CLI
// reads them) and proof verification on hostile input. The JSON parsers see
// the raw input; whatever parses must round-trip. Then the input is read as
// index/size1 (8 bytes), size/size2 (8 bytes), a flag byte, a leaf or first
// root (32 bytes), a root (32 bytes), then proof hashes; short inputs are
// padded with zeroes. A proof that verifies must also verify through the
// root it computes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "ledger/merkle.h"
#include "ledger/proof_json.h"

namespace {

std::uint64_t Read64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace digitrade::ledger;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto doc = InclusionProofDoc::Parse(text); doc) {
    auto again = InclusionProofDoc::Parse(doc->ToJson());
    if (!again || again->proof != doc->proof || again->index != doc->index) __builtin_trap();
  }
  if (auto doc = ConsistencyProofDoc::Parse(text); doc) {
    auto again = ConsistencyProofDoc::Parse(doc->ToJson());
    if (!again || again->proof != doc->proof || again->size1 != doc->size1) __builtin_trap();
  }
  constexpr std::size_t kHeader = 8 + 8 + 1 + 32 + 32;
  std::vector<std::uint8_t> in(data, data + size);
  if (in.size() < kHeader) in.resize(kHeader);
  // Sizes are kept small often enough to reach the hashing paths.
  const bool small = (in[16] & 1) != 0;
  std::uint64_t a = Read64(in.data());
  std::uint64_t b = Read64(in.data() + 8);
  if (small) {
    a %= 1024;
    b %= 1024;
  }
  const ByteView first(in.data() + 17, 32);
  const ByteView root(in.data() + 49, 32);
  std::vector<Hash> proof((in.size() - kHeader) / 32);
  for (std::size_t i = 0; i < proof.size(); ++i) {
    std::copy_n(in.data() + kHeader + 32 * i, 32, proof[i].begin());
  }
  const TreeHasher hasher = TreeHasher::Sha256();
  auto computed = RootFromInclusionProof(hasher, a, b, first, proof);
  if (computed && !VerifyInclusion(hasher, a, b, first, proof, *computed)) __builtin_trap();
  (void)VerifyConsistency(hasher, a, b, proof, first, root);
  (void)InclusionProofLength(a, b);
  (void)ConsistencyProofLength(a, b);
  return 0;
}
