// SQL for one log: the only code that knows the ledger's tables.
//
// Statements are portable (SQLite and PostgreSQL) and bound, never spliced.
// The batch write is fenced: it updates the log row only if the tree still has
// the size the sequencer started from and this instance still holds the
// lease, so two sequencers can never both extend the same tree.
//
// Thread-safety: safe from many threads (the Database is); holds no state
// beyond the log's id.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "crypto/hash.h"
#include "ledger/internal/right_edge.h"
#include "ledger/internal/tile_reader.h"
#include "ledger/merkle.h"
#include "storage/database.h"

namespace digitrade::ledger::internal {

struct LogRow {
  std::int64_t log_id = 0;
  std::string origin;
  std::string hash_alg;
  std::uint64_t size = 0;
  Hash root{};
  std::string checkpoint;  // latest signed note
  std::string lease_holder;
  std::int64_t lease_expires = 0;  // Unix microseconds
  std::uint64_t indexed_size = 0;  // entries [0, indexed_size) are in the leaf index
};

// A forwarded append waiting in the database for the sequencer.
struct PendingRow {
  std::string submitter;
  std::int64_t seq = 0;
  std::string leaf;
};

struct BatchWrite {
  std::uint64_t old_size = 0;
  std::uint64_t new_size = 0;
  Hash root{};
  std::string checkpoint;
  std::int64_t lease_expires = 0;
  std::vector<std::string> leaves;  // entries old_size .. new_size-1
  std::vector<Hash> leaf_hashes;
  std::vector<TileWrite> tiles;
  // Forwarded rows in this batch with the index each got.
  std::vector<std::pair<PendingRow, std::uint64_t>> assigned;
  bool publish = false;
  std::int64_t now = 0;
};

class LogStore final : public TileSource {
 public:
  LogStore(storage::Database& db, std::int64_t log_id) : db_(db), log_id_(log_id) {}

  // Finds the log by origin, or creates it with `row`'s fields (size 0) and
  // publishes its first checkpoint. Returns the stored row.
  static Result<LogRow> CreateOrLoad(storage::Database& db, const LogRow& row, std::int64_t now);

  std::int64_t log_id() const { return log_id_; }

  Result<LogRow> Load();

  // Takes or renews the lease if free, expired or already ours.
  Result<bool> TryAcquireLease(const std::string& me, std::int64_t now, std::int64_t expires);
  Status ReleaseLease(const std::string& me);

  // One transaction: fences first (this instance holds the lease and the
  // tree is still at batch.old_size; on PostgreSQL this row lock orders
  // competing writers), then runs `fill`, which completes the batch and may
  // write domain rows in the same transaction (guarded appends), then writes
  // the batch. Errors: conflict when fenced out (another sequencer, or the
  // lease lost), errors of `fill`, storage errors.
  using FillBatch = std::function<Status(storage::Executor&, BatchWrite&)>;
  Status CommitBatch(const std::string& me, BatchWrite& batch, const FillBatch& fill);

  // Partial tiles of every level of a tree of `size` (see RightEdge).
  Result<std::vector<std::vector<Hash>>> ReadPartialTiles(std::uint64_t size);
  Result<std::vector<Hash>> ReadTileHashes(unsigned level, std::uint64_t index) override;

  // Leaves [begin, end); errors: data_loss if any is missing.
  Result<std::vector<std::string>> ReadLeaves(std::uint64_t begin, std::uint64_t end);
  // Indexes of indexed entries whose leaf hash starts with h's first 8 bytes.
  Result<std::vector<std::uint64_t>> FindIndexed(const Hash& h);
  // Adds entries from, from+1, ... with these leaf hashes to the leaf index
  // and moves indexed_size past them. Errors: conflict if indexed_size is
  // not `from` (another indexer got there first).
  Status IndexLeaves(std::uint64_t from, const std::vector<Hash>& leaf_hashes);

  Result<std::string> LatestPublished();
  // Records the current signed checkpoint as published (idempotent).
  Status PublishCurrent(std::int64_t now);
  // Tree size and time (Unix microseconds) of the latest publication.
  Result<std::pair<std::uint64_t, std::int64_t>> LastPublished();

  // Forwarding through the database. NextSeq: first free sequence number of
  // `submitter` (rows of an earlier run of the same instance may remain).
  Result<std::int64_t> NextSeq(const std::string& submitter);
  // Inserts the rows `build` returns, in the transaction `build` ran in (it
  // may write domain rows: guarded appends).
  using BuildPending = std::function<Result<std::vector<PendingRow>>(storage::Executor&)>;
  Status InsertPending(std::int64_t now, const BuildPending& build);
  Result<std::vector<PendingRow>> ReadUnassigned(std::size_t limit);
  // (seq, index) of this submitter's rows that have been sequenced; deletes them.
  Result<std::vector<std::pair<std::int64_t, std::uint64_t>>> TakeAssigned(
      const std::string& submitter);
  // Deletes sequenced rows forwarded before `created_before` (Unix µs) that
  // no submitter collected: their server stopped before it could. Returns
  // how many.
  Result<std::int64_t> DeleteUncollected(std::int64_t created_before);

 private:
  storage::Database& db_;
  const std::int64_t log_id_;
};

// First 8 bytes of a leaf hash as a signed integer, the lookup key.
std::int64_t HashPrefix(const Hash& h);

}  // namespace digitrade::ledger::internal
