// Test support: a Merkle tree computed straight from the RFC 9162 definition
// (MTH recursing over leaf hashes), the yardstick the tile-based engine is
// checked against. Slow by design; for tests only.
//
// Thread-safety: immutable after construction.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ledger/internal/proof_builder.h"
#include "ledger/merkle.h"

namespace digitrade::ledger::internal {

class ReferenceTree : public NodeReader {
 public:
  ReferenceTree(TreeHasher hasher, std::vector<Hash> leaves)
      : hasher_(hasher), leaves_(std::move(leaves)) {}

  // MTH(D[lo:hi]) for 0 <= lo < hi <= size.
  Hash Mth(std::size_t lo, std::size_t hi) const {
    if (hi - lo == 1) return leaves_[lo];
    std::size_t k = 1;
    while (k * 2 < hi - lo) k *= 2;
    return hasher_.HashChildren(Mth(lo, lo + k), Mth(lo + k, hi));
  }

  Result<Hash> ReadNode(unsigned height, std::uint64_t index) override {
    const std::size_t lo = index << height;
    const std::size_t hi = (index + 1) << height;
    if (hi > leaves_.size()) return NotFound("node beyond the tree");
    return Mth(lo, hi);
  }

  const std::vector<Hash>& leaves() const { return leaves_; }

 private:
  TreeHasher hasher_;
  std::vector<Hash> leaves_;
};

// Leaves are the decimal strings "0", "1", ...
inline ReferenceTree MakeReferenceTree(const TreeHasher& hasher, std::size_t n) {
  std::vector<Hash> leaves;
  for (std::size_t i = 0; i < n; ++i) leaves.push_back(hasher.HashLeaf(AsBytes(std::to_string(i))));
  return ReferenceTree(hasher, std::move(leaves));
}

}  // namespace digitrade::ledger::internal
