// etr::Registry: the electronic transferable records engine. One
// authoritative record per document (singularity), one holder at a time
// (exclusive control), every state change a JWS-signed DCSA Transaction on a
// per-record hash chain, appended to the evidence log.
//
// Flow of an action (docs/etr.md has the formats):
//   1. PrepareAction() returns the exact payload to sign: the DCSA
//      Transaction plus the chain fields (recordId, sequence = current + 1,
//      previousActionHash = hash of the record's last signed action).
//   2. The party in control signs it (compact JWS, any algorithm of
//      crypto/jws.h) with a key registered for it (RegisterKey), in the
//      browser or through signing::KeyVault.
//   3. Act() verifies the JWS against the actor's keys, then appends the
//      action to the evidence log (kind "etr.action"; issuance "etr.issue")
//      with a guard that runs in the log's batch transaction: it locks the
//      record row, checks that the named state is still current (else
//      conflict, with the current state in the message) and the rule table
//      (record.h), inserts the action (its hash is UNIQUE: a replay can
//      never apply twice) with its log index and moves the record on.
//   4. State change and log entry commit together, one fsync per batch of
//      actions; a rejected action writes and appends nothing. The next
//      action on a record waits until its predecessor's index is stored
//      (unavailable: retry; only on a server forwarding to another one), so
//      the log holds each record's chain in order.
//
// PINT (src/trade/etr/pint/) plugs in through ImportRecord() (a verified
// chain received from another platform) and History() (export).
//
// Thread-safety: all methods may be called from many threads at once. The
// Database, Clock and Log must outlive the Registry, and every ActAsync()
// must have been answered before it is destroyed.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "ledger/log.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "trade/etr/dcsa_schema.h"
#include "trade/etr/record.h"

namespace digitrade::trade::etr {

// A party: an identity organisation taking part in transferable records.
struct Party {
  std::string organisation_id;
  std::string name;
  bool carrier = false;    // may issue eBLs
  bool warehouse = false;  // may issue warehouse receipts
};

// A public key a party signs with. Verification picks the key by the JWS
// "kid" (RFC 7638 thumbprint) or by the thumbprint of the x5c leaf's key.
struct PartyKey {
  std::string id;  // "pk_" + 20 hex
  std::string organisation_id;
  std::string thumbprint;
  boost::json::object public_jwk;
  std::string certificate_pem;  // empty unless registered as a certificate
  std::string source;           // "jwk" | "certificate" | "vault"
  std::int64_t created_at = 0;  // Unix seconds
};

struct Record {
  std::string id;  // "etr_" + 32 hex, derived from (type, issuer, reference, version)
  RecordState state;
  std::string reference;  // transportDocumentReference / receiptNumber
  std::int64_t version = 1;
  std::string document;           // RFC 8785 canonical JSON
  std::string document_checksum;  // SHA-256 hex of `document`
  std::string issuance_manifest;  // compact JWS (DCSA IssuanceManifest), issuer-signed
  std::int64_t sequence = 0;      // of the last action (ISSUE is 0)
  std::string head;               // SHA-256 hex of the last action's JWS
  std::string amendment_of;       // the record this one amends
  std::string amended_by;         // the record that replaced this one
  bool imported = false;          // received over PINT
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// One signed action in a record's chain.
struct ActionEntry {
  std::string record_id;
  std::int64_t sequence = 0;
  ActionCode code = ActionCode::kIssue;
  std::string actor_id;
  std::string recipient_id;
  std::string jws;  // compact JWS over the action payload
  std::string action_hash;
  std::string previous_hash;  // empty for the first
  std::string log_kind;       // "etr.issue" | "etr.action" | "etr.import"
  std::string log_data;       // canonical bytes appended to the log
  std::optional<std::uint64_t> log_index;
  std::int64_t created_at = 0;
};

// What to sign for an issuance: the DCSA IssuanceManifest and the ISSUE
// action, both as the exact bytes (RFC 8785).
struct IssueDraft {
  std::string record_id;
  std::string manifest_payload;
  std::string action_payload;
  boost::json::object issue_to;  // the DCSA issueTo party the manifest covers
  std::string document;          // the document, RFC 8785 canonical
  std::string reference;
  std::int64_t version = 1;
};

struct IssueInput {
  RecordType type = RecordType::kEbl;
  boost::json::value document;  // DCSA TransportDocument or a warehouse receipt
  std::string issuer_id;
  std::string issue_to_id;
  std::string amendment_of;  // record id being amended, if any
  std::string comments;
};

struct SignedIssue {
  IssueInput input;
  std::string manifest_jws;  // signed by the issuer
  std::string action_jws;    // the ISSUE action, signed by the issuer
};

struct PreparedAction {
  std::string record_id;
  std::int64_t sequence = 0;
  std::string previous_hash;
  std::string payload;  // the bytes to sign
};

struct ActionOutcome {
  Record record;
  ActionEntry action;
};

// A record received from another platform over PINT, already verified by
// the PINT module: the document, the issuer's manifest, the chain as signed
// entries (oldest first), and the local party that now holds it.
struct ImportedEntry {
  std::string signed_content;  // as received (a JWS)
  ActionCode last_code = ActionCode::kTransfer;
  std::string actor;      // party code as named in the entry (may be foreign)
  std::string recipient;  // party code
};
struct ImportedRecord {
  RecordType type = RecordType::kEbl;
  boost::json::value document;
  std::string issuer_id;  // as named by the carrier's manifest
  std::string issuance_manifest;
  std::vector<ImportedEntry> chain;
  RecordState state;  // state after the chain; holder must be a local party
};

// Where a record is when it is not (only) here: on its way to, or held on,
// another eBL platform (docs/etr.md "How PINT plugs in").
enum class AwayStatus {
  kHere,     // nothing pending
  kPending,  // a transfer to another platform is under way: no local action
  kAway,     // the other platform accepted it: held there, nothing to do here
};
struct Away {
  AwayStatus status = AwayStatus::kHere;
  std::string platform;         // eblPlatform of the recipient
  boost::json::object party;    // the DCSA recipient party
  std::string action;           // the holder's signed action that sent it (JWS)
  std::string previous_holder;  // who held it here before
};
std::string_view AwayStatusName(AwayStatus s);  // "here", "transfer_pending", "held_elsewhere"

// An action to a party on another platform, verified and locked in
// (BeginTransferOut): the record takes no other action until it is completed
// or aborted.
struct OutboundAction {
  Record record;                    // as before the action
  std::string jws;                  // the holder's signed action
  boost::json::object transaction;  // its DCSA transaction
  Away away;
  bool retry = false;  // the same action was already pending: resend
};

// Everything a verifier needs to check who controls a record now, with
// only public keys (see VerifyControlProof in proof.h).
struct ProofLink {
  ActionEntry action;
  std::vector<ledger::Hash> inclusion;  // against checkpoint_size
};
struct ControlProof {
  Record record;
  std::vector<ProofLink> chain;  // every action, oldest first
  std::string checkpoint;        // signed note
  std::uint64_t checkpoint_size = 0;
};

// Runs a task on a thread of the caller's choosing (a server's io thread).
using Executor = std::function<void(std::function<void()>)>;

struct RegistryOptions {
  // This platform's code in DCSA party objects (eblPlatform) and the
  // codeListProvider of party codes that are organisation ids here.
  std::string platform_code = "DGTR";
  std::size_t max_document_bytes = 1 << 20;
};

class Registry {
 public:
  static std::vector<storage::Migration> Migrations();

  // Errors: internal when the embedded schemas do not load.
  static Result<std::unique_ptr<Registry>> Create(storage::Database& db, const Clock& clock,
                                                  ledger::Log& log, RegistryOptions options = {});
  ~Registry();

  // ---- parties and keys ----
  // Creates or updates a party. Errors: invalid_argument (empty id or name).
  Result<Party> PutParty(const Party& party);
  // Errors: not_found.
  Result<Party> GetParty(const std::string& organisation_id);
  // Registers a public key (JWK) or certificate (PEM) for a party; returns the
  // existing registration for a key already registered. `source` is "jwk",
  // "certificate" or "vault". Errors: not_found (no such party),
  // invalid_argument (bad key or certificate).
  Result<PartyKey> RegisterKey(const std::string& organisation_id, const boost::json::object& jwk,
                               std::string_view source = "jwk");
  Result<PartyKey> RegisterCertificate(const std::string& organisation_id, std::string_view pem);
  Result<std::vector<PartyKey>> ListKeys(const std::string& organisation_id);

  // ---- issuance ----
  // Validates a document of `type` (DCSA TransportDocument for ebl, the
  // warehouse-receipt schema for ewr) and returns its RFC 8785 form. Errors:
  // invalid_argument listing every violation with its JSON path;
  // resource_exhausted over max_document_bytes.
  Result<std::string> ValidateDocument(RecordType type, const boost::json::value& document) const;
  // Validates the document (DCSA TransportDocument or the warehouse-receipt
  // schema) and returns what the issuer signs. Errors: invalid_argument with
  // every schema violation and its JSON path; permission_denied (the issuer
  // is not a carrier / warehouse); not_found (unknown party or record to
  // amend); failed_precondition (the record to amend is not surrendered for
  // amendment); already_exists (the reference is issued).
  Result<IssueDraft> PrepareIssue(const IssueInput& input);
  // Verifies both signatures with the issuer's keys and the manifest's
  // checksums against the document and issueTo, then creates the record.
  // `caller_org` must be the issuer. Errors: those of PrepareIssue;
  // permission_denied (a signature does not verify with any key of the
  // issuer); invalid_argument (a manifest checksum or a payload member that
  // does not match); already_exists (double issuance); unavailable (log).
  Result<ActionOutcome> Issue(const SignedIssue& issue, const std::string& caller_org);

  // ---- actions ----
  // Errors: not_found; the rule errors of CheckRule (checked now for a
  // helpful early answer, and again at Act).
  Result<PreparedAction> PrepareAction(const std::string& record_id, const ActionIntent& intent,
                                       const std::string& comments = {});
  // Errors: invalid_argument (malformed JWS or payload), permission_denied
  // (no key of the actor verifies the signature, the caller is not the
  // actor, or the rules),
  // conflict (the state the action names is not current: a lost race, a
  // replay or a reordered action; the message carries the current sequence
  // and head), failed_precondition (rules), unavailable (the previous action
  // is still being logged, or the log: retry).
  Result<ActionOutcome> Act(const std::string& record_id, std::string_view jws,
                            const std::string& caller_org);
  // Act() without holding the calling thread while the action waits for the
  // log's group commit. The action is parsed and its signature verified on
  // the calling thread; then it is handed to the log, and `done` gets what
  // Act() would have returned: through `executor` (which also runs the
  // follow-up work: storing a forwarded action's index, repairing a chain),
  // or on the calling thread, before ActAsync returns, when the action fails
  // before the hand-off. `executor` must run every task it is given.
  void ActAsync(const std::string& record_id, std::string_view jws, const std::string& caller_org,
                Executor executor, std::function<void(Result<ActionOutcome>)> done);

  // ---- reads ----
  Result<Record> GetRecord(const std::string& record_id);
  // Records the party holds, is endorsee or pledgee of, or issued; by id.
  Result<std::vector<Record>> ListRecords(const std::string& organisation_id, int limit,
                                          const std::string& after);
  // The record's chain, oldest first (for PINT export and the custody view).
  Result<std::vector<ActionEntry>> History(const std::string& record_id);
  // Proof of current control (proof.h). Errors: not_found; unavailable
  // when the last action is not logged yet.
  Result<ControlProof> ProveControl(const std::string& record_id);

  // ---- PINT ----
  // Creates a record from a chain another platform sent, as received, and
  // continues it locally (the next local action links to the last entry).
  // Errors: invalid_argument (empty chain, bad document), not_found (the
  // holder is no local party), already_exists.
  Result<Record> ImportRecord(const ImportedRecord& in);

  // ---- PINT: sending away, coming back ----
  // The record whose document_checksum (SHA-256 of the RFC 8785 document, the
  // DCSA transportDocumentChecksum), id or reference is `key`, newest version
  // first; nullopt when there is none.
  Result<std::optional<Record>> FindRecord(const std::string& key);
  // Where the record is (here, transfer pending, held elsewhere).
  // Errors: not_found.
  Result<Away> GetAway(const std::string& record_id);
  // PrepareAction for a recipient on another platform (a DCSA party object
  // whose eblPlatform is not ours, e.g. {partyName, eblPlatform,
  // identifyingCodes}). Errors: those of PrepareAction; invalid_argument (the
  // recipient is not a party of another platform); failed_precondition (the
  // record is pending or held elsewhere).
  Result<PreparedAction> PrepareTransferOut(const std::string& record_id,
                                            const ActionIntent& intent,
                                            const boost::json::object& recipient,
                                            const std::string& comments = {});
  // Verifies an action whose recipient is on another platform (signature by
  // the actor, the caller is the actor, the chain state it names, the rule
  // table with the foreign recipient) and locks the record for it: holder
  // cleared, status transfer pending. Posting the action that is already
  // pending returns it again (retry = true). Errors: those of Act;
  // invalid_argument (the recipient is not on another platform);
  // failed_precondition (another transfer is pending, or the record is held
  // elsewhere).
  Result<OutboundAction> BeginTransferOut(const std::string& record_id, std::string_view jws,
                                          const std::string& caller_org);
  // The other platform accepted (RECE/DUPE): the pending action joins the
  // chain (kind etr.action, its log entry appended), the holder becomes the
  // foreign party (ForeignPartyId), the record is held elsewhere. `also` runs
  // in the same database transaction, with the new action. Idempotent once away. Errors:
  // failed_precondition (nothing pending).
  Result<ActionOutcome> CompleteTransferOut(
      const std::string& record_id,
      const std::function<Status(storage::Executor&, const ActionEntry&)>& also = {});
  // Locks a record for a send the platform signs on behalf of a holder with
  // no etr keys (a party known only to PINT): as BeginTransferOut, without a
  // signed action; the send completes with AppendImported (our entry) or is
  // aborted. Locking it again while so locked is a retry (ok). Errors:
  // conflict (the head is not `expected_head`), failed_precondition (pending
  // for another action, or held elsewhere).
  Status LockForPlatformSend(const std::string& record_id, const std::string& expected_head,
                             const boost::json::object& recipient);
  // The other platform refused: the lock is lifted, nothing else changes.
  Status AbortTransferOut(const std::string& record_id);
  // Appends entries received over PINT to an existing record whose head is
  // `expected_head` (a record coming back, or a PINT entry this platform
  // signed for a party with no etr keys), sets `state` and `away` (kHere
  // when it came back); `also` runs in the same transaction with the record
  // as before. Errors: conflict (the head moved), invalid_argument (no
  // entries).
  Result<Record> AppendImported(
      const std::string& record_id, const std::string& expected_head,
      const std::vector<ImportedEntry>& entries, const RecordState& state, const Away& away,
      const std::function<Status(storage::Executor&, const Record&)>& also = {});
  // ImportRecord with `also` run in the same transaction (with the new
  // record), and a holder that need not be an etr party (a party known only
  // to PINT, named by ForeignPartyId).
  Result<Record> ImportRecordWith(
      const ImportedRecord& in,
      const std::function<Status(storage::Executor&, const Record&)>& also);

  // Stores the log index of actions that lack it (found by leaf hash) and
  // appends imports that were committed but not logged (a crash between
  // the two). Called by Create; safe to call again.
  Status RepairLog();

  const SchemaSet& dcsa_schemas() const;
  const std::string& platform_code() const;

 private:
  struct Impl;
  explicit Registry(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// SHA-256 hex of a JWS's compact text: an action's hash, as the next action's
// previousActionHash names it.
std::string ActionHash(std::string_view jws);

}  // namespace digitrade::trade::etr
