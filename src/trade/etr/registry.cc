#include "trade/etr/registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "common/json.h"
#include "crypto/certificate.h"
#include "crypto/hash.h"
#include "crypto/jcs.h"
#include "crypto/jws.h"
#include "trade/etr/action.h"
#include "trade/etr/internal/receipt_schema.h"

namespace digitrade::trade::etr {

namespace json = boost::json;

namespace {

constexpr std::string_view kRecordColumns =
    "id, type, issuer_id, reference, version, status, holder_id, endorsee_id, pledgee_id, "
    "to_order, "
    "blank_endorsed, endorsable, pending_code, pending_reason, surrender_from, document, "
    "document_checksum, issuance_manifest, sequence, head, amendment_of, amended_by, imported, "
    "created_at, updated_at";
// The state without the document and manifest, for the hot path.
constexpr std::string_view kStateColumns =
    "id, type, issuer_id, reference, version, status, holder_id, endorsee_id, pledgee_id, "
    "to_order, "
    "blank_endorsed, endorsable, pending_code, pending_reason, surrender_from, document_checksum, "
    "sequence, head, amendment_of, amended_by, imported, created_at, updated_at";
// With the record's type, to rebuild the log data of an action stored
// without it (see InsertAction).
constexpr std::string_view kActionColumns =
    "record_id, sequence, action_code, actor_id, recipient_id, jws, action_hash, previous_hash, "
    "log_kind, log_data, log_index, created_at, "
    "(SELECT type FROM etr_records WHERE etr_records.id = etr_actions.record_id) AS record_type";

std::string Sha256Hex(std::string_view data) {
  return crypto::ToHex(crypto::Sha256(data));
}

Result<Record> RecordFromRow(const storage::Row& r) {
  Record rec;
  rec.id = r.Text("id");
  DT_ASSIGN_OR_RETURN(rec.state.type, ParseRecordType(r.Text("type")));
  DT_ASSIGN_OR_RETURN(rec.state.status, ParseRecordStatus(r.Text("status")));
  rec.state.issuer_id = r.Text("issuer_id");
  rec.state.holder_id = r.Text("holder_id");
  rec.state.endorsee_id = r.Text("endorsee_id");
  rec.state.pledgee_id = r.Text("pledgee_id");
  rec.state.to_order = r.Int("to_order") != 0;
  rec.state.blank_endorsed = r.Int("blank_endorsed") != 0;
  rec.state.endorsable = r.Int("endorsable") != 0;
  if (const auto code = r.Text("pending_code"); !code.empty()) {
    DT_ASSIGN_OR_RETURN(rec.state.pending_code, ParseActionCode(code));
  }
  rec.state.pending_reason = r.Text("pending_reason");
  rec.state.surrender_from = r.Text("surrender_from");
  rec.reference = r.Text("reference");
  rec.version = r.Int("version");
  rec.document = r.Text("document");
  rec.document_checksum = r.Text("document_checksum");
  rec.issuance_manifest = r.Text("issuance_manifest");
  rec.sequence = r.Int("sequence");
  rec.head = r.Text("head");
  rec.amendment_of = r.Text("amendment_of");
  rec.amended_by = r.Text("amended_by");
  rec.imported = r.Int("imported") != 0;
  rec.created_at = r.Int("created_at");
  rec.updated_at = r.Int("updated_at");
  return rec;
}

constexpr std::string_view kActionKind = "etr.action";

Result<std::string> LogData(const ActionEntry& a, std::string_view record_type,
                            const Record* issued);

Result<ActionEntry> ActionFromRow(const storage::Row& r) {
  ActionEntry a;
  a.record_id = r.Text("record_id");
  a.sequence = r.Int("sequence");
  DT_ASSIGN_OR_RETURN(a.code, ParseActionCode(r.Text("action_code")));
  a.actor_id = r.Text("actor_id");
  a.recipient_id = r.Text("recipient_id");
  a.jws = r.Text("jws");
  a.action_hash = r.Text("action_hash");
  a.previous_hash = r.Text("previous_hash");
  a.log_kind = r.Text("log_kind");
  a.log_data = r.Text("log_data");
  if (auto idx = r.OptionalInt("log_index")) a.log_index = static_cast<std::uint64_t>(*idx);
  a.created_at = r.Int("created_at");
  if (a.log_data.empty() && a.log_kind == kActionKind) {
    DT_ASSIGN_OR_RETURN(const RecordType type, ParseRecordType(r.Text("record_type")));
    DT_ASSIGN_OR_RETURN(a.log_data, LogData(a, RecordTypeName(type), nullptr));
  }
  return a;
}

storage::Params StateParams(const Record& rec) {
  const auto& s = rec.state;
  return {rec.id,
          std::string(RecordStatusName(s.status)),
          s.holder_id,
          s.endorsee_id,
          s.pledgee_id,
          s.blank_endorsed,
          s.endorsable,
          s.pending_code ? std::string(ActionCodeName(*s.pending_code)) : std::string(),
          s.pending_reason,
          s.surrender_from,
          rec.sequence,
          rec.head,
          rec.updated_at,
          rec.amended_by};
}

constexpr std::string_view kUpdateState =
    "UPDATE etr_records SET status = $2, holder_id = $3, endorsee_id = $4, pledgee_id = $5, "
    "blank_endorsed = $6, endorsable = $7, pending_code = $8, pending_reason = $9, "
    "surrender_from = $10, sequence = $11, head = $12, updated_at = $13, amended_by = $14 "
    "WHERE id = $1";

// Inserted in the transaction that appends its log entry (in_log = 1): the
// entry is in the log, or forwarded to the log's sequencer, once this
// commits; `a.log_index` is set when this instance sequences it.
// `in_log` false: an action committed before its entry (an import), which
// Repair may have to append.
//
// `derived_log_data`: the action's log data is LogData(a, its record's
// type) (a local action, "etr.action"): it is stored empty and rebuilt when
// read (ActionFromRow), so the signed action is stored once in the row, not
// twice (it is inside the log data); a row is then small enough to share a
// database page with others.
Status InsertAction(storage::Executor& ex, const ActionEntry& a, bool in_log,
                    bool derived_log_data = false) {
  storage::Value index = nullptr;
  if (a.log_index) index = static_cast<std::int64_t>(*a.log_index);
  const std::string_view log_data =
      derived_log_data && a.log_kind == kActionKind ? std::string_view() : a.log_data;
  auto inserted = ex.Execute(
      "INSERT INTO etr_actions (record_id, sequence, action_code, actor_id, recipient_id, jws, "
      "action_hash, previous_hash, log_kind, log_data, log_index, created_at, in_log) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING",
      {a.record_id, a.sequence, std::string(ActionCodeName(a.code)), a.actor_id, a.recipient_id,
       a.jws, a.action_hash, a.previous_hash, a.log_kind, std::string(log_data), std::move(index),
       a.created_at, in_log});
  if (!inserted) return std::unexpected(inserted.error());
  if (*inserted == 0) {
    return Conflict(fmt::format("action {} is already in a chain (a replay)", a.action_hash));
  }
  return {};
}

// Both inserts say ON CONFLICT DO NOTHING and report a conflict by the row
// count: on PostgreSQL a unique violation would abort the transaction, and
// with it every other action of the sequencer's batch it runs in (two
// servers issuing one reference at once).
Status InsertRecord(storage::Executor& ex, const Record& rec) {
  const auto& s = rec.state;
  auto inserted = ex.Execute(
      fmt::format(
          "INSERT INTO etr_records ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
          "$12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25) "
          "ON CONFLICT DO NOTHING",
          kRecordColumns),
      {rec.id,
       std::string(RecordTypeName(s.type)),
       s.issuer_id,
       rec.reference,
       rec.version,
       std::string(RecordStatusName(s.status)),
       s.holder_id,
       s.endorsee_id,
       s.pledgee_id,
       s.to_order,
       s.blank_endorsed,
       s.endorsable,
       std::string(),
       std::string(),
       std::string(),
       rec.document,
       rec.document_checksum,
       rec.issuance_manifest,
       rec.sequence,
       rec.head,
       rec.amendment_of,
       rec.amended_by,
       rec.imported,
       rec.created_at,
       rec.updated_at});
  if (!inserted) return std::unexpected(inserted.error());
  if (*inserted == 0) {
    return AlreadyExists(
        fmt::format("{} {} (version {}) of issuer {} is already issued as record {}",
                    RecordTypeName(s.type), rec.reference, rec.version, s.issuer_id, rec.id));
  }
  return {};
}

// Inside a log guard: an insert that lost a race (it reports `lost`, having
// written nothing) is the action's verdict; any other failure fails the batch.
Result<Result<Record>> LostRaceVerdict(const Error& e, ErrorCode lost) {
  if (e.code() != lost) return std::unexpected(e);
  return Result<Record>(std::unexpected(e));
}

// The log entry of an action: what a verifier reads back from the log.
Result<std::string> LogData(const ActionEntry& a, std::string_view record_type,
                            const Record* issued) {
  json::object o{{"recordId", a.record_id},     {"recordType", record_type},
                 {"sequence", a.sequence},      {"actionCode", ActionCodeName(a.code)},
                 {"actionHash", a.action_hash}, {"signedAction", a.jws}};
  o["previousActionHash"] =
      a.previous_hash.empty() ? json::value(nullptr) : json::value(a.previous_hash);
  if (issued != nullptr) {
    o["documentChecksum"] = issued->document_checksum;
    o["issuanceManifest"] = issued->issuance_manifest;
  }
  return crypto::CanonicalizeJson(o);
}

// The log's leaf limit, checked before anything is committed: an action
// that could not be logged must not be applied.
Status CheckLoggable(const ActionEntry& a) {
  auto leaf = ledger::EncodeLeaf(a.log_kind, a.log_data);
  if (!leaf) return std::unexpected(leaf.error().WithContext("the action's log entry"));
  return {};
}

std::string RecordId(RecordType type, std::string_view issuer, std::string_view reference,
                     std::int64_t version) {
  const std::string seed = fmt::format("digitrade.etr\n{}\n{}\n{}\n{}", RecordTypeName(type),
                                       issuer, reference, version);
  return "etr_" + Sha256Hex(seed).substr(0, 32);
}

}  // namespace

std::string ActionHash(std::string_view jws) {
  return Sha256Hex(jws);
}

struct Registry::Impl {
  storage::Database& db;
  const Clock& clock;
  ledger::Log& log;
  RegistryOptions options;
  SchemaSet issuance_schemas;
  SchemaSet pint_schemas;
  SchemaSet receipt_schemas;

  std::int64_t Now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
  }

  Result<Party> LoadParty(const std::string& id) {
    DT_ASSIGN_OR_RETURN(
        auto rs, db.Query("SELECT organisation_id, name, carrier, warehouse FROM etr_parties "
                          "WHERE organisation_id = $1",
                          {id}));
    if (rs.empty()) return NotFound(fmt::format("no etr party {}", id));
    const auto& r = rs.rows.front();
    return Party{r.Text(0), r.Text(1), r.Int(2) != 0, r.Int(3) != 0};
  }

  Result<std::vector<PartyKey>> Keys(const std::string& org) {
    DT_ASSIGN_OR_RETURN(
        auto rs, db.Query("SELECT id, organisation_id, thumbprint, public_jwk, certificate_pem, "
                          "source, created_at FROM etr_party_keys WHERE organisation_id = $1 "
                          "ORDER BY id",
                          {org}));
    std::vector<PartyKey> out;
    for (const auto& r : rs.rows) {
      PartyKey k{r.Text(0), r.Text(1), r.Text(2), {}, r.Text(4), r.Text(5), r.Int(6)};
      DT_ASSIGN_OR_RETURN(k.public_jwk, digitrade::json::ParseObject(r.Text(3)));
      out.push_back(std::move(k));
    }
    return out;
  }

  // Registered keys never change (there is no removal), so parsed public
  // keys are kept per (organisation, thumbprint) once seen.
  std::mutex key_mu;
  std::map<std::pair<std::string, std::string>, crypto::PublicKey> key_cache;

  Result<std::vector<crypto::PublicKey>> PublicKeys(const std::string& org,
                                                    const std::string& thumbprint) {
    if (!thumbprint.empty()) {
      std::lock_guard lock(key_mu);
      if (auto it = key_cache.find({org, thumbprint}); it != key_cache.end())
        return std::vector{it->second};
    }
    DT_ASSIGN_OR_RETURN(auto keys, Keys(org));
    std::vector<crypto::PublicKey> out;
    for (const auto& k : keys) {
      if (!thumbprint.empty() && k.thumbprint != thumbprint) continue;
      DT_ASSIGN_OR_RETURN(auto pub, crypto::PublicKey::FromJwk(k.public_jwk));
      std::lock_guard lock(key_mu);
      key_cache.emplace(std::make_pair(org, k.thumbprint), pub);
      out.push_back(std::move(pub));
    }
    return out;
  }

  // Verifies `jws` with the key of `org` it names (kid / x5c), or with each
  // of the party's keys when it names none.
  Result<crypto::JwsVerified> VerifyByParty(const crypto::ParsedJws& jws,
                                            const std::string& thumbprint, const std::string& org,
                                            std::string_view what) {
    DT_ASSIGN_OR_RETURN(auto keys, PublicKeys(org, thumbprint));
    for (const auto& pub : keys) {
      auto verified = crypto::VerifyJws(jws, pub);
      if (verified) return verified;
      if (verified.error().code() != ErrorCode::kUnauthenticated &&
          verified.error().code() != ErrorCode::kInvalidArgument) {
        return std::unexpected(verified.error().WithContext(what));
      }
    }
    // permission_denied, not unauthenticated: the caller's token is fine, the
    // document is not signed by the party that must sign it.
    return PermissionDenied(
        fmt::format("{}: no key registered for {}{} verifies the signature", what, org,
                    thumbprint.empty() ? "" : fmt::format(" with thumbprint {}", thumbprint)));
  }

  // Validates the document and returns its canonical form and reference.
  Result<std::pair<std::string, std::string>> CheckDocument(RecordType type,
                                                            const json::value& doc) const {
    const SchemaSet& set = type == RecordType::kEbl ? issuance_schemas : receipt_schemas;
    const std::string_view schema =
        type == RecordType::kEbl ? "TransportDocument" : "WarehouseReceipt";
    DT_ASSIGN_OR_RETURN(auto violations, set.Validate(schema, doc));
    if (!violations.empty()) {
      return std::unexpected(ViolationsError(fmt::format("the {}", schema), violations));
    }
    const auto& o = doc.get_object();
    if (type == RecordType::kEbl && o.at("isElectronic") != json::value(true)) {
      return InvalidArgument("$.isElectronic: an eBL must be electronic (true)");
    }
    DT_ASSIGN_OR_RETURN(auto canonical, crypto::CanonicalizeJson(doc));
    if (canonical.size() > options.max_document_bytes) {
      return ResourceExhausted(
          fmt::format("the document is over {} bytes", options.max_document_bytes));
    }
    const auto& ref =
        o.at(type == RecordType::kEbl ? "transportDocumentReference" : "receiptNumber");
    return std::make_pair(std::move(canonical), std::string(ref.get_string()));
  }

  // A signed action for `record_id` from `caller_org`: parsed and checked
  // against the schema, addressed to the record, then `check` (what the
  // caller adds, before who signed is looked at), the actor is the caller,
  // and its signature verifies with one of the actor's keys.
  template <typename Check>
  Result<SignedAction> ReadAction(const std::string& record_id, std::string_view jws,
                                  const std::string& caller_org, bool allow_foreign_recipient,
                                  Check check) {
    DT_ASSIGN_OR_RETURN(auto action, ParseSignedAction(jws, pint_schemas, options.platform_code,
                                                       allow_foreign_recipient));
    const ActionPayload& p = action.payload;
    if (p.record_id != record_id) {
      return InvalidArgument(
          fmt::format("the action is for record {}, not {}", p.record_id, record_id));
    }
    DT_TRY(check(p));
    if (p.actor_id.empty())
      return InvalidArgument("$.transaction.actor: names no party of this platform");
    if (p.actor_id != caller_org) {
      return PermissionDenied(
          fmt::format("the caller's organisation {} is not the actor {}", caller_org, p.actor_id));
    }
    DT_TRY(VerifyByParty(action.jws, action.key_thumbprint, p.actor_id, "the action"));
    return action;
  }


  Result<Record> Load(storage::Executor& ex, const std::string& id, bool with_document = true) {
    DT_ASSIGN_OR_RETURN(auto rs,
                        ex.Query(fmt::format("SELECT {} FROM etr_records WHERE id = $1",
                                             with_document ? kRecordColumns : kStateColumns),
                                 {id}));
    if (rs.empty()) return NotFound(fmt::format("no record {}", id));
    return RecordFromRow(rs.rows.front());
  }

  // ---- the action path: one durable commit per action ----
  //
  // Act() and Issue() verify on the caller's thread, then append the action
  // to the evidence log with a guard (ledger::AppendGuard): inside the log's
  // batch transaction the guard locks the record row, checks that the state
  // the action names is still current and the rules, inserts the action with
  // its log index and moves the record on. The state change and its log
  // entry commit together, one fsync for every action of the batch; a guard
  // that declines writes nothing and its entry is not appended. Guards run
  // in record-id order, so servers sharing PostgreSQL lock rows in one
  // order; each runs against the state its predecessors in the batch left.
  // When another server sequences the log, the guard runs in the
  // transaction that forwards the entry to it, and the index is stored when
  // the append returns (until then the next action on the record waits).

  // A record's type never changes: kept once read, to build the log entry
  // before the guard runs.
  std::mutex type_mu;
  std::unordered_map<std::string, RecordType> types;
  static constexpr std::size_t kMaxCachedTypes = 1 << 16;

  Result<RecordType> TypeOf(const std::string& id) {
    {
      std::lock_guard lock(type_mu);
      if (const auto it = types.find(id); it != types.end()) return it->second;
    }
    DT_ASSIGN_OR_RETURN(auto rs, db.Query("SELECT type FROM etr_records WHERE id = $1", {id}));
    if (rs.empty()) return NotFound(fmt::format("no record {}", id));
    DT_ASSIGN_OR_RETURN(const RecordType type, ParseRecordType(rs.rows[0].Text(0)));
    std::lock_guard lock(type_mu);
    if (types.size() >= kMaxCachedTypes) types.clear();
    types.emplace(id, type);
    return type;
  }

  // Actions this process is appending to the log right now (imports).
  std::mutex mu;
  std::set<std::pair<std::string, std::int64_t>> inflight;

  // One action inside the log's batch transaction: the outer error is a
  // storage failure (the batch is rolled back), the inner one the verdict.
  Result<Result<Record>> ApplyOne(storage::Executor& ex, const ActionIntent& intent,
                                  const ActionEntry& a) {
    // Lock the row first: PostgreSQL runs READ COMMITTED (docs/storage.md).
    // SQLite's write transaction already excludes every other writer.
    if (db.dialect() == storage::Dialect::kPostgres) {
      DT_TRY(ex.Execute("UPDATE etr_records SET sequence = sequence WHERE id = $1", {a.record_id}));
    }
    auto loaded = Load(ex, a.record_id, /*with_document=*/false);
    if (!loaded && loaded.error().code() == ErrorCode::kNotFound) {
      return Result<Record>(std::unexpected(loaded.error()));
    }
    DT_ASSIGN_OR_RETURN(auto rec, std::move(loaded));
    if (a.sequence != rec.sequence + 1 || a.previous_hash != rec.head) {
      DT_ASSIGN_OR_RETURN(
          auto seen,
          ex.Query("SELECT sequence FROM etr_actions WHERE action_hash = $1", {a.action_hash}));
      const std::string replay =
          seen.empty() ? ""
                       : fmt::format(" (a replay: this action was applied at sequence {})",
                                     seen.rows[0].Int(0));
      return Result<Record>(Conflict(fmt::format(
          "the action names sequence {} after {}, but record {} is at sequence {} with head {}{}",
          a.sequence, a.previous_hash.empty() ? "null" : a.previous_hash, a.record_id, rec.sequence,
          rec.head, replay)));
    }
    // The log holds each record's chain in order: the predecessor must have
    // its index (it has unless it was forwarded from another server and its
    // index is not stored yet, or was imported and not logged yet).
    DT_ASSIGN_OR_RETURN(
        auto prev,
        ex.Query("SELECT log_index FROM etr_actions WHERE record_id = $1 AND sequence = $2",
                 {a.record_id, rec.sequence}));
    if (prev.empty() || prev.rows[0].IsNull(0)) {
      return Result<Record>(Unavailable(fmt::format(
          "the previous action of {} is still being appended to the log; retry", a.record_id)));
    }
    if (auto ok = CheckRule(rec.state, intent); !ok)
      return Result<Record>(std::unexpected(ok.error()));
    rec.state = Apply(rec.state, intent);
    rec.sequence = a.sequence;
    rec.head = a.action_hash;
    rec.updated_at = a.created_at;
    // The first write, so a conflict here (a replay racing in from another
    // server) is this action's verdict with nothing written.
    if (auto inserted = InsertAction(ex, a, /*in_log=*/true, /*derived_log_data=*/true);
        !inserted) {
      return LostRaceVerdict(inserted.error(), ErrorCode::kConflict);
    }
    DT_TRY(ex.Execute(kUpdateState, StateParams(rec)));
    return Result<Record>(std::move(rec));
  }

  // Appends `a` to the log with `apply` as its guard (the verdict it
  // returns is the caller's answer when it declines), and stores the index
  // when the entry was forwarded to another server.
  using ApplyFn = std::function<Result<Result<Record>>(storage::Executor&, const ActionEntry&)>;
  Result<ActionOutcome> Commit(ActionEntry a, const ApplyFn& apply) {
    std::optional<Result<Record>> verdict;
    const ledger::AppendGuard guard{
        a.record_id,
        [&](storage::Executor& ex, std::optional<std::uint64_t> index) -> Result<bool> {
          a.log_index = index;
          DT_ASSIGN_OR_RETURN(auto v, apply(ex, a));
          verdict = std::move(v);
          return verdict->has_value();
        }};
    auto appended = log.AppendIf(a.log_kind, a.log_data, guard);
    return Conclude(std::move(a), std::move(appended), verdict);
  }

  // What the log's answer means for the action whose guard left `verdict`:
  // the outcome, with the index stored when the entry was forwarded to
  // another server.
  Result<ActionOutcome> Conclude(ActionEntry a,
                                 Result<std::optional<ledger::AppendResult>> appended,
                                 std::optional<Result<Record>>& verdict) {
    if (!appended) {
      return std::unexpected(appended.error().WithContext("appending the action to the log"));
    }
    if (!*appended) return std::unexpected(verdict->error());
    if (!a.log_index) {
      a.log_index = (*appended)->index;
      // Best effort: Repair finds it by its leaf hash otherwise.
      (void)db.Execute(
          "UPDATE etr_actions SET log_index = $3 WHERE record_id = $1 AND sequence = $2",
          {a.record_id, a.sequence, static_cast<std::int64_t>(*a.log_index)});
    }
    return ActionOutcome{std::move(**verdict), std::move(a)};
  }

  // A signed action on an existing record, verified and ready for the log.
  struct StagedAction {
    ActionEntry entry;
    ActionIntent intent;
    std::optional<Result<Record>> verdict;  // left by the guard
  };

  // The part of Act before the log: parse, check and verify the signed
  // action, and build its log entry.
  Result<StagedAction> StageAction(const std::string& record_id, std::string_view jws,
                                   const std::string& caller_org) {
    DT_ASSIGN_OR_RETURN(
        auto action,
        ReadAction(record_id, jws, caller_org, false, [](const ActionPayload& p) -> Status {
          if (p.code == ActionCode::kIssue)
            return InvalidArgument("ISSUE creates a record: use issuance");
          return {};
        }));
    const ActionPayload& p = action.payload;
    StagedAction s{{}, {p.code, p.actor_id, p.recipient_id, p.reason_code}, std::nullopt};
    ActionEntry& a = s.entry;
    a.record_id = record_id;
    a.sequence = p.sequence;
    a.code = p.code;
    a.actor_id = p.actor_id;
    a.recipient_id = p.recipient_id;
    a.jws = std::string(jws);
    a.action_hash = ActionHash(jws);
    a.previous_hash = p.previous_hash;
    a.log_kind = std::string(kActionKind);
    a.created_at = Now();
    DT_ASSIGN_OR_RETURN(const RecordType type, TypeOf(record_id));
    DT_ASSIGN_OR_RETURN(a.log_data, LogData(a, RecordTypeName(type), nullptr));
    DT_TRY(CheckLoggable(a));
    return s;
  }

  // The issuance manifest: signed by the issuer, checksums over exactly this
  // document and issueTo.
  Status VerifyManifest(const std::string& jws, const IssueInput& in, const IssueDraft& draft) {
    auto manifest = crypto::ParseJws(jws, {.max_bytes = kMaxActionJwsBytes});
    if (!manifest || !manifest->compact) {
      return InvalidArgument("issuanceManifestSignedContent: a compact JWS is required" +
                             (manifest ? std::string() : ": " + manifest.error().message()));
    }
    DT_ASSIGN_OR_RETURN(auto manifest_kid,
                        HeaderKeyThumbprint(manifest->signatures.front().protected_header));
    DT_ASSIGN_OR_RETURN(auto verified, VerifyByParty(*manifest, manifest_kid, in.issuer_id,
                                                     "the issuance manifest"));
    const std::string manifest_text(verified.payload.begin(), verified.payload.end());
    auto manifest_json = crypto::ParseStrictJson(manifest_text);
    if (!manifest_json)
      return std::unexpected(manifest_json.error().WithContext("the issuance manifest"));
    DT_ASSIGN_OR_RETURN(auto violations, pint_schemas.Validate("IssuanceManifest", *manifest_json));
    if (!violations.empty())
      return std::unexpected(ViolationsError("the issuance manifest", violations));
    const auto expected = json::parse(draft.manifest_payload).as_object();
    for (std::string_view member : {"documentChecksum", "issueToChecksum"}) {
      if (manifest_json->as_object().at(member) != expected.at(member)) {
        return InvalidArgument(
            fmt::format("the issuance manifest's {} {} does not match the {} ({})", member,
                        digitrade::json::Serialize(manifest_json->as_object().at(member)),
                        member == "documentChecksum" ? "document" : "issueTo party",
                        digitrade::json::Serialize(expected.at(member))));
      }
    }
    return {};
  }

  // The ISSUE action: signed by the issuer, for this record, with these
  // checksums, from the issuer to issueTo.
  Status VerifyIssueAction(const std::string& jws, const IssueInput& in, const IssueDraft& draft) {
    DT_ASSIGN_OR_RETURN(auto action, ParseSignedAction(jws, pint_schemas, options.platform_code));
    const auto& p = action.payload;
    if (p.code != ActionCode::kIssue || p.sequence != 0 || !p.previous_hash.empty()) {
      return InvalidArgument(
          "the issue action must be ISSUE at sequence 0 with previousActionHash null");
    }
    const auto expected_action = json::parse(draft.action_payload).as_object();
    if (p.record_id != draft.record_id) {
      return InvalidArgument(
          fmt::format("the issue action names record {}, this issuance is record {}", p.record_id,
                      draft.record_id));
    }
    // Compared canonically: the strict parser reads numbers as doubles.
    if (crypto::CanonicalizeJson(*p.issuance) !=
        crypto::CanonicalizeJson(expected_action.at("issuance"))) {
      return InvalidArgument(
          "the issue action's issuance member does not match the document, issueTo and version");
    }
    if (p.actor_id != in.issuer_id || p.recipient_id != in.issue_to_id) {
      return InvalidArgument(
          "the issue action must name the issuer as actor and issueTo as recipient");
    }
    DT_TRY(VerifyByParty(action.jws, action.key_thumbprint, in.issuer_id, "the issue action"));

    return {};
  }

  // Stores the log index of actions that lack it, of one record or of all:
  // an action committed with its entry (in_log) but whose index was not
  // stored (forwarded to another server, which crashed or is slow) is found
  // by its leaf hash, and is never appended again (its entry is in the log
  // or waiting for the sequencer). An import committed but not logged (a
  // crash between the two) is appended, once older than kRepairAge and not
  // being appended here, so that an append in flight (here or on another
  // server) is not doubled.
  static constexpr std::int64_t kRepairAge = 10;  // seconds
  Status Repair(const std::string& record_id) {
    DT_ASSIGN_OR_RETURN(
        auto rs, db.Query(fmt::format("SELECT {}, in_log FROM etr_actions WHERE log_index IS NULL "
                                      "AND ($1 = '' OR record_id = $1) AND (in_log = 1 OR "
                                      "created_at <= $2) ORDER BY record_id, sequence",
                                      kActionColumns),
                          {record_id, Now() - kRepairAge}));
    for (const auto& r : rs.rows) {
      DT_ASSIGN_OR_RETURN(auto a, ActionFromRow(r));
      {
        std::lock_guard lock(mu);
        if (inflight.contains({a.record_id, a.sequence})) continue;
      }
      DT_ASSIGN_OR_RETURN(auto leaf, ledger::EncodeLeaf(a.log_kind, a.log_data));
      DT_ASSIGN_OR_RETURN(auto found,
                          log.FindByLeafHash(log.hasher().HashLeaf(ledger::AsBytes(leaf))));
      if (!found.empty()) {
        DT_TRY(db.Execute(
            "UPDATE etr_actions SET log_index = $3 WHERE record_id = $1 AND sequence = $2",
            {a.record_id, a.sequence, static_cast<std::int64_t>(found.front())}));
        continue;
      }
      if (r.Int("in_log") != 0) continue;  // the sequencer has not reached it yet
      DT_TRY(LogAction(a));
    }
    return {};
  }

  // Appends a committed action to the log and stores its index.
  Result<std::uint64_t> LogAction(const ActionEntry& a) {
    const std::pair key{a.record_id, a.sequence};
    {
      std::lock_guard lock(mu);
      if (!inflight.insert(key).second) return Unavailable("the action is being logged; retry");
    }
    auto appended = log.Append(a.log_kind, a.log_data);
    {
      std::lock_guard lock(mu);
      inflight.erase(key);
    }
    if (!appended)
      return std::unexpected(
          appended.error().WithContext("appending the action to the evidence log"));
    DT_TRY(
        db.Execute("UPDATE etr_actions SET log_index = $3 WHERE record_id = $1 AND sequence = $2",
                   {a.record_id, a.sequence, static_cast<std::int64_t>(appended->index)}));
    return appended->index;
  }
};

Registry::Registry(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Registry::~Registry() = default;

std::vector<storage::Migration> Registry::Migrations() {
  return {{.module = "etr", .version = 1, .sql = R"(
CREATE TABLE etr_parties (
  organisation_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  carrier BIGINT NOT NULL DEFAULT 0,
  warehouse BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE TABLE etr_party_keys (
  id TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES etr_parties (organisation_id),
  thumbprint TEXT NOT NULL,
  public_jwk TEXT NOT NULL,
  certificate_pem TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (organisation_id, thumbprint)
);
CREATE TABLE etr_records (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  issuer_id TEXT NOT NULL,
  reference TEXT NOT NULL,
  version BIGINT NOT NULL,
  status TEXT NOT NULL,
  holder_id TEXT NOT NULL,
  endorsee_id TEXT NOT NULL DEFAULT '',
  pledgee_id TEXT NOT NULL DEFAULT '',
  to_order BIGINT NOT NULL DEFAULT 0,
  blank_endorsed BIGINT NOT NULL DEFAULT 0,
  endorsable BIGINT NOT NULL DEFAULT 1,
  pending_code TEXT NOT NULL DEFAULT '',
  pending_reason TEXT NOT NULL DEFAULT '',
  surrender_from TEXT NOT NULL DEFAULT '',
  document TEXT NOT NULL,
  document_checksum TEXT NOT NULL,
  issuance_manifest TEXT NOT NULL,
  sequence BIGINT NOT NULL,
  head TEXT NOT NULL,
  amendment_of TEXT NOT NULL DEFAULT '',
  amended_by TEXT NOT NULL DEFAULT '',
  imported BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (issuer_id, type, reference, version)
);
CREATE INDEX etr_records_by_holder ON etr_records (holder_id, id);
CREATE INDEX etr_records_by_endorsee ON etr_records (endorsee_id, id);
CREATE INDEX etr_records_by_pledgee ON etr_records (pledgee_id, id);
CREATE INDEX etr_records_by_issuer ON etr_records (issuer_id, id);
CREATE TABLE etr_actions (
  record_id TEXT NOT NULL REFERENCES etr_records (id),
  sequence BIGINT NOT NULL,
  action_code TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  recipient_id TEXT NOT NULL DEFAULT '',
  jws TEXT NOT NULL,
  action_hash TEXT NOT NULL UNIQUE,
  previous_hash TEXT NOT NULL DEFAULT '',
  log_kind TEXT NOT NULL,
  log_data TEXT NOT NULL,
  log_index BIGINT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (record_id, sequence)
);
CREATE INDEX etr_actions_unlogged ON etr_actions (record_id, sequence) WHERE log_index IS NULL;)"},
          // PINT: where a record is when it left (or is leaving) for another
          // platform (docs/etr.md "How PINT plugs in"), and the lookup by the
          // DCSA transportDocumentChecksum.
          {.module = "etr", .version = 2, .sql = R"(
ALTER TABLE etr_records ADD COLUMN away_status TEXT NOT NULL DEFAULT '';
ALTER TABLE etr_records ADD COLUMN away_platform TEXT NOT NULL DEFAULT '';
ALTER TABLE etr_records ADD COLUMN away_party TEXT NOT NULL DEFAULT '';
ALTER TABLE etr_records ADD COLUMN away_action TEXT NOT NULL DEFAULT '';
ALTER TABLE etr_records ADD COLUMN away_from TEXT NOT NULL DEFAULT '';
CREATE INDEX etr_records_by_document ON etr_records (document_checksum);)"},
          // in_log: the action was committed in the transaction that appended
          // (or forwarded) its log entry; Repair never appends it again.
          {.module = "etr",
           .version = 3,
           .sql = "ALTER TABLE etr_actions ADD COLUMN in_log BIGINT NOT NULL DEFAULT 0;"}};
}

Result<std::unique_ptr<Registry>> Registry::Create(storage::Database& db, const Clock& clock,
                                                   ledger::Log& log, RegistryOptions options) {
  DT_ASSIGN_OR_RETURN(auto iss, SchemaSet::Dcsa(kDcsaIssuance));
  DT_ASSIGN_OR_RETURN(auto pint, SchemaSet::Dcsa(kDcsaPint));
  auto receipt_json = digitrade::json::ParseObject(internal::kWarehouseReceiptSchemas);
  if (!receipt_json)
    return Internal("the warehouse receipt schema does not parse: " +
                    receipt_json.error().message());
  DT_ASSIGN_OR_RETURN(auto receipt, SchemaSet::Create(std::move(*receipt_json)));
  auto impl = std::unique_ptr<Impl>(new Impl{db, clock, log, std::move(options), std::move(iss),
                                             std::move(pint), std::move(receipt)});
  auto registry = std::unique_ptr<Registry>(new Registry(std::move(impl)));
  DT_TRY(registry->RepairLog());
  return registry;
}

const SchemaSet& Registry::dcsa_schemas() const {
  return impl_->pint_schemas;
}
const std::string& Registry::platform_code() const {
  return impl_->options.platform_code;
}

// ---- parties ----

Result<Party> Registry::PutParty(const Party& p) {
  if (p.organisation_id.empty() || p.name.empty())
    return InvalidArgument("a party needs an organisation id and a name");
  const Status tx = impl_->db.Transact([&](storage::Executor& ex) -> Status {
    DT_ASSIGN_OR_RETURN(auto updated,
                        ex.Execute("UPDATE etr_parties SET name = $2, carrier = $3, warehouse = $4 "
                                   "WHERE organisation_id = $1",
                                   {p.organisation_id, p.name, p.carrier, p.warehouse}));
    if (updated > 0) return {};
    DT_TRY(ex.Execute(
        "INSERT INTO etr_parties (organisation_id, name, carrier, warehouse, created_at) "
        "VALUES ($1, $2, $3, $4, $5)",
        {p.organisation_id, p.name, p.carrier, p.warehouse, impl_->Now()}));
    return {};
  });
  DT_TRY(tx);
  return p;
}

Result<Party> Registry::GetParty(const std::string& id) {
  return impl_->LoadParty(id);
}

Result<PartyKey> Registry::RegisterKey(const std::string& org, const json::object& jwk,
                                       std::string_view source) {
  DT_TRY(impl_->LoadParty(org));
  auto pub = crypto::PublicKey::FromJwk(jwk);
  if (!pub) return std::unexpected(pub.error().WithContext("the public key"));
  PartyKey k;
  k.organisation_id = org;
  k.thumbprint = pub->Thumbprint();
  k.public_jwk = pub->ToJwk();
  k.source = std::string(source);
  k.id = "pk_" + Sha256Hex(org + "\n" + k.thumbprint).substr(0, 20);
  k.created_at = impl_->Now();
  auto inserted = impl_->db.Execute(
      "INSERT INTO etr_party_keys (id, organisation_id, thumbprint, public_jwk, certificate_pem, "
      "source, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {k.id, org, k.thumbprint, digitrade::json::Serialize(k.public_jwk), k.certificate_pem,
       k.source, k.created_at});
  if (!inserted && inserted.error().code() != ErrorCode::kAlreadyExists)
    return std::unexpected(inserted.error());
  DT_ASSIGN_OR_RETURN(auto keys, impl_->Keys(org));
  for (auto& existing : keys) {
    if (existing.id == k.id) return existing;
  }
  return Internal("registered key not found");
}

Result<PartyKey> Registry::RegisterCertificate(const std::string& org, std::string_view pem) {
  DT_ASSIGN_OR_RETURN(auto chain, crypto::Certificate::ChainFromPem(pem));
  if (chain.empty()) return InvalidArgument("no certificate in the PEM text");
  DT_ASSIGN_OR_RETURN(auto pub, chain.front().public_key());
  DT_ASSIGN_OR_RETURN(auto key, RegisterKey(org, pub.ToJwk(), "certificate"));
  if (key.certificate_pem.empty()) {
    DT_TRY(impl_->db.Execute(
        "UPDATE etr_party_keys SET certificate_pem = $2, source = 'certificate' WHERE id = $1",
        {key.id, std::string(pem)}));
    key.certificate_pem = std::string(pem);
    key.source = "certificate";
  }
  return key;
}

Result<std::vector<PartyKey>> Registry::ListKeys(const std::string& org) {
  return impl_->Keys(org);
}

// ---- issuance ----

Result<std::string> Registry::ValidateDocument(RecordType type, const json::value& document) const {
  DT_ASSIGN_OR_RETURN(auto checked, impl_->CheckDocument(type, document));
  return std::move(checked.first);
}

Result<IssueDraft> Registry::PrepareIssue(const IssueInput& in) {
  DT_ASSIGN_OR_RETURN(auto issuer, impl_->LoadParty(in.issuer_id));
  if (in.type == RecordType::kEbl && !issuer.carrier) {
    return PermissionDenied(
        fmt::format("{} is not registered as a carrier: only carriers issue eBLs", in.issuer_id));
  }
  if (in.type == RecordType::kWarehouseReceipt && !issuer.warehouse) {
    return PermissionDenied(fmt::format(
        "{} is not registered as a warehouse: only warehouses issue receipts", in.issuer_id));
  }
  auto issue_to = impl_->LoadParty(in.issue_to_id);
  if (!issue_to) return std::unexpected(issue_to.error().WithContext("issueTo"));
  DT_ASSIGN_OR_RETURN(auto checked, impl_->CheckDocument(in.type, in.document));
  std::int64_t version = 1;
  if (!in.amendment_of.empty()) {
    DT_ASSIGN_OR_RETURN(auto old, GetRecord(in.amendment_of));
    if (old.state.issuer_id != in.issuer_id)
      return PermissionDenied("only the issuer of a record may amend it");
    if (old.state.status != RecordStatus::kAmended) {
      return FailedPrecondition(
          fmt::format("record {} is {}: only a record whose surrender for amendment was "
                      "accepted can be replaced by an amended one",
                      old.id, RecordStatusName(old.state.status)));
    }
    version = old.version + 1;
  }
  IssueDraft d;
  d.document = std::move(checked.first);
  d.reference = std::move(checked.second);
  d.version = version;
  d.record_id = RecordId(in.type, in.issuer_id, d.reference, version);
  if (auto existing = GetRecord(d.record_id); existing) {
    return AlreadyExists(
        fmt::format("{} {} (version {}) of issuer {} is already issued as record {}",
                    RecordTypeName(in.type), d.reference, version, in.issuer_id, d.record_id));
  }
  const std::string& platform = impl_->options.platform_code;
  d.issue_to = {{"partyName", issue_to->name},
                {"sendToPlatform", platform},
                {"identifyingCodes",
                 LocalParty(platform, in.issue_to_id, issue_to->name).at("identifyingCodes")}};
  DT_ASSIGN_OR_RETURN(auto issue_to_jcs, crypto::CanonicalizeJson(d.issue_to));
  const std::string document_checksum = Sha256Hex(d.document);
  const std::string issue_to_checksum = Sha256Hex(issue_to_jcs);
  DT_ASSIGN_OR_RETURN(d.manifest_payload, crypto::CanonicalizeJson(json::object{
                                              {"documentChecksum", document_checksum},
                                              {"issueToChecksum", issue_to_checksum}}));
  ActionPayload p;
  p.record_id = d.record_id;
  p.sequence = 0;
  p.transaction = {{"actionCode", "ISSUE"},
                   {"actor", LocalParty(platform, in.issuer_id, issuer.name)},
                   {"recipient", LocalParty(platform, in.issue_to_id, issue_to->name)},
                   {"actionDateTime", FormatRfc3339(impl_->clock.Now())}};
  if (!in.comments.empty()) p.transaction["comments"] = in.comments;
  json::object issuance{{"recordType", RecordTypeName(in.type)},
                        {"reference", d.reference},
                        {"version", version},
                        {"documentChecksum", document_checksum},
                        {"issueToChecksum", issue_to_checksum}};
  if (!in.amendment_of.empty()) issuance["amendmentOf"] = in.amendment_of;
  p.issuance = std::move(issuance);
  DT_ASSIGN_OR_RETURN(d.action_payload, SerializePayload(p));
  return d;
}

Result<ActionOutcome> Registry::Issue(const SignedIssue& s, const std::string& caller_org) {
  const IssueInput& in = s.input;
  if (caller_org != in.issuer_id) {
    return PermissionDenied(
        fmt::format("the caller's organisation {} is not the issuer {}", caller_org, in.issuer_id));
  }
  DT_ASSIGN_OR_RETURN(auto draft, PrepareIssue(in));
  DT_TRY(impl_->VerifyManifest(s.manifest_jws, in, draft));
  DT_TRY(impl_->VerifyIssueAction(s.action_jws, in, draft));

  Record rec;
  rec.id = draft.record_id;
  rec.state.type = in.type;
  rec.state.issuer_id = in.issuer_id;
  rec.state.holder_id = in.issue_to_id;
  rec.state.to_order =
      in.type == RecordType::kEbl && in.document.at("isToOrder") == json::value(true);
  if (rec.state.to_order) rec.state.endorsee_id = in.issue_to_id;
  rec.reference = draft.reference;
  rec.version = draft.version;
  rec.document = std::move(draft.document);
  rec.document_checksum = Sha256Hex(rec.document);
  rec.issuance_manifest = s.manifest_jws;
  rec.head = ActionHash(s.action_jws);
  rec.amendment_of = in.amendment_of;
  rec.created_at = rec.updated_at = impl_->Now();
  ActionEntry a;
  a.record_id = rec.id;
  a.sequence = 0;
  a.code = ActionCode::kIssue;
  a.actor_id = in.issuer_id;
  a.recipient_id = in.issue_to_id;
  a.jws = s.action_jws;
  a.action_hash = rec.head;
  a.log_kind = "etr.issue";
  a.created_at = rec.created_at;
  DT_ASSIGN_OR_RETURN(a.log_data, LogData(a, RecordTypeName(in.type), &rec));
  DT_TRY(CheckLoggable(a));
  return impl_->Commit(
      std::move(a), [&](storage::Executor& ex, const ActionEntry& e) -> Result<Result<Record>> {
        // Checked before the insert: a unique violation would abort the whole
        // batch on PostgreSQL.
        DT_ASSIGN_OR_RETURN(auto existing,
                            ex.Query("SELECT id FROM etr_records WHERE id = $1", {rec.id}));
        if (!existing.empty()) {
          return Result<Record>(AlreadyExists(fmt::format(
              "{} {} (version {}) of issuer {} is already issued as record {}",
              RecordTypeName(in.type), rec.reference, rec.version, in.issuer_id, rec.id)));
        }
        std::optional<Record> old;
        if (!in.amendment_of.empty()) {
          DT_TRY(ex.Execute("UPDATE etr_records SET sequence = sequence WHERE id = $1",
                            {in.amendment_of}));
          DT_ASSIGN_OR_RETURN(old, impl_->Load(ex, in.amendment_of));
          if (old->state.status != RecordStatus::kAmended || !old->amended_by.empty()) {
            return Result<Record>(FailedPrecondition(
                fmt::format("record {} was already replaced by {}", old->id, old->amended_by)));
          }
        }
        // The first write: another server may have inserted the same record
        // since the check above (PostgreSQL, READ COMMITTED). Losing that
        // race is this action's verdict, not the batch's failure, and nothing
        // has been written yet.
        if (auto inserted = InsertRecord(ex, rec); !inserted) {
          return LostRaceVerdict(inserted.error(), ErrorCode::kAlreadyExists);
        }
        if (old) {
          old->state.status = RecordStatus::kVoid;
          old->amended_by = rec.id;
          old->updated_at = rec.created_at;
          DT_TRY(ex.Execute(kUpdateState, StateParams(*old)));
        }
        DT_TRY(InsertAction(ex, e, /*in_log=*/true));
        return Result<Record>(rec);
      });
}

// ---- actions ----

Result<PreparedAction> Registry::PrepareAction(const std::string& record_id,
                                               const ActionIntent& intent,
                                               const std::string& comments) {
  DT_ASSIGN_OR_RETURN(auto rec, GetRecord(record_id));
  if (intent.code == ActionCode::kIssue)
    return InvalidArgument("ISSUE is not an action on an existing record");
  DT_TRY(CheckRule(rec.state, intent));
  DT_ASSIGN_OR_RETURN(auto actor, impl_->LoadParty(intent.actor_id));
  const std::string& platform = impl_->options.platform_code;
  ActionPayload p;
  p.record_id = record_id;
  p.sequence = rec.sequence + 1;
  p.previous_hash = rec.head;
  p.transaction = {{"actionCode", ActionCodeName(intent.code)},
                   {"actor", LocalParty(platform, actor.organisation_id, actor.name)},
                   {"actionDateTime", FormatRfc3339(impl_->clock.Now())}};
  if (!intent.recipient_id.empty()) {
    auto recipient = impl_->LoadParty(intent.recipient_id);
    if (!recipient) return std::unexpected(recipient.error().WithContext("recipient"));
    p.transaction["recipient"] = LocalParty(platform, recipient->organisation_id, recipient->name);
  }
  if (!intent.reason_code.empty()) p.transaction["reasonCode"] = intent.reason_code;
  if (!comments.empty()) p.transaction["comments"] = comments;
  DT_ASSIGN_OR_RETURN(auto violations, impl_->pint_schemas.Validate("Transaction", p.transaction));
  if (!violations.empty()) return std::unexpected(ViolationsError("the transaction", violations));
  PreparedAction out{record_id, p.sequence, p.previous_hash, {}};
  DT_ASSIGN_OR_RETURN(out.payload, SerializePayload(p));
  return out;
}

Result<ActionOutcome> Registry::Act(const std::string& record_id, std::string_view jws,
                                    const std::string& caller_org) {
  DT_ASSIGN_OR_RETURN(auto staged, impl_->StageAction(record_id, jws, caller_org));
  auto done =
      impl_->Commit(std::move(staged.entry), [&](storage::Executor& ex, const ActionEntry& e) {
        return impl_->ApplyOne(ex, staged.intent, e);
      });
  // The previous action may lack its log index (forwarded, or an import
  // after a crash): look for it, so the caller's retry can go through.
  if (!done && done.error().code() == ErrorCode::kUnavailable) (void)impl_->Repair(record_id);
  return done;
}

void Registry::ActAsync(const std::string& record_id, std::string_view jws,
                        const std::string& caller_org, Executor executor,
                        std::function<void(Result<ActionOutcome>)> done) {
  auto staged = impl_->StageAction(record_id, jws, caller_org);
  if (!staged) return done(std::unexpected(std::move(staged.error())));
  // Shared by the guard (sequencer thread) and the answer (executor); the
  // log's callback comes after the guard's last run.
  auto s = std::make_shared<Impl::StagedAction>(std::move(*staged));
  Impl* impl = impl_.get();
  ledger::AppendGuard guard{
      s->entry.record_id,
      [impl, s](storage::Executor& ex, std::optional<std::uint64_t> index) -> Result<bool> {
        s->entry.log_index = index;
        DT_ASSIGN_OR_RETURN(auto v, impl->ApplyOne(ex, s->intent, s->entry));
        s->verdict = std::move(v);
        return s->verdict->has_value();
      }};
  impl->log.AppendIfAsync(
      s->entry.log_kind, s->entry.log_data, std::move(guard),
      [impl, s, executor,
       done = std::move(done)](Result<std::optional<ledger::AppendResult>> appended) mutable {
        // Off the log's thread: storing an index or repairing reads and
        // writes the database.
        executor([impl, s, appended = std::move(appended), done = std::move(done)]() mutable {
          const std::string id = s->entry.record_id;
          auto out = impl->Conclude(std::move(s->entry), std::move(appended), s->verdict);
          if (!out && out.error().code() == ErrorCode::kUnavailable) (void)impl->Repair(id);
          done(std::move(out));
        });
      });
}

// ---- reads ----

Result<Record> Registry::GetRecord(const std::string& id) {
  return impl_->Load(impl_->db, id);
}

Result<std::vector<Record>> Registry::ListRecords(const std::string& org, int limit,
                                                  const std::string& after) {
  DT_ASSIGN_OR_RETURN(
      auto rs,
      impl_->db.Query(
          fmt::format("SELECT {} FROM etr_records WHERE (holder_id = $1 OR endorsee_id = $1 "
                      "OR pledgee_id = $1 OR issuer_id = $1) AND id > $2 ORDER BY id LIMIT $3",
                      kRecordColumns),
          {org, after, static_cast<std::int64_t>(limit)}));
  std::vector<Record> out;
  for (const auto& r : rs.rows) {
    DT_ASSIGN_OR_RETURN(auto rec, RecordFromRow(r));
    out.push_back(std::move(rec));
  }
  return out;
}

Result<std::vector<ActionEntry>> Registry::History(const std::string& id) {
  DT_ASSIGN_OR_RETURN(auto rs,
                      impl_->db.Query(fmt::format("SELECT {} FROM etr_actions WHERE record_id = $1 "
                                                  "ORDER BY sequence",
                                                  kActionColumns),
                                      {id}));
  if (rs.empty()) {
    DT_TRY(GetRecord(id));
  }
  std::vector<ActionEntry> out;
  for (const auto& r : rs.rows) {
    DT_ASSIGN_OR_RETURN(auto a, ActionFromRow(r));
    out.push_back(std::move(a));
  }
  return out;
}

Result<ControlProof> Registry::ProveControl(const std::string& id) {
  ControlProof proof;
  std::vector<ActionEntry> history;
  // The record and its chain are read apart: retry when an action landed
  // in between, so the claimed head is the chain's last action.
  // An action whose log index is being stored right now is retried too.
  for (int attempt = 0;; ++attempt) {
    DT_ASSIGN_OR_RETURN(history, History(id));
    DT_ASSIGN_OR_RETURN(proof.record, GetRecord(id));
    const bool consistent = !history.empty() && proof.record.head == history.back().action_hash;
    const auto unlogged = std::find_if(history.begin(), history.end(),
                                       [](const ActionEntry& a) { return !a.log_index; });
    if (consistent && unlogged == history.end()) break;
    if (attempt == 20) {
      if (unlogged != history.end()) (void)impl_->Repair(id);
      return Unavailable(
          unlogged != history.end()
              ? fmt::format("action {} of {} is not logged yet; retry", unlogged->sequence, id)
              : fmt::format("{} is changing; retry", id));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::uint64_t last = 0;
  for (const auto& a : history) last = std::max(last, *a.log_index);
  DT_ASSIGN_OR_RETURN(proof.checkpoint, impl_->log.Checkpoint());
  const ledger::NoteVerifier verifier = impl_->log.verifier();
  DT_ASSIGN_OR_RETURN(
      auto cp, ledger::OpenCheckpoint(proof.checkpoint, impl_->log.origin(), {&verifier, 1}));
  // The proof speaks for the whole log as it is now: a checkpoint that
  // misses later entries would leave them out of check 6.
  DT_ASSIGN_OR_RETURN(const std::uint64_t size, impl_->log.Size());
  if (cp.size <= last || cp.size < size) {
    DT_ASSIGN_OR_RETURN(proof.checkpoint, impl_->log.PublishCheckpoint());
    DT_ASSIGN_OR_RETURN(
        cp, ledger::OpenCheckpoint(proof.checkpoint, impl_->log.origin(), {&verifier, 1}));
  }
  proof.checkpoint_size = cp.size;
  for (auto& a : history) {
    ProofLink link;
    DT_ASSIGN_OR_RETURN(link.inclusion, impl_->log.InclusionProof(*a.log_index, cp.size));
    link.action = std::move(a);
    proof.chain.push_back(std::move(link));
  }
  return proof;
}

// ---- PINT ----

Result<Record> Registry::ImportRecord(const ImportedRecord& in) {
  DT_TRY(impl_->LoadParty(in.state.holder_id));
  return ImportRecordWith(in, {});
}

Status Registry::RepairLog() {
  return impl_->Repair("");
}

// ---- PINT: sending away, coming back (docs/etr.md "How PINT plugs in") ----

Result<Record> Registry::ImportRecordWith(
    const ImportedRecord& in,
    const std::function<Status(storage::Executor&, const Record&)>& also) {
  if (in.chain.empty()) return InvalidArgument("an imported record needs at least its ISSUE entry");
  DT_ASSIGN_OR_RETURN(auto checked, impl_->CheckDocument(in.type, in.document));
  Record rec;
  rec.id = RecordId(in.type, in.issuer_id, checked.second, 1);
  rec.state = in.state;
  rec.state.type = in.type;
  rec.state.issuer_id = in.issuer_id;
  rec.reference = checked.second;
  rec.document = std::move(checked.first);
  rec.document_checksum = Sha256Hex(rec.document);
  rec.issuance_manifest = in.issuance_manifest;
  rec.imported = true;
  rec.created_at = rec.updated_at = impl_->Now();
  std::vector<ActionEntry> entries;
  std::string previous;
  for (std::size_t i = 0; i < in.chain.size(); ++i) {
    const auto& e = in.chain[i];
    ActionEntry a;
    a.record_id = rec.id;
    a.sequence = static_cast<std::int64_t>(i);
    a.code = e.last_code;
    a.actor_id = e.actor;
    a.recipient_id = e.recipient;
    a.jws = e.signed_content;
    a.action_hash = ActionHash(e.signed_content);
    a.previous_hash = previous;
    a.log_kind = "etr.import";
    a.created_at = rec.created_at;
    DT_ASSIGN_OR_RETURN(a.log_data, LogData(a, RecordTypeName(in.type), i == 0 ? &rec : nullptr));
    DT_TRY(CheckLoggable(a));
    previous = a.action_hash;
    entries.push_back(std::move(a));
  }
  rec.sequence = entries.back().sequence;
  rec.head = entries.back().action_hash;
  const Status tx = impl_->db.Transact([&](storage::Executor& ex) -> Status {
    DT_TRY(InsertRecord(ex, rec));
    for (const auto& a : entries) DT_TRY(InsertAction(ex, a, /*in_log=*/false));
    if (also) DT_TRY(also(ex, rec));
    return {};
  });
  DT_TRY(tx);
  for (const auto& a : entries) DT_TRY(impl_->LogAction(a));
  return rec;
}

std::string_view AwayStatusName(AwayStatus s) {
  switch (s) {
    case AwayStatus::kPending:
      return "transfer_pending";
    case AwayStatus::kAway:
      return "held_elsewhere";
    case AwayStatus::kHere:
      break;
  }
  return "here";
}

namespace {

Result<Away> LoadAway(storage::Executor& ex, const std::string& id) {
  DT_ASSIGN_OR_RETURN(auto rs, ex.Query("SELECT away_status, away_platform, away_party, "
                                        "away_action, away_from FROM etr_records WHERE id = $1",
                                        {id}));
  if (rs.empty()) return NotFound(fmt::format("no record {}", id));
  const auto& r = rs.rows.front();
  Away a;
  const std::string status = r.Text(0);
  a.status = status == "pending" ? AwayStatus::kPending
             : status == "away"  ? AwayStatus::kAway
                                 : AwayStatus::kHere;
  a.platform = r.Text(1);
  if (!r.Text(2).empty()) {
    DT_ASSIGN_OR_RETURN(a.party, digitrade::json::ParseObject(r.Text(2)));
  }
  a.action = r.Text(3);
  a.previous_holder = r.Text(4);
  return a;
}

std::string PartyName(const json::object& party) {
  const auto* name = party.if_contains("partyName");
  return name != nullptr && name->is_string() ? std::string(name->get_string()) : "";
}

// Why no local action is possible while a record is pending or away.
Status AwayError(const std::string& id, const Away& away) {
  if (away.status == AwayStatus::kPending) {
    return FailedPrecondition(fmt::format(
        "record {} is being transferred to \"{}\" on platform {}: no other action until the "
        "transfer is answered (post the same signed action again to resend it)",
        id, PartyName(away.party), away.platform));
  }
  return FailedPrecondition(fmt::format("record {} is held on platform {} by \"{}\" ({})", id,
                                        away.platform, PartyName(away.party),
                                        ForeignPartyId(away.party)));
}

constexpr std::string_view kClearAway =
    "away_status = '', away_platform = '', away_party = '', away_action = '', away_from = ''";

}  // namespace

Result<std::optional<Record>> Registry::FindRecord(const std::string& key) {
  DT_ASSIGN_OR_RETURN(
      auto rs, impl_->db.Query(fmt::format("SELECT {} FROM etr_records WHERE document_checksum = "
                                           "$1 OR id = $1 OR reference = $1 ORDER BY version DESC",
                                           kRecordColumns),
                               {key}));
  if (rs.empty()) return std::optional<Record>();
  DT_ASSIGN_OR_RETURN(auto rec, RecordFromRow(rs.rows.front()));
  return std::optional<Record>(std::move(rec));
}

Result<Away> Registry::GetAway(const std::string& record_id) {
  return LoadAway(impl_->db, record_id);
}

Result<PreparedAction> Registry::PrepareTransferOut(const std::string& record_id,
                                                    const ActionIntent& intent,
                                                    const json::object& recipient,
                                                    const std::string& comments) {
  const std::string& platform = impl_->options.platform_code;
  const auto* other = recipient.if_contains("eblPlatform");
  if (other == nullptr || !other->is_string() || other->get_string() == platform) {
    return InvalidArgument(fmt::format(
        "recipient_party: a DCSA party whose eblPlatform is another platform than {}", platform));
  }
  DT_ASSIGN_OR_RETURN(auto away, GetAway(record_id));
  if (away.status != AwayStatus::kHere) return std::unexpected(AwayError(record_id, away).error());
  if (intent.code == ActionCode::kIssue)
    return InvalidArgument("ISSUE is not an action on an existing record");
  ActionIntent foreign = intent;
  foreign.recipient_id = ForeignPartyId(recipient);
  DT_ASSIGN_OR_RETURN(auto rec, GetRecord(record_id));
  DT_TRY(CheckRule(rec.state, foreign));
  DT_ASSIGN_OR_RETURN(auto actor, impl_->LoadParty(intent.actor_id));
  ActionPayload p;
  p.record_id = record_id;
  p.sequence = rec.sequence + 1;
  p.previous_hash = rec.head;
  p.transaction = {{"actionCode", ActionCodeName(intent.code)},
                   {"actor", LocalParty(platform, actor.organisation_id, actor.name)},
                   {"recipient", recipient},
                   {"actionDateTime", FormatRfc3339(impl_->clock.Now())}};
  if (!intent.reason_code.empty()) p.transaction["reasonCode"] = intent.reason_code;
  if (!comments.empty()) p.transaction["comments"] = comments;
  DT_ASSIGN_OR_RETURN(auto violations, impl_->pint_schemas.Validate("Transaction", p.transaction));
  if (!violations.empty()) return std::unexpected(ViolationsError("the transaction", violations));
  PreparedAction out{record_id, p.sequence, p.previous_hash, {}};
  DT_ASSIGN_OR_RETURN(out.payload, SerializePayload(p));
  return out;
}

Result<OutboundAction> Registry::BeginTransferOut(const std::string& record_id,
                                                  std::string_view jws,
                                                  const std::string& caller_org) {
  DT_ASSIGN_OR_RETURN(auto action,
                      impl_->ReadAction(record_id, jws, caller_org, true,
                                        [](const ActionPayload& p) -> Status {
                                          if (p.recipient_foreign) return {};
                                          return InvalidArgument(
                                              "$.transaction.recipient: a transfer to another "
                                              "platform names a recipient whose eblPlatform is "
                                              "that platform");
                                        }));
  const ActionPayload& p = action.payload;
  const ActionIntent intent{p.code, p.actor_id, p.recipient_id, p.reason_code};
  const auto& recipient = p.transaction.at("recipient").get_object();
  OutboundAction out{.jws = std::string(jws),
                     .transaction = p.transaction,
                     .away = {.status = AwayStatus::kPending,
                              .platform = std::string(recipient.at("eblPlatform").get_string()),
                              .party = recipient,
                              .action = std::string(jws)}};
  const Status tx = impl_->db.Transact([&](storage::Executor& ex) -> Status {
    DT_TRY(ex.Execute("UPDATE etr_records SET sequence = sequence WHERE id = $1", {record_id}));
    DT_ASSIGN_OR_RETURN(out.record, impl_->Load(ex, record_id));
    DT_ASSIGN_OR_RETURN(auto away, LoadAway(ex, record_id));
    if (away.status == AwayStatus::kPending && away.action == jws) {
      out.retry = true;
      out.away = std::move(away);
      out.record.state.holder_id = out.away.previous_holder;
      return {};
    }
    if (away.status != AwayStatus::kHere) return AwayError(record_id, away);
    const Record& rec = out.record;
    if (p.sequence != rec.sequence + 1 || p.previous_hash != rec.head) {
      return Conflict(fmt::format(
          "the action names sequence {} after {}, but record {} is at sequence {} with head {}",
          p.sequence, p.previous_hash.empty() ? "null" : p.previous_hash, record_id, rec.sequence,
          rec.head));
    }
    DT_ASSIGN_OR_RETURN(auto prev, ex.Query("SELECT log_index FROM etr_actions WHERE record_id = "
                                            "$1 AND sequence = $2",
                                            {record_id, rec.sequence}));
    // As Act: the predecessor must have its log index (the chain is logged
    // in order).
    const bool logged = !prev.empty() && !prev.rows[0].IsNull(0);
    if (!logged) {
      return Unavailable(fmt::format(
          "the previous action of {} is still being appended to the log; retry", record_id));
    }
    DT_TRY(CheckRule(rec.state, intent));
    out.away.previous_holder = rec.state.holder_id;
    DT_TRY(ex.Execute(
        "UPDATE etr_records SET holder_id = '', away_status = 'pending', away_platform = $2, "
        "away_party = $3, away_action = $4, away_from = $5, updated_at = $6 WHERE id = $1",
        {record_id, out.away.platform, digitrade::json::Serialize(out.away.party), out.away.action,
         out.away.previous_holder, impl_->Now()}));
    return {};
  });
  DT_TRY(tx);
  return out;
}

Result<ActionOutcome> Registry::CompleteTransferOut(
    const std::string& record_id,
    const std::function<Status(storage::Executor&, const ActionEntry&)>& also) {
  ActionOutcome out;
  bool already = false;
  const Status tx = impl_->db.Transact([&](storage::Executor& ex) -> Status {
    DT_TRY(ex.Execute("UPDATE etr_records SET sequence = sequence WHERE id = $1", {record_id}));
    DT_ASSIGN_OR_RETURN(out.record, impl_->Load(ex, record_id, false));
    DT_ASSIGN_OR_RETURN(auto away, LoadAway(ex, record_id));
    if (away.status == AwayStatus::kAway && ActionHash(away.action) == out.record.head) {
      already = true;
      return {};
    }
    if (away.status != AwayStatus::kPending) {
      return FailedPrecondition(
          fmt::format("record {} has no transfer to another platform pending", record_id));
    }
    DT_ASSIGN_OR_RETURN(auto action, ParseSignedAction(away.action, impl_->pint_schemas,
                                                       impl_->options.platform_code, true));
    const ActionPayload& p = action.payload;
    ActionEntry& a = out.action;
    a = {.record_id = record_id,
         .sequence = p.sequence,
         .code = p.code,
         .actor_id = p.actor_id,
         .recipient_id = p.recipient_id,
         .jws = away.action,
         .action_hash = ActionHash(away.action),
         .previous_hash = p.previous_hash,
         .log_kind = "etr.action",
         .created_at = impl_->Now()};
    Record& rec = out.record;
    RecordState before = rec.state;
    before.holder_id = away.previous_holder;
    rec.state = Apply(before, {p.code, p.actor_id, p.recipient_id, p.reason_code});
    rec.sequence = a.sequence;
    rec.head = a.action_hash;
    rec.updated_at = a.created_at;
    DT_ASSIGN_OR_RETURN(a.log_data, LogData(a, RecordTypeName(rec.state.type), nullptr));
    DT_TRY(CheckLoggable(a));
    DT_TRY(InsertAction(ex, a, /*in_log=*/false));
    DT_TRY(ex.Execute(kUpdateState, StateParams(rec)));
    DT_TRY(ex.Execute("UPDATE etr_records SET away_status = 'away' WHERE id = $1", {record_id}));
    if (also) DT_TRY(also(ex, a));
    return {};
  });
  DT_TRY(tx);
  if (already) {
    DT_ASSIGN_OR_RETURN(auto history, History(record_id));
    out.action = history.back();
    return out;
  }
  DT_ASSIGN_OR_RETURN(auto index, impl_->LogAction(out.action));
  out.action.log_index = index;
  return out;
}

Status Registry::LockForPlatformSend(const std::string& record_id, const std::string& expected_head,
                                     const json::object& recipient) {
  return impl_->db.Transact([&](storage::Executor& ex) -> Status {
    DT_TRY(ex.Execute("UPDATE etr_records SET sequence = sequence WHERE id = $1", {record_id}));
    DT_ASSIGN_OR_RETURN(auto rec, impl_->Load(ex, record_id, false));
    DT_ASSIGN_OR_RETURN(auto away, LoadAway(ex, record_id));
    if (away.status == AwayStatus::kPending && away.action.empty() && rec.head == expected_head &&
        digitrade::json::Serialize(away.party) == digitrade::json::Serialize(recipient))
      return {};  // the same send, retried
    if (away.status != AwayStatus::kHere) return AwayError(record_id, away);
    if (rec.head != expected_head) {
      return Conflict(fmt::format("record {} moved on: its head is {}, not {}", record_id, rec.head,
                                  expected_head));
    }
    const auto* platform = recipient.if_contains("eblPlatform");
    DT_TRY(ex.Execute(
        "UPDATE etr_records SET holder_id = '', away_status = 'pending', away_platform = $2, "
        "away_party = $3, away_action = '', away_from = $4, updated_at = $5 WHERE id = $1",
        {record_id,
         platform != nullptr && platform->is_string() ? std::string(platform->get_string()) : "",
         digitrade::json::Serialize(recipient), rec.state.holder_id, impl_->Now()}));
    return {};
  });
}

Status Registry::AbortTransferOut(const std::string& record_id) {
  DT_ASSIGN_OR_RETURN(
      auto n, impl_->db.Execute(fmt::format("UPDATE etr_records SET holder_id = away_from, {} "
                                            "WHERE id = $1 AND away_status = 'pending'",
                                            kClearAway),
                                {record_id}));
  if (n == 0) {
    return FailedPrecondition(
        fmt::format("record {} has no transfer to another platform pending", record_id));
  }
  return {};
}

Result<Record> Registry::AppendImported(
    const std::string& record_id, const std::string& expected_head,
    const std::vector<ImportedEntry>& entries, const RecordState& state, const Away& away,
    const std::function<Status(storage::Executor&, const Record&)>& also) {
  if (entries.empty()) return InvalidArgument("no entries to append");
  Record rec;
  std::vector<ActionEntry> added;
  const Status tx = impl_->db.Transact([&](storage::Executor& ex) -> Status {
    DT_TRY(ex.Execute("UPDATE etr_records SET sequence = sequence WHERE id = $1", {record_id}));
    DT_ASSIGN_OR_RETURN(rec, impl_->Load(ex, record_id));
    if (rec.head != expected_head) {
      return Conflict(fmt::format("record {} moved on: its head is {}, not {}", record_id, rec.head,
                                  expected_head));
    }
    if (also) DT_TRY(also(ex, rec));
    added.clear();
    for (const auto& e : entries) {
      ActionEntry a{.record_id = record_id,
                    .sequence = rec.sequence + 1,
                    .code = e.last_code,
                    .actor_id = e.actor,
                    .recipient_id = e.recipient,
                    .jws = e.signed_content,
                    .action_hash = ActionHash(e.signed_content),
                    .previous_hash = rec.head,
                    .log_kind = "etr.import",
                    .created_at = impl_->Now()};
      DT_ASSIGN_OR_RETURN(a.log_data, LogData(a, RecordTypeName(rec.state.type), nullptr));
      DT_TRY(CheckLoggable(a));
      DT_TRY(InsertAction(ex, a, /*in_log=*/false));
      rec.sequence = a.sequence;
      rec.head = a.action_hash;
      added.push_back(std::move(a));
    }
    const RecordType type = rec.state.type;
    const std::string issuer = rec.state.issuer_id;
    rec.state = state;
    rec.state.type = type;
    rec.state.issuer_id = issuer;
    rec.updated_at = impl_->Now();
    DT_TRY(ex.Execute(kUpdateState, StateParams(rec)));
    DT_TRY(ex.Execute(
        "UPDATE etr_records SET away_status = $2, away_platform = $3, away_party = $4, "
        "away_action = '', away_from = '' WHERE id = $1",
        {record_id, std::string(away.status == AwayStatus::kAway ? "away" : ""), away.platform,
         away.party.empty() ? std::string() : digitrade::json::Serialize(away.party)}));
    return {};
  });
  DT_TRY(tx);
  for (const auto& a : added) DT_TRY(impl_->LogAction(a));
  return rec;
}

}  // namespace digitrade::trade::etr
