#include "trade/etr/proof.h"

#include <fmt/format.h>

#include "common/json.h"
#include "crypto/base64.h"
#include "crypto/jcs.h"
#include "crypto/jws.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "ledger/tile.h"
#include "trade/etr/action.h"

namespace digitrade::trade::etr {

namespace json = boost::json;

namespace {

struct EntryFields {
  std::string record_id;
  std::int64_t sequence = -1;
  std::string action_hash;
  std::string previous_hash;
  std::string signed_action;
};

// Reads the members of an etr log entry; nullopt when the entry is not one.
std::optional<EntryFields> ReadEntry(std::string_view kind, std::string_view data) {
  if (kind != "etr.issue" && kind != "etr.action" && kind != "etr.import") return std::nullopt;
  auto parsed = digitrade::json::ParseObject(data);
  if (!parsed) return std::nullopt;
  EntryFields f;
  auto text = [&](std::string_view k) {
    const auto* v = parsed->if_contains(k);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  f.record_id = text("recordId");
  f.action_hash = text("actionHash");
  f.previous_hash = text("previousActionHash");
  f.signed_action = text("signedAction");
  if (const auto* s = parsed->if_contains("sequence"); s != nullptr && s->is_number()) {
    f.sequence = s->to_number<std::int64_t>();
  }
  return f;
}

Status CheckSignature(const ActionEntry& a, std::int64_t i, const std::string& previous,
                      const ProofVerifier& v, ProofStep& step) {
  if (a.log_kind == "etr.import") {
    step.signature = "imported (verified by the PINT receiver)";
    return {};
  }
  DT_ASSIGN_OR_RETURN(auto action, ParseSignedAction(a.jws, *v.pint, v.platform_code,
                                                     /*allow_foreign_recipient=*/true));
  const auto& p = action.payload;
  if (p.record_id != a.record_id || p.sequence != i || p.previous_hash != previous) {
    return FailedPrecondition(
        fmt::format("link {}: the signed action names record {} sequence {} after {}", i,
                    p.record_id, p.sequence, p.previous_hash));
  }
  DT_ASSIGN_OR_RETURN(auto keys, v.keys(p.actor_id));
  for (const auto& key : keys) {
    if (!action.key_thumbprint.empty() && key.Thumbprint() != action.key_thumbprint) continue;
    if (crypto::VerifyJws(action.jws, key)) {
      step.signature = "valid";
      return {};
    }
  }
  return Unauthenticated(
      fmt::format("link {}: no public key of {} verifies the signed action", i, p.actor_id));
}

}  // namespace

ProofVerifier LocalVerifier(Registry& reg, ledger::Log& log, const ledger::NoteVerifier& log_key) {
  ProofVerifier v;
  v.log_key = &log_key;
  v.origin = log.origin();
  v.pint = &reg.dcsa_schemas();
  v.platform_code = reg.platform_code();
  v.keys = [&reg](const std::string& party) -> Result<std::vector<crypto::PublicKey>> {
    std::vector<crypto::PublicKey> out;
    DT_ASSIGN_OR_RETURN(auto keys, reg.ListKeys(party));
    for (const auto& k : keys) {
      DT_ASSIGN_OR_RETURN(auto pub, crypto::PublicKey::FromJwk(k.public_jwk));
      out.push_back(std::move(pub));
    }
    return out;
  };
  v.entry = [&log](std::uint64_t i) { return log.GetEntry(i); };
  return v;
}

Result<ProofReport> VerifyControlProof(const ControlProof& proof, const ProofVerifier& v) {
  ProofReport report;
  if (proof.chain.empty()) return FailedPrecondition("the proof has no chain");
  // 1. The checkpoint.
  auto cp = ledger::OpenCheckpoint(proof.checkpoint, v.origin, {v.log_key, 1});
  if (!cp) return Unauthenticated("the checkpoint does not verify: " + cp.error().message());
  report.checkpoint_size = cp->size;
  const ledger::TreeHasher hasher = ledger::TreeHasher::Sha256();
  std::string previous;
  std::uint64_t last_index = 0;
  RecordState state;
  // A chain with entries received over PINT starts from the sender's word
  // (checked by the PINT receiver), so the state is not replayed here.
  bool foreign = false;
  for (const auto& link : proof.chain) foreign = foreign || link.action.log_kind == "etr.import";
  for (std::size_t i = 0; i < proof.chain.size(); ++i) {
    const auto& link = proof.chain[i];
    const auto& a = link.action;
    ProofStep step{static_cast<std::int64_t>(i), std::string(ActionCodeName(a.code)),
                   a.log_index.value_or(0), "", ""};
    if (!a.log_index) return FailedPrecondition(fmt::format("link {} has no log index", i));
    // 2. Inclusion.
    DT_ASSIGN_OR_RETURN(auto leaf, ledger::EncodeLeaf(a.log_kind, a.log_data));
    const auto leaf_hash = hasher.HashLeaf(ledger::AsBytes(leaf));
    if (auto inc = ledger::VerifyInclusion(hasher, *a.log_index, cp->size, leaf_hash,
                                           link.inclusion, cp->root);
        !inc) {
      return FailedPrecondition(
          fmt::format("link {}: the log entry at {} is not included in the checkpoint: {}", i,
                      *a.log_index, inc.error().message()));
    }
    step.inclusion = "included";
    // 3. Contiguity, from the logged entry itself.
    const auto fields = ReadEntry(a.log_kind, a.log_data);
    const bool first_kind_ok = i == 0 ? a.log_kind != "etr.action" : a.log_kind != "etr.issue";
    if (!fields || !first_kind_ok || fields->record_id != proof.record.id ||
        fields->sequence != static_cast<std::int64_t>(i) || fields->previous_hash != previous ||
        fields->signed_action != a.jws || fields->action_hash != ActionHash(a.jws)) {
      return FailedPrecondition(
          fmt::format("link {}: the chain is broken here (the logged entry is not sequence {} of "
                      "{} after {})",
                      i, i, proof.record.id, previous.empty() ? "nothing" : previous));
    }
    // 4. Signature.
    DT_TRY(CheckSignature(a, static_cast<std::int64_t>(i), previous, v, step));
    // 5. State.
    if (i == 0) {
      state.type = proof.record.state.type;
      state.to_order = proof.record.state.to_order;
      state.issuer_id = a.actor_id;
      state.holder_id = a.recipient_id;
      if (state.to_order) state.endorsee_id = a.recipient_id;
    } else if (a.log_kind == "etr.action" && !foreign) {
      DT_ASSIGN_OR_RETURN(auto action, ParseSignedAction(a.jws, *v.pint, v.platform_code,
                                                         /*allow_foreign_recipient=*/true));
      const ActionIntent intent{action.payload.code, action.payload.actor_id,
                                action.payload.recipient_id, action.payload.reason_code};
      if (auto ok = CheckRule(state, intent); !ok) {
        return FailedPrecondition(
            fmt::format("link {}: the action breaks the rules: {}", i, ok.error().message()));
      }
      state = Apply(state, intent);
    }
    previous = fields->action_hash;
    last_index = std::max(last_index, *a.log_index);
    report.steps.push_back(std::move(step));
  }
  if (!foreign && (state.holder_id != proof.record.state.holder_id ||
                   state.endorsee_id != proof.record.state.endorsee_id ||
                   state.status != proof.record.state.status)) {
    return FailedPrecondition(
        fmt::format("the chain leads to holder {} ({}), not the claimed holder {} ({})",
                    state.holder_id, RecordStatusName(state.status), proof.record.state.holder_id,
                    RecordStatusName(proof.record.state.status)));
  }
  if (previous != proof.record.head) {
    return FailedPrecondition(fmt::format("the chain ends at {}, the record claims head {}",
                                          previous, proof.record.head));
  }
  // 6. Nothing later for this record, up to the checkpoint.
  for (std::uint64_t idx = last_index + 1; idx < cp->size; ++idx) {
    DT_ASSIGN_OR_RETURN(auto e, v.entry(idx));
    ++report.entries_scanned;
    const auto fields = ReadEntry(e.kind, e.data);
    if (fields && fields->record_id == proof.record.id) {
      return FailedPrecondition(
          fmt::format("a later entry for {} exists at log index {} (sequence {}): the proof is "
                      "not of current control",
                      proof.record.id, idx, fields->sequence));
    }
  }
  report.holder_id = foreign ? proof.record.state.holder_id : state.holder_id;
  return report;
}

std::vector<ProofStep> CheckEachStep(const ControlProof& proof, const ProofVerifier& v) {
  std::vector<ProofStep> steps;
  auto cp = ledger::OpenCheckpoint(proof.checkpoint, v.origin, {v.log_key, 1});
  const ledger::TreeHasher hasher = ledger::TreeHasher::Sha256();
  std::string previous;
  for (std::size_t i = 0; i < proof.chain.size(); ++i) {
    const auto& link = proof.chain[i];
    const auto& a = link.action;
    ProofStep step{a.sequence, std::string(ActionCodeName(a.code)), a.log_index.value_or(0), "",
                   ""};
    if (auto sig = CheckSignature(a, a.sequence, previous, v, step); !sig)
      step.signature = sig.error().message();
    previous = a.action_hash;
    if (!cp) {
      step.inclusion = "the checkpoint does not verify: " + cp.error().message();
    } else if (!a.log_index) {
      step.inclusion = "pending: not appended to the log yet";
    } else {
      auto leaf = ledger::EncodeLeaf(a.log_kind, a.log_data);
      auto inc = leaf ? ledger::VerifyInclusion(hasher, *a.log_index, cp->size,
                                                hasher.HashLeaf(ledger::AsBytes(*leaf)),
                                                link.inclusion, cp->root)
                      : Status(std::unexpected(leaf.error()));
      step.inclusion = inc ? fmt::format("included in the checkpoint of size {}", cp->size)
                           : inc.error().message();
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

namespace {

Result<std::string> Text(const json::object& o, std::string_view key, std::string_view where,
                         bool nullable = false) {
  const auto* v = o.if_contains(key);
  if (nullable && (v == nullptr || v->is_null())) return std::string();
  if (v == nullptr || !v->is_string()) {
    return InvalidArgument(fmt::format("{}.{}: a string is required", where, key));
  }
  return std::string(v->get_string());
}

Result<std::int64_t> Count(const json::object& o, std::string_view key, std::string_view where) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !(v->is_int64() || v->is_uint64()) || (v->is_int64() && v->get_int64() < 0)) {
    return InvalidArgument(fmt::format("{}.{}: a non-negative integer is required", where, key));
  }
  return v->to_number<std::int64_t>();
}

Result<ProofLink> LinkFromJson(const json::value& v, std::size_t i) {
  const std::string where = fmt::format("$.chain[{}]", i);
  if (!v.is_object()) return InvalidArgument(where + ": an object is required");
  const auto& o = v.get_object();
  ProofLink link;
  ActionEntry& a = link.action;
  DT_ASSIGN_OR_RETURN(a.record_id, Text(o, "record_id", where));
  DT_ASSIGN_OR_RETURN(a.sequence, Count(o, "sequence", where));
  DT_ASSIGN_OR_RETURN(auto code, Text(o, "action_code", where));
  DT_ASSIGN_OR_RETURN(a.code, ParseActionCode(code));
  DT_ASSIGN_OR_RETURN(a.actor_id, Text(o, "actor", where));
  DT_ASSIGN_OR_RETURN(a.recipient_id, Text(o, "recipient", where, true));
  DT_ASSIGN_OR_RETURN(a.jws, Text(o, "signed_action", where));
  DT_ASSIGN_OR_RETURN(a.action_hash, Text(o, "action_hash", where));
  DT_ASSIGN_OR_RETURN(a.previous_hash, Text(o, "previous_action_hash", where, true));
  DT_ASSIGN_OR_RETURN(a.log_kind, Text(o, "log_kind", where));
  DT_ASSIGN_OR_RETURN(a.log_data, Text(o, "log_entry", where));
  DT_ASSIGN_OR_RETURN(auto index, Count(o, "log_index", where));
  a.log_index = static_cast<std::uint64_t>(index);
  const auto* inc = o.if_contains("inclusion_proof");
  if (inc == nullptr || !inc->is_array() || inc->get_array().size() > 64) {
    return InvalidArgument(where + ".inclusion_proof: an array of at most 64 hashes is required");
  }
  for (const auto& h : inc->get_array()) {
    if (!h.is_string())
      return InvalidArgument(where + ".inclusion_proof: base64 strings are required");
    auto bytes = crypto::Base64Decode(h.get_string());
    if (!bytes) return InvalidArgument(where + ".inclusion_proof: " + bytes.error().message());
    auto hash = ledger::HashFromBytes(*bytes);
    if (!hash) return InvalidArgument(where + ".inclusion_proof: " + hash.error().message());
    link.inclusion.push_back(*hash);
  }
  return link;
}

}  // namespace

Result<ControlProof> ParseControlProofJson(std::string_view text) {
  auto parsed = digitrade::json::ParseObject(text, {.max_bytes = 16 << 20, .max_depth = 16});
  if (!parsed) return std::unexpected(parsed.error().WithContext("proof"));
  const auto& o = *parsed;
  ControlProof proof;
  DT_ASSIGN_OR_RETURN(proof.checkpoint, Text(o, "checkpoint", "$"));
  DT_ASSIGN_OR_RETURN(auto size, Count(o, "checkpoint_size", "$"));
  proof.checkpoint_size = static_cast<std::uint64_t>(size);
  const auto* rec = o.if_contains("record");
  if (rec == nullptr || !rec->is_object())
    return InvalidArgument("$.record: an object is required");
  const auto& r = rec->get_object();
  Record& out = proof.record;
  DT_ASSIGN_OR_RETURN(out.id, Text(r, "id", "$.record"));
  DT_ASSIGN_OR_RETURN(auto type, Text(r, "type", "$.record"));
  DT_ASSIGN_OR_RETURN(out.state.type, ParseRecordType(type));
  DT_ASSIGN_OR_RETURN(auto status, Text(r, "status", "$.record"));
  auto parsed_status = ParseRecordStatus(status);
  if (!parsed_status) return InvalidArgument("$.record.status: " + parsed_status.error().message());
  out.state.status = *parsed_status;
  DT_ASSIGN_OR_RETURN(out.state.holder_id, Text(r, "holder", "$.record"));
  DT_ASSIGN_OR_RETURN(out.state.endorsee_id, Text(r, "endorsee", "$.record", true));
  DT_ASSIGN_OR_RETURN(out.state.pledgee_id, Text(r, "pledgee", "$.record", true));
  DT_ASSIGN_OR_RETURN(out.head, Text(r, "head", "$.record"));
  const auto* to_order = r.if_contains("to_order");
  if (to_order == nullptr || !to_order->is_bool())
    return InvalidArgument("$.record.to_order: a boolean is required");
  out.state.to_order = to_order->get_bool();
  const auto* chain = o.if_contains("chain");
  if (chain == nullptr || !chain->is_array())
    return InvalidArgument("$.chain: an array is required");
  for (std::size_t i = 0; i < chain->get_array().size(); ++i) {
    DT_ASSIGN_OR_RETURN(auto link, LinkFromJson(chain->get_array()[i], i));
    proof.chain.push_back(std::move(link));
  }
  return proof;
}

std::function<Result<ledger::Entry>(std::uint64_t)> EntriesFromTiles(ledger::LogFetcher& fetcher,
                                                                     std::uint64_t tree_size) {
  struct Cache {
    std::uint64_t bundle = UINT64_MAX;
    std::vector<std::string> leaves;
  };
  auto cache = std::make_shared<Cache>();
  return [&fetcher, tree_size, cache](std::uint64_t index) -> Result<ledger::Entry> {
    if (index >= tree_size)
      return NotFound(fmt::format("entry {} is beyond the tree of {}", index, tree_size));
    const std::uint64_t n = index / ledger::kTileWidth;
    if (cache->bundle != n) {
      ledger::TileId tile{.entries = true, .level = 0, .index = n};
      if (n == ledger::FullTileCount(tree_size, 0))
        tile.width = ledger::PartialTileWidth(tree_size, 0);
      DT_ASSIGN_OR_RETURN(auto bytes, fetcher.Fetch(ledger::TilePath(tile)));
      DT_ASSIGN_OR_RETURN(cache->leaves, ledger::DecodeEntryBundle(bytes));
      cache->bundle = n;
    }
    const std::size_t at = index % ledger::kTileWidth;
    if (at >= cache->leaves.size())
      return InvalidArgument(fmt::format("entry bundle {} is too short", n));
    return ledger::DecodeLeaf(index, cache->leaves[at]);
  };
}

}  // namespace digitrade::trade::etr
