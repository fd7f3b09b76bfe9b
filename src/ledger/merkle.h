// RFC 9162 §2.1 Merkle tree hashing and proof verification.
//
// A log's tree uses one hash function for its whole life, chosen when the log
// is created: SHA-256 (RFC 9162, C2SP) or SM3 (GB/T 32905, for deployments
// that require national algorithms). Both produce 32-byte hashes, so a Hash is
// a fixed 32-byte value whatever the algorithm.
//
//   leaf hash = H(0x00 || entry)
//   node hash = H(0x01 || left || right)
//   empty tree = H("")
//
// The verifiers take roots and leaf hashes as byte spans because they check
// outside input: a value of the wrong length simply fails to match. Proof
// elements must be exactly 32 bytes each.
//
// Thread-safety: TreeHasher is an immutable value type; the free functions are
// pure. Nothing here owns anything beyond its own members.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "crypto/hash.h"

namespace digitrade::ledger {

inline constexpr std::size_t kHashSize = 32;
using Hash = std::array<std::uint8_t, kHashSize>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

class TreeHasher {
 public:
  // Errors: invalid_argument unless `alg` is SHA-256 or SM3.
  static Result<TreeHasher> Create(crypto::HashAlgorithm alg);
  static TreeHasher Sha256() { return TreeHasher(crypto::HashAlgorithm::kSha256); }

  crypto::HashAlgorithm algorithm() const { return alg_; }

  Hash EmptyRoot() const;
  Hash HashLeaf(ByteView entry) const;
  Hash HashChildren(const Hash& left, const Hash& right) const;

 private:
  explicit TreeHasher(crypto::HashAlgorithm alg) : alg_(alg) {}
  crypto::HashAlgorithm alg_;
};

// Converts a byte string to a Hash. Errors: invalid_argument unless it is
// exactly 32 bytes.
Result<Hash> HashFromBytes(ByteView bytes);

// Computes the root of a tree of `size` leaves from the inclusion proof of the
// leaf at `index` (RFC 9162 §2.1.3.2). Errors: invalid_argument when
// index >= size, the leaf hash is not 32 bytes, or the proof has the wrong
// number of elements for (index, size).
Result<Hash> RootFromInclusionProof(const TreeHasher& hasher, std::uint64_t index,
                                    std::uint64_t size, ByteView leaf_hash,
                                    std::span<const Hash> proof);

// Checks that `leaf_hash` is the leaf at `index` in the tree of `size` leaves
// whose root is `root`. Errors: invalid_argument (as above), and
// failed_precondition when the proof does not lead to `root`.
Status VerifyInclusion(const TreeHasher& hasher, std::uint64_t index, std::uint64_t size,
                       ByteView leaf_hash, std::span<const Hash> proof, ByteView root);

// Checks that the tree of `size2` leaves with root `root2` extends the tree of
// `size1` leaves with root `root1` (RFC 9162 §2.1.4.2). Requires
// 0 < size1 <= size2; equal sizes need an empty proof and equal roots.
// Errors: invalid_argument (size1 == 0, size1 > size2, wrong proof length),
// failed_precondition (a root does not match: the trees are inconsistent or
// the proof is wrong).
Status VerifyConsistency(const TreeHasher& hasher, std::uint64_t size1, std::uint64_t size2,
                         std::span<const Hash> proof, ByteView root1, ByteView root2);

// Number of hashes in a correct inclusion proof for (index, size), or in a
// consistency proof for (size1, size2). Preconditions as above.
std::size_t InclusionProofLength(std::uint64_t index, std::uint64_t size);
std::size_t ConsistencyProofLength(std::uint64_t size1, std::uint64_t size2);

}  // namespace digitrade::ledger
