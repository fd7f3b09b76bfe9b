// JSON form of inclusion and consistency proofs, as the HTTP API serves them
// and `digitrade log verify` reads them:
//
//   {"tree_size": 1300, "index": 42, "leaf_hash": "<base64>",
//    "proof": ["<base64>", ...]}
//   {"size1": 700, "size2": 1300, "proof": ["<base64>", ...]}
//
// Parsing is strict (unknown members, wrong types, non-canonical base64,
// hashes that are not 32 bytes, more than 64 proof hashes are errors) because
// the input comes from outside.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ledger/merkle.h"

namespace digitrade::ledger {

inline constexpr std::size_t kMaxProofHashes = 64;

struct InclusionProofDoc {
  std::uint64_t tree_size = 0;
  std::uint64_t index = 0;
  Hash leaf_hash{};
  std::vector<Hash> proof;

  std::string ToJson() const;
  // Errors: invalid_argument naming the member.
  static Result<InclusionProofDoc> Parse(std::string_view json);
};

struct ConsistencyProofDoc {
  std::uint64_t size1 = 0;
  std::uint64_t size2 = 0;
  std::vector<Hash> proof;

  std::string ToJson() const;
  static Result<ConsistencyProofDoc> Parse(std::string_view json);
};

}  // namespace digitrade::ledger
