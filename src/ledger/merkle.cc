#include "ledger/merkle.h"

#include <algorithm>
#include <bit>
#include <string>

namespace digitrade::ledger {
namespace {

Hash ToHash(const crypto::Digest& d) {
  Hash h{};
  std::copy_n(d.begin(), kHashSize, h.begin());
  return h;
}

bool Equal(const Hash& a, ByteView b) {
  return b.size() == kHashSize && std::equal(a.begin(), a.end(), b.begin());
}

// Both verification algorithms of RFC 9162 walk the path with two indexes:
// fn (the node whose hash is being built) and sn (the last node of the tree).
// When fn is a right child or the last node of its level, the next proof
// element is its left sibling; the inner "fast-forward" skips levels where the
// node is the rightmost and has no sibling.
struct PathWalker {
  std::uint64_t fn;
  std::uint64_t sn;

  // True when the next proof element is a left sibling.
  bool LeftSibling() const { return (fn & 1) == 1 || fn == sn; }

  void Step(bool left_sibling) {
    if (left_sibling && (fn & 1) == 0) {
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    }
    fn >>= 1;
    sn >>= 1;
  }
};

std::size_t CountSteps(PathWalker w) {
  std::size_t n = 0;
  while (w.sn != 0) {
    w.Step(w.LeftSibling());
    ++n;
  }
  return n;
}

PathWalker ConsistencyWalker(std::uint64_t size1, std::uint64_t size2) {
  PathWalker w{size1 - 1, size2 - 1};
  while ((w.fn & 1) == 1) {
    w.fn >>= 1;
    w.sn >>= 1;
  }
  return w;
}

}  // namespace

Result<TreeHasher> TreeHasher::Create(crypto::HashAlgorithm alg) {
  if (alg != crypto::HashAlgorithm::kSha256 && alg != crypto::HashAlgorithm::kSm3) {
    return InvalidArgument("a log hashes with sha-256 or sm3, not " +
                           std::string(crypto::HashName(alg)));
  }
  return TreeHasher(alg);
}

Hash TreeHasher::EmptyRoot() const {
  return ToHash(crypto::Hash(alg_, std::string_view()));
}

Hash TreeHasher::HashLeaf(ByteView entry) const {
  static constexpr std::uint8_t kLeafPrefix[1] = {0x00};
  crypto::Hasher h(alg_);
  h.Update(kLeafPrefix);
  h.Update(entry);
  return ToHash(h.Finish());
}

Hash TreeHasher::HashChildren(const Hash& left, const Hash& right) const {
  static constexpr std::uint8_t kNodePrefix[1] = {0x01};
  crypto::Hasher h(alg_);
  h.Update(kNodePrefix);
  h.Update(left);
  h.Update(right);
  return ToHash(h.Finish());
}

Result<Hash> HashFromBytes(ByteView bytes) {
  if (bytes.size() != kHashSize) {
    return InvalidArgument("a hash is 32 bytes, got " + std::to_string(bytes.size()));
  }
  Hash h{};
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

std::size_t InclusionProofLength(std::uint64_t index, std::uint64_t size) {
  if (index >= size) return 0;
  return CountSteps(PathWalker{index, size - 1});
}

std::size_t ConsistencyProofLength(std::uint64_t size1, std::uint64_t size2) {
  if (size1 == 0 || size1 >= size2) return 0;
  const std::size_t seed = std::has_single_bit(size1) ? 0 : 1;
  return seed + CountSteps(ConsistencyWalker(size1, size2));
}

Result<Hash> RootFromInclusionProof(const TreeHasher& hasher, std::uint64_t index,
                                    std::uint64_t size, ByteView leaf_hash,
                                    std::span<const Hash> proof) {
  if (index >= size) {
    return InvalidArgument("leaf index " + std::to_string(index) + " is not below tree size " +
                           std::to_string(size));
  }
  DT_ASSIGN_OR_RETURN(Hash r, HashFromBytes(leaf_hash));
  const std::size_t want = InclusionProofLength(index, size);
  if (proof.size() != want) {
    return InvalidArgument("inclusion proof has " + std::to_string(proof.size()) +
                           " hashes, expected " + std::to_string(want));
  }
  PathWalker w{index, size - 1};
  for (const Hash& p : proof) {
    const bool left = w.LeftSibling();
    r = left ? hasher.HashChildren(p, r) : hasher.HashChildren(r, p);
    w.Step(left);
  }
  return r;
}

Status VerifyInclusion(const TreeHasher& hasher, std::uint64_t index, std::uint64_t size,
                       ByteView leaf_hash, std::span<const Hash> proof, ByteView root) {
  DT_ASSIGN_OR_RETURN(Hash computed, RootFromInclusionProof(hasher, index, size, leaf_hash, proof));
  if (!Equal(computed, root)) {
    return FailedPrecondition("inclusion proof does not lead to the given root");
  }
  return {};
}

Status VerifyConsistency(const TreeHasher& hasher, std::uint64_t size1, std::uint64_t size2,
                         std::span<const Hash> proof, ByteView root1, ByteView root2) {
  if (size1 > size2) {
    return InvalidArgument("size1 " + std::to_string(size1) + " exceeds size2 " +
                           std::to_string(size2));
  }
  if (size1 == 0) {
    return InvalidArgument("a consistency proof from the empty tree proves nothing");
  }
  if (size1 == size2) {
    if (!proof.empty()) return InvalidArgument("equal sizes need an empty consistency proof");
    if (!std::ranges::equal(root1, root2)) {
      return FailedPrecondition("roots of equal-size trees differ");
    }
    return {};
  }
  const std::size_t want = ConsistencyProofLength(size1, size2);
  if (proof.size() != want) {
    return InvalidArgument("consistency proof has " + std::to_string(proof.size()) +
                           " hashes, expected " + std::to_string(want));
  }
  // When size1 is a power of two the old root is itself a node of the new
  // tree and starts the path; otherwise the proof's first element does.
  std::size_t next = 0;
  Hash seed{};
  if (std::has_single_bit(size1)) {
    DT_ASSIGN_OR_RETURN(seed, HashFromBytes(root1));
  } else {
    seed = proof[next++];
  }
  Hash fr = seed;
  Hash sr = seed;
  PathWalker w = ConsistencyWalker(size1, size2);
  for (; next < proof.size(); ++next) {
    const Hash& c = proof[next];
    const bool left = w.LeftSibling();
    if (left) {
      fr = hasher.HashChildren(c, fr);
      sr = hasher.HashChildren(c, sr);
    } else {
      sr = hasher.HashChildren(sr, c);
    }
    w.Step(left);
  }
  if (!Equal(fr, root1)) return FailedPrecondition("consistency proof does not lead to root1");
  if (!Equal(sr, root2)) return FailedPrecondition("consistency proof does not lead to root2");
  return {};
}

}  // namespace digitrade::ledger
