// Builds RFC 9162 proofs and roots from a source of perfect-subtree hashes.
//
// A node (height h, index i) is the root of the perfect subtree over leaves
// [i * 2^h, (i + 1) * 2^h). The functions here only ask for nodes that are
// complete in the tree of the size they are given, so any reader over a
// larger tree of the same log answers them identically (the log is
// append-only).
//
// Thread-safety: the functions are reentrant; a NodeReader is used by one
// call at a time unless its implementation says otherwise.
#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "ledger/merkle.h"

namespace digitrade::ledger::internal {

class NodeReader {
 public:
  virtual ~NodeReader() = default;
  // Errors: not_found when the node is not (yet) stored, data_loss when the
  // store is inconsistent, and storage errors.
  virtual Result<Hash> ReadNode(unsigned height, std::uint64_t index) = 0;
};

// MTH(D[0:size]). The empty tree hashes to hasher.EmptyRoot().
Result<Hash> TreeRoot(const TreeHasher& hasher, NodeReader& reader, std::uint64_t size);

// PATH(index, D[0:size]). Errors: invalid_argument when index >= size.
Result<std::vector<Hash>> BuildInclusionProof(const TreeHasher& hasher, NodeReader& reader,
                                              std::uint64_t index, std::uint64_t size);

// PROOF(size1, D[0:size2]); empty when size1 == size2. Errors:
// invalid_argument unless 0 < size1 <= size2.
Result<std::vector<Hash>> BuildConsistencyProof(const TreeHasher& hasher, NodeReader& reader,
                                                std::uint64_t size1, std::uint64_t size2);

}  // namespace digitrade::ledger::internal
