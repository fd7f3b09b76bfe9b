#include "ledger/merkle.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/json.h"
#include "crypto/base64.h"
#include "crypto/hash.h"
#include "ledger/internal/proof_builder.h"
#include "ledger/internal/reference_tree.h"

namespace digitrade::ledger {
namespace {

using internal::BuildConsistencyProof;
using internal::BuildInclusionProof;
using internal::MakeReferenceTree;
using internal::ReferenceTree;
using internal::TreeRoot;

Hash H(std::string_view hex) {
  return HashFromBytes(crypto::FromHex(hex).value()).value();
}

// The eight RFC 6962 test leaves and the roots of their prefixes, as listed
// in the Certificate Transparency reference tests.
const std::vector<std::string> kLeaves = {
    "",
    std::string(1, '\0'),
    "\x10",
    "\x20\x21",
    "\x30\x31",
    "\x40\x41\x42\x43",
    "\x50\x51\x52\x53\x54\x55\x56\x57",
    "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
const char* const kRoots[] = {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                              "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                              "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                              "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                              "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                              "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                              "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                              "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

TEST(Merkle, Rfc6962KnownRoots) {
  const TreeHasher hasher = TreeHasher::Sha256();
  std::vector<Hash> leaves;
  for (const auto& l : kLeaves) leaves.push_back(hasher.HashLeaf(AsBytes(l)));
  ReferenceTree tree(hasher, leaves);
  for (std::size_t n = 1; n <= kLeaves.size(); ++n) {
    EXPECT_EQ(TreeRoot(hasher, tree, n).value(), H(kRoots[n - 1])) << n;
  }
  EXPECT_EQ(crypto::ToHex(hasher.EmptyRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// Known answers computed with Python's hashlib (GB/T 32905 SM3) for the
// leaves "", "\0", "\x10".
TEST(Merkle, Sm3KnownRoot) {
  const TreeHasher hasher = TreeHasher::Create(crypto::HashAlgorithm::kSm3).value();
  std::vector<Hash> leaves;
  for (std::size_t i = 0; i < 3; ++i) leaves.push_back(hasher.HashLeaf(AsBytes(kLeaves[i])));
  EXPECT_EQ(leaves[0], H("2daef60e7a0b8f5e024c81cd2ab3109f2b4f155cf83adeb2ae5532f74a157fdf"));
  ReferenceTree tree(hasher, leaves);
  EXPECT_EQ(TreeRoot(hasher, tree, 3).value(),
            H("209ec96a210d662a964772680e8544d18cab7b88ffec3e00962220349b56ea56"));
  EXPECT_EQ(hasher.EmptyRoot(),
            H("1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"));
}

TEST(Merkle, RejectsOtherHashAlgorithms) {
  auto r = TreeHasher::Create(crypto::HashAlgorithm::kSha384);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
}

// Every proof the builder makes for small trees verifies, has the length the
// verifier expects, and fails against a tree that differs in one leaf.
TEST(Merkle, BuiltProofsVerifyForAllSmallTrees) {
  for (const TreeHasher& hasher :
       {TreeHasher::Sha256(), TreeHasher::Create(crypto::HashAlgorithm::kSm3).value()}) {
    ReferenceTree tree = MakeReferenceTree(hasher, 70);
    for (std::uint64_t n = 1; n <= 70; ++n) {
      const Hash root = TreeRoot(hasher, tree, n).value();
      for (std::uint64_t i = 0; i < n; ++i) {
        auto proof = BuildInclusionProof(hasher, tree, i, n).value();
        const Hash leaf = tree.ReadNode(0, i).value();
        ASSERT_TRUE(VerifyInclusion(hasher, i, n, leaf, proof, root)) << i << "/" << n;
        EXPECT_EQ(proof.size(), InclusionProofLength(i, n));
        Hash other = leaf;
        other[0] ^= 1;
        EXPECT_FALSE(VerifyInclusion(hasher, i, n, other, proof, root));
      }
      for (std::uint64_t m = 1; m <= n; ++m) {
        auto proof = BuildConsistencyProof(hasher, tree, m, n).value();
        const Hash old_root = TreeRoot(hasher, tree, m).value();
        ASSERT_TRUE(VerifyConsistency(hasher, m, n, proof, old_root, root)) << m << "->" << n;
        EXPECT_EQ(proof.size(), m < n ? ConsistencyProofLength(m, n) : 0);
      }
    }
  }
}

TEST(Merkle, ForkedTreeFailsConsistency) {
  const TreeHasher hasher = TreeHasher::Sha256();
  ReferenceTree honest = MakeReferenceTree(hasher, 20);
  std::vector<Hash> forked_leaves;
  for (std::size_t i = 0; i < 20; ++i) {
    forked_leaves.push_back(hasher.HashLeaf(AsBytes(i == 5 ? "evil" : std::to_string(i))));
  }
  ReferenceTree forked(hasher, forked_leaves);
  const Hash old_root = TreeRoot(hasher, honest, 9).value();
  auto proof = BuildConsistencyProof(hasher, forked, 9, 20).value();
  auto st = VerifyConsistency(hasher, 9, 20, proof, old_root, TreeRoot(hasher, forked, 20).value());
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), ErrorCode::kFailedPrecondition);
}

TEST(Merkle, BuilderRejectsBadArguments) {
  const TreeHasher hasher = TreeHasher::Sha256();
  ReferenceTree tree = MakeReferenceTree(hasher, 4);
  EXPECT_EQ(BuildInclusionProof(hasher, tree, 4, 4).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(BuildConsistencyProof(hasher, tree, 0, 4).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(BuildConsistencyProof(hasher, tree, 3, 2).error().code(), ErrorCode::kInvalidArgument);
  // A node the reader cannot supply surfaces as the reader's error.
  EXPECT_EQ(BuildInclusionProof(hasher, tree, 0, 5).error().code(), ErrorCode::kNotFound);
}

// --- transparency-dev/merkle vectors (../shared/testdata/tlog) -------------

std::filesystem::path VectorDir() {
  const char* src = std::getenv("DIGITRADE_SOURCE_DIR");
  return std::filesystem::path(src ? src : ".") / ".." / "shared" / "testdata" / "tlog";
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::uint8_t> B64(const boost::json::object& o, std::string_view key) {
  return crypto::Base64Decode(json::RequiredString(o, key).value()).value();
}

// Sizes and indexes are uint64 in the vectors ("leafIdx - 1" of leaf 0 is
// 2^64 - 1), beyond what json::RequiredInt reads.
std::uint64_t U64(const boost::json::object& o, std::string_view key) {
  const auto& v = o.at(key);
  return v.is_uint64() ? v.as_uint64() : static_cast<std::uint64_t>(v.as_int64());
}

// Proof elements that are not 32 bytes make the proof malformed; the
// verifier takes fixed-size hashes, so such a vector must be rejected here.
std::optional<std::vector<Hash>> Proof(const boost::json::object& o) {
  std::vector<Hash> proof;
  const auto* arr = o.if_contains("proof");
  if (arr == nullptr || arr->is_null()) return proof;
  for (const auto& v : arr->as_array()) {
    auto h = HashFromBytes(crypto::Base64Decode(std::string(v.as_string())).value());
    if (!h) return std::nullopt;
    proof.push_back(*h);
  }
  return proof;
}

struct VectorResult {
  bool want_err;
  bool got_err;
};

VectorResult RunInclusion(const boost::json::object& o) {
  const bool want_err = o.at("wantErr").as_bool();
  auto proof = Proof(o);
  if (!proof) return {want_err, true};
  auto st = VerifyInclusion(TreeHasher::Sha256(), U64(o, "leafIdx"), U64(o, "treeSize"),
                            B64(o, "leafHash"), *proof, B64(o, "root"));
  return {want_err, !st.has_value()};
}

VectorResult RunConsistency(const boost::json::object& o) {
  const bool want_err = o.at("wantErr").as_bool();
  auto proof = Proof(o);
  if (!proof) return {want_err, true};
  auto st = VerifyConsistency(TreeHasher::Sha256(), U64(o, "size1"), U64(o, "size2"), *proof,
                              B64(o, "root1"), B64(o, "root2"));
  return {want_err, !st.has_value()};
}

void RunVectors(const std::string& kind, VectorResult (*run)(const boost::json::object&)) {
  int positive = 0;
  int negative = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(VectorDir() / kind)) {
    if (!e.is_regular_file() || e.path().extension() != ".json") continue;
    auto o = json::ParseObject(ReadFile(e.path()));
    ASSERT_TRUE(o) << e.path();
    const VectorResult r = run(*o);
    EXPECT_EQ(r.got_err, r.want_err) << e.path();
    (r.want_err ? negative : positive)++;
  }
  // The suite must actually have run: both kinds of case are present.
  EXPECT_GT(positive, 0);
  EXPECT_GT(negative, 10);
}

TEST(MerkleVectors, Inclusion) {
  RunVectors("inclusion", RunInclusion);
}
TEST(MerkleVectors, Consistency) {
  RunVectors("consistency", RunConsistency);
}

}  // namespace
}  // namespace digitrade::ledger
