#include "ledger/proof_json.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/json.h"
#include "crypto/base64.h"

namespace digitrade::ledger {
namespace {

constexpr json::Limits kLimits{.max_bytes = 16 * 1024, .max_depth = 4};

Result<std::uint64_t> Size(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return InvalidArgument(fmt::format("/{}: missing", key));
  if (v->is_int64() && v->as_int64() >= 0) return static_cast<std::uint64_t>(v->as_int64());
  if (v->is_uint64() && v->as_uint64() <= (std::uint64_t{1} << 63) - 1) return v->as_uint64();
  return InvalidArgument(fmt::format("/{}: expected an integer in 0..2^63-1", key));
}

Result<Hash> HashMember(const boost::json::value& v, const std::string& where) {
  if (!v.is_string()) return InvalidArgument(where + ": expected a base64 string");
  auto raw = crypto::Base64Decode(std::string_view(v.as_string()));
  if (!raw) return InvalidArgument(where + ": " + raw.error().message());
  auto h = HashFromBytes(*raw);
  if (!h) return InvalidArgument(where + ": " + h.error().message());
  return *h;
}

Result<std::vector<Hash>> ProofMember(const boost::json::object& o) {
  const auto* v = o.if_contains("proof");
  if (v == nullptr || !v->is_array()) return InvalidArgument("/proof: expected an array");
  const auto& arr = v->as_array();
  if (arr.size() > kMaxProofHashes) return InvalidArgument("/proof: more than 64 hashes");
  std::vector<Hash> proof;
  for (std::size_t i = 0; i < arr.size(); ++i) {
    DT_ASSIGN_OR_RETURN(Hash h, HashMember(arr[i], fmt::format("/proof/{}", i)));
    proof.push_back(h);
  }
  return proof;
}

boost::json::array ProofArray(const std::vector<Hash>& proof) {
  boost::json::array arr;
  for (const Hash& h : proof) arr.emplace_back(crypto::Base64Encode(h));
  return arr;
}

}  // namespace

std::string InclusionProofDoc::ToJson() const {
  boost::json::object o;
  o["tree_size"] = tree_size;
  o["index"] = index;
  o["leaf_hash"] = crypto::Base64Encode(leaf_hash);
  o["proof"] = ProofArray(proof);
  return json::Serialize(o);
}

Result<InclusionProofDoc> InclusionProofDoc::Parse(std::string_view text) {
  DT_ASSIGN_OR_RETURN(auto o, json::ParseObject(text, kLimits));
  DT_TRY(json::RejectUnknownMembers(o, {"tree_size", "index", "leaf_hash", "proof"}));
  InclusionProofDoc doc;
  DT_ASSIGN_OR_RETURN(doc.tree_size, Size(o, "tree_size"));
  DT_ASSIGN_OR_RETURN(doc.index, Size(o, "index"));
  const auto* leaf = o.if_contains("leaf_hash");
  if (leaf == nullptr) return InvalidArgument("/leaf_hash: missing");
  DT_ASSIGN_OR_RETURN(doc.leaf_hash, HashMember(*leaf, "/leaf_hash"));
  DT_ASSIGN_OR_RETURN(doc.proof, ProofMember(o));
  return doc;
}

std::string ConsistencyProofDoc::ToJson() const {
  boost::json::object o;
  o["size1"] = size1;
  o["size2"] = size2;
  o["proof"] = ProofArray(proof);
  return json::Serialize(o);
}

Result<ConsistencyProofDoc> ConsistencyProofDoc::Parse(std::string_view text) {
  DT_ASSIGN_OR_RETURN(auto o, json::ParseObject(text, kLimits));
  DT_TRY(json::RejectUnknownMembers(o, {"size1", "size2", "proof"}));
  ConsistencyProofDoc doc;
  DT_ASSIGN_OR_RETURN(doc.size1, Size(o, "size1"));
  DT_ASSIGN_OR_RETURN(doc.size2, Size(o, "size2"));
  DT_ASSIGN_OR_RETURN(doc.proof, ProofMember(o));
  return doc;
}

}  // namespace digitrade::ledger
