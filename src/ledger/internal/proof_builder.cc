#include "ledger/internal/proof_builder.h"

#include <algorithm>
#include <bit>
#include <string>

namespace digitrade::ledger::internal {
namespace {

// Largest power of two strictly below n (n >= 2).
std::uint64_t SplitPoint(std::uint64_t n) {
  return std::bit_floor(n - 1);
}

// MTH(D[lo:hi]) where lo is a multiple of a power of two >= hi - lo, which
// holds for every range the RFC 9162 recursions visit.
Result<Hash> RangeHash(const TreeHasher& hasher, NodeReader& reader, std::uint64_t lo,
                       std::uint64_t hi) {
  const std::uint64_t n = hi - lo;
  if (std::has_single_bit(n)) {
    const unsigned h = static_cast<unsigned>(std::countr_zero(n));
    return reader.ReadNode(h, lo >> h);
  }
  // Fold the perfect subtrees of n's binary decomposition from the right.
  std::vector<Hash> parts;
  std::uint64_t at = lo;
  for (int bit = 63; bit >= 0; --bit) {
    const std::uint64_t w = std::uint64_t{1} << bit;
    if ((n & w) == 0) continue;
    DT_ASSIGN_OR_RETURN(Hash node, reader.ReadNode(static_cast<unsigned>(bit), at >> bit));
    parts.push_back(node);
    at += w;
  }
  Hash acc = parts.back();
  for (std::size_t i = parts.size() - 1; i-- > 0;) acc = hasher.HashChildren(parts[i], acc);
  return acc;
}

// Narrows [lo, hi) to its left part (go_left) or right part at the RFC 9162
// split point and appends the hash of the other part to `proof`.
Status Descend(const TreeHasher& hasher, NodeReader& reader, bool go_left, std::uint64_t& lo,
               std::uint64_t& hi, std::vector<Hash>& proof) {
  const std::uint64_t mid = lo + SplitPoint(hi - lo);
  DT_ASSIGN_OR_RETURN(Hash other, go_left ? RangeHash(hasher, reader, mid, hi)
                                          : RangeHash(hasher, reader, lo, mid));
  proof.push_back(other);
  (go_left ? hi : lo) = mid;
  return {};
}

}  // namespace

Result<Hash> TreeRoot(const TreeHasher& hasher, NodeReader& reader, std::uint64_t size) {
  if (size == 0) return hasher.EmptyRoot();
  return RangeHash(hasher, reader, 0, size);
}

Result<std::vector<Hash>> BuildInclusionProof(const TreeHasher& hasher, NodeReader& reader,
                                              std::uint64_t index, std::uint64_t size) {
  if (index >= size) {
    return InvalidArgument("leaf index " + std::to_string(index) + " is not below tree size " +
                           std::to_string(size));
  }
  // Walk down from the root; siblings come out top first.
  std::vector<Hash> proof;
  std::uint64_t lo = 0;
  std::uint64_t hi = size;
  while (hi - lo > 1) {
    DT_TRY(Descend(hasher, reader, index < lo + SplitPoint(hi - lo), lo, hi, proof));
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

Result<std::vector<Hash>> BuildConsistencyProof(const TreeHasher& hasher, NodeReader& reader,
                                                std::uint64_t size1, std::uint64_t size2) {
  if (size1 == 0 || size1 > size2) {
    return InvalidArgument("a consistency proof needs 0 < size1 <= size2, got " +
                           std::to_string(size1) + " and " + std::to_string(size2));
  }
  // SUBPROOF(m, D[lo:hi], whole) of RFC 9162 §2.1.4.1, unrolled.
  std::vector<Hash> proof;
  std::uint64_t m = size1;
  std::uint64_t lo = 0;
  std::uint64_t hi = size2;
  bool whole = true;
  while (m != hi - lo) {
    const std::uint64_t k = SplitPoint(hi - lo);
    const bool left = m <= k;
    if (!left) {
      m -= k;
      whole = false;
    }
    DT_TRY(Descend(hasher, reader, left, lo, hi, proof));
  }
  if (!whole) {
    DT_ASSIGN_OR_RETURN(Hash node, RangeHash(hasher, reader, lo, hi));
    proof.push_back(node);
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

}  // namespace digitrade::ledger::internal
