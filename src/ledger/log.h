// ledger::Log: the verifiable evidence log other modules append to.
//
// One Log object serves one log (one origin) stored in a storage::Database.
// Appends are sequenced by a single writer per log: within a process, a
// sequencer thread batches concurrent appends into one transaction (group
// commit); across processes sharing a PostgreSQL database, a lease row in the
// database elects one instance as the active sequencer and the others forward
// their appends through the database. Append() returns only after the entry
// is durably committed, with its index, leaf hash and a signed checkpoint
// that covers it.
//
// An entry is a kind (a short lower-case token such as "etr.transfer") and
// canonical bytes; the Merkle leaf is `kind || 0x0A || bytes` (see
// docs/ledger-format.md), at most 65535 bytes in all.
//
// Thread-safety: every method may be called from many threads at once. The
// caller owns the Database and the Clock and keeps them alive until the Log
// is destroyed; destroying the Log stops its sequencer, fails appends still
// waiting with unavailable, and gives up leadership.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/hash.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/tile.h"
#include "storage/database.h"
#include "storage/migrations.h"

namespace digitrade::ledger {

struct LogOptions {
  // Hash function of the tree; fixed when the log is created. Opening an
  // existing log with another one fails.
  crypto::HashAlgorithm hash = crypto::HashAlgorithm::kSha256;
  // A checkpoint is published (recorded in the history served to monitors)
  // when this much time has passed since the last one and the tree grew.
  std::chrono::milliseconds checkpoint_interval{1000};
  // Most entries committed in one transaction.
  std::size_t max_batch = 8192;
  // Leadership lease: a sequencer that has not renewed it for this long can
  // be replaced by another instance.
  std::chrono::milliseconds lease_duration{10000};
  // How often an idle sequencer looks for forwarded appends and renews its
  // lease, and a follower for results (real time).
  std::chrono::milliseconds poll_interval{5};
  // How often the sequencing instance adds committed entries to the leaf-hash
  // index (real time); 0 disables the index (lookups then scan tiles).
  std::chrono::milliseconds index_interval{200};
  // Names this instance in the lease; unique per process sharing the database.
  std::string instance_id = "local";
};

struct AppendResult {
  std::uint64_t index = 0;
  Hash leaf_hash{};
  std::string checkpoint;  // signed note of a tree that includes the entry
};

struct Entry {
  std::uint64_t index = 0;
  std::string kind;
  std::string data;
};

// A domain write that commits in the same transaction as its log entry (see
// Log::AppendIf): "log and project" as one durable step.
struct AppendGuard {
  // The guards of one batch run in ascending order of this key (stable, so
  // entries with the same key keep their submission order): servers sharing
  // PostgreSQL then lock domain rows in one order.
  std::string order_key;
  // Runs inside the transaction that appends the entry, before the entry is
  // appended: reads and locks the domain state, checks it and writes the
  // domain rows. `index` is the index the entry gets when this instance
  // sequences the batch, nullopt when the entry is forwarded to the active
  // sequencer (its index is then known only when AppendIf returns).
  // Returns true to append the entry with these writes, false to append
  // nothing; a guard that returns false must have written nothing (the
  // caller keeps its own verdict). An error fails the whole batch: nothing
  // of it is written and every caller in it gets the error. A guard may run
  // more than once (a batch retried after a lost lease); each run starts
  // from the committed state. It runs on the sequencer's thread: it must not
  // call the Log.
  std::function<Result<bool>(storage::Executor& ex, std::optional<std::uint64_t> index)> run;
};

// Receives what Log::AppendIf returns, for Log::AppendIfAsync.
using AppendCallback = std::function<void(Result<std::optional<AppendResult>>)>;

// The Merkle leaf bytes for an entry, and back. Errors: invalid_argument for
// a bad kind or leaf bytes with no kind line, resource_exhausted for a leaf
// over 65535 bytes.
Result<std::string> EncodeLeaf(std::string_view kind, std::string_view data);
Result<Entry> DecodeLeaf(std::uint64_t index, std::string_view leaf);

class Log {
 public:
  // Schema migrations of the ledger module, for storage::ApplyMigrations.
  static std::vector<storage::Migration> Migrations();

  // Opens the log whose origin is signer.name(), creating it (with an empty
  // tree and its first checkpoint) if the database has none. The schema must
  // be migrated. Errors: invalid_argument (bad options), failed_precondition
  // (the stored log uses another hash, or its checkpoint does not verify
  // with this signer's key), data_loss (stored tree inconsistent), storage
  // errors.
  static Result<std::unique_ptr<Log>> Open(storage::Database& db, const Clock& clock,
                                           NoteSigner signer, LogOptions options = {});

  virtual ~Log() = default;

  virtual const std::string& origin() const = 0;
  virtual const TreeHasher& hasher() const = 0;
  virtual NoteVerifier verifier() const = 0;
  // Whether this instance is the log's active sequencer right now (holds the
  // lease); the others forward their appends to it.
  virtual bool sequencing() const = 0;

  // Appends and waits until durable. Errors: invalid_argument (bad kind),
  // resource_exhausted (leaf over 65535 bytes), unavailable (log closing, no sequencer reachable in
  // time, database busy: not appended, safe to retry), data_loss, storage errors.
  virtual Result<AppendResult> Append(std::string_view kind, std::string_view data) = 0;

  // Appends the entry and commits the guard's domain writes in the same
  // transaction, if the guard accepts; waits until durable. Returns nullopt
  // when the guard declined (nothing written). Errors: those of Append, and
  // any error the guard returned.
  virtual Result<std::optional<AppendResult>> AppendIf(std::string_view kind, std::string_view data,
                                                       const AppendGuard& guard) = 0;

  // AppendIf without waiting for the batch, so a caller need not hold a
  // thread per append in flight. Returns at once; `done` is called exactly
  // once with what AppendIf would have returned: on one of the log's threads
  // once the batch committed or failed, or on the calling thread, before
  // AppendIfAsync returns, when the entry is refused at once (bad kind,
  // oversized, log closing). The log keeps `guard` until it has run for the
  // last time. `done` must return quickly (hand anything slow to another
  // thread: it delays the acknowledgement of other appends), must not throw
  // and must not call the Log. Destroying the Log calls `done` for every
  // append still waiting (unavailable).
  virtual void AppendIfAsync(std::string_view kind, std::string_view data, AppendGuard guard,
                             AppendCallback done) = 0;

  // The latest published checkpoint (signed note).
  virtual Result<std::string> Checkpoint() = 0;
  // Publishes a checkpoint for the current tree now and returns it.
  virtual Result<std::string> PublishCheckpoint() = 0;
  // Size of the committed tree (at least that of every checkpoint issued).
  virtual Result<std::uint64_t> Size() = 0;

  // Errors: not_found (index beyond the tree).
  virtual Result<Entry> GetEntry(std::uint64_t index) = 0;
  // Indexes of the entries with this leaf hash, ascending (usually one).
  virtual Result<std::vector<std::uint64_t>> FindByLeafHash(const Hash& leaf_hash) = 0;

  // Proofs against the tree of `tree_size` leaves, which must not exceed
  // Size(). Errors: invalid_argument (index >= tree_size, size1 == 0,
  // size1 > size2), not_found (tree_size beyond the log).
  virtual Result<std::vector<Hash>> InclusionProof(std::uint64_t index,
                                                   std::uint64_t tree_size) = 0;
  virtual Result<std::vector<Hash>> ConsistencyProof(std::uint64_t size1, std::uint64_t size2) = 0;
  // Root hash of the tree of `tree_size` leaves. Errors: not_found.
  virtual Result<Hash> RootAt(std::uint64_t tree_size) = 0;

  // Bytes of a tile or entry bundle (C2SP tlog-tiles). Errors: not_found
  // when the tile is not available in the committed tree.
  virtual Result<std::string> ReadTile(const TileId& tile) = 0;
};

}  // namespace digitrade::ledger
