#include "ledger/internal/log_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>

#include "ledger/tile.h"

namespace digitrade::ledger::internal {
namespace {

using storage::Bytes;
using storage::Executor;
using storage::Params;
using storage::Value;

Bytes ToBytes(const Hash& h) {
  return Bytes(h.begin(), h.end());
}
Bytes ToBytes(std::string_view s) {
  return Bytes(s.begin(), s.end());
}
std::string ToString(const Bytes& b) {
  return std::string(b.begin(), b.end());
}
Value Int(std::uint64_t v) {
  return Value(static_cast<std::int64_t>(v));
}

Result<Hash> HashColumn(const storage::Row& row, std::string_view column) {
  auto h = HashFromBytes(row.Blob(column));
  if (!h) return DataLoss(std::string(column) + " is not a 32-byte hash");
  return *h;
}

// Entries go in multi-row INSERTs of a few fixed sizes, so each connection
// caches at most this many distinct statements.
constexpr std::array<std::size_t, 5> kChunkRows = {256, 64, 16, 4, 1};

// "INSERT INTO <table> (log_id, a, b) VALUES ($1,$2,$3),($4,$5,$6),..." for
// three-column rows, one statement text per chunk size.
class ChunkedInsert {
 public:
  explicit ChunkedInsert(std::string_view head) {
    for (std::size_t c = 0; c < kChunkRows.size(); ++c) {
      std::string sql(head);
      for (std::size_t r = 0; r < kChunkRows[c]; ++r) {
        sql += fmt::format("{}(${},${},${})", r == 0 ? " VALUES " : ",", r * 3 + 1, r * 3 + 2,
                           r * 3 + 3);
      }
      sql_[c] = std::move(sql);
    }
  }

  // Inserts `n` rows; `row(i, params)` appends row i's last two values.
  template <typename RowFn>
  Status Run(Executor& ex, std::int64_t log_id, std::size_t n, RowFn row) const {
    for (std::size_t done = 0; done < n;) {
      std::size_t c = 0;
      while (kChunkRows[c] > n - done) ++c;
      Params params;
      params.reserve(kChunkRows[c] * 3);
      for (std::size_t i = done; i < done + kChunkRows[c]; ++i) {
        params.emplace_back(log_id);
        row(i, params);
      }
      DT_TRY(ex.Execute(sql_[c], params));
      done += kChunkRows[c];
    }
    return {};
  }

 private:
  std::array<std::string, kChunkRows.size()> sql_;
};

Status InsertEntries(Executor& ex, std::int64_t log_id, const BatchWrite& b) {
  static const ChunkedInsert kInsert("INSERT INTO ledger_entries (log_id, idx, data)");
  return kInsert.Run(ex, log_id, b.leaves.size(), [&](std::size_t i, Params& p) {
    p.push_back(Int(b.old_size + i));
    p.emplace_back(ToBytes(b.leaves[i]));
  });
}

Status InsertIndex(Executor& ex, std::int64_t log_id,
                   const std::vector<std::pair<std::int64_t, std::uint64_t>>& keys) {
  static const ChunkedInsert kInsert("INSERT INTO ledger_leaf_index (log_id, hash_prefix, idx)");
  return kInsert.Run(ex, log_id, keys.size(), [&](std::size_t i, Params& p) {
    p.emplace_back(keys[i].first);
    p.push_back(Int(keys[i].second));
  });
}

Status WriteTiles(Executor& ex, std::int64_t log_id, const std::vector<TileWrite>& tiles) {
  for (const TileWrite& t : tiles) {
    const std::string bytes = TileBytes(t.hashes);
    DT_TRY(
        ex.Execute("INSERT INTO ledger_tiles (log_id, level, idx, hashes) VALUES ($1, $2, $3, $4) "
                   "ON CONFLICT (log_id, level, idx) DO UPDATE SET hashes = excluded.hashes",
                   {log_id, static_cast<std::int64_t>(t.level), Int(t.index), ToBytes(bytes)}));
  }
  return {};
}

Result<LogRow> RowToLog(const storage::Row& r) {
  LogRow log;
  log.log_id = r.Int("log_id");
  log.origin = r.Text("origin");
  log.hash_alg = r.Text("hash_alg");
  log.size = static_cast<std::uint64_t>(r.Int("tree_size"));
  DT_ASSIGN_OR_RETURN(log.root, HashColumn(r, "root"));
  log.checkpoint = r.Text("checkpoint");
  log.lease_holder = r.Text("lease_holder");
  log.lease_expires = r.Int("lease_expires");
  log.indexed_size = static_cast<std::uint64_t>(r.Int("indexed_size"));
  return log;
}

constexpr const char* kSelectLog =
    "SELECT log_id, origin, hash_alg, tree_size, root, checkpoint, lease_holder, lease_expires, "
    "indexed_size FROM ledger_logs ";

Result<std::optional<LogRow>> FindByOrigin(Executor& ex, const std::string& origin) {
  DT_ASSIGN_OR_RETURN(auto rs, ex.Query(std::string(kSelectLog) + "WHERE origin = $1", {origin}));
  if (rs.empty()) return std::optional<LogRow>();
  DT_ASSIGN_OR_RETURN(LogRow row, RowToLog(rs.rows.front()));
  return std::optional<LogRow>(std::move(row));
}

Status InsertLog(Executor& ex, const LogRow& row, std::int64_t now) {
  DT_ASSIGN_OR_RETURN(auto next,
                      ex.Query("SELECT COALESCE(MAX(log_id), 0) + 1 AS next FROM ledger_logs"));
  const std::int64_t id = next.rows.front().Int("next");
  DT_TRY(
      ex.Execute("INSERT INTO ledger_logs (log_id, origin, hash_alg, tree_size, root, checkpoint, "
                 "lease_holder, lease_expires, indexed_size, created_at) "
                 "VALUES ($1, $2, $3, 0, $4, $5, '', 0, 0, $6)",
                 {id, row.origin, row.hash_alg, ToBytes(row.root), row.checkpoint, now}));
  DT_TRY(
      ex.Execute("INSERT INTO ledger_checkpoints (log_id, tree_size, note, published_at) "
                 "VALUES ($1, 0, $2, $3)",
                 {id, row.checkpoint, now}));
  return {};
}

}  // namespace

std::int64_t HashPrefix(const Hash& h) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | h[static_cast<std::size_t>(i)];
  return static_cast<std::int64_t>(v);
}

Result<LogRow> LogStore::CreateOrLoad(storage::Database& db, const LogRow& row, std::int64_t now) {
  std::optional<LogRow> found;
  auto st = db.Transact([&](Executor& ex) -> Status {
    DT_ASSIGN_OR_RETURN(found, FindByOrigin(ex, row.origin));
    if (found) return {};
    return InsertLog(ex, row, now);
  });
  // Another instance created it at the same moment: read theirs.
  if (!st && st.error().code() != ErrorCode::kAlreadyExists) return std::unexpected(st.error());
  if (found) return *found;
  DT_ASSIGN_OR_RETURN(found, FindByOrigin(db, row.origin));
  if (!found) return Internal("log " + row.origin + " vanished after creation");
  return *found;
}

Result<LogRow> LogStore::Load() {
  DT_ASSIGN_OR_RETURN(auto rs, db_.Query(std::string(kSelectLog) + "WHERE log_id = $1", {log_id_}));
  if (rs.empty()) return NotFound("log " + std::to_string(log_id_) + " is not in the database");
  return RowToLog(rs.rows.front());
}

Result<bool> LogStore::TryAcquireLease(const std::string& me, std::int64_t now,
                                       std::int64_t expires) {
  DT_ASSIGN_OR_RETURN(
      std::int64_t n,
      db_.Execute("UPDATE ledger_logs SET lease_holder = $1, lease_expires = $2 "
                  "WHERE log_id = $3 AND (lease_holder = $1 OR lease_holder = '' OR "
                  "lease_expires < $4)",
                  {me, expires, log_id_, now}));
  return n == 1;
}

Status LogStore::ReleaseLease(const std::string& me) {
  DT_TRY(
      db_.Execute("UPDATE ledger_logs SET lease_holder = '', lease_expires = 0 "
                  "WHERE log_id = $1 AND lease_holder = $2",
                  {log_id_, me}));
  return {};
}

Status LogStore::CommitBatch(const std::string& me, BatchWrite& b, const FillBatch& fill) {
  return db_.Transact([&](Executor& ex) -> Status {
    // First, so that on PostgreSQL the row lock orders competing writers.
    DT_ASSIGN_OR_RETURN(
        std::int64_t fenced,
        ex.Execute("UPDATE ledger_logs SET lease_expires = $1 WHERE log_id = $2 AND "
                   "tree_size = $3 AND lease_holder = $4",
                   {b.lease_expires, log_id_, Int(b.old_size), me}));
    if (fenced != 1) {
      return Conflict("the log moved on without this sequencer (lease lost or tree changed)");
    }
    DT_TRY(fill(ex, b));
    DT_TRY(
        ex.Execute("UPDATE ledger_logs SET tree_size = $1, root = $2, checkpoint = $3 "
                   "WHERE log_id = $4",
                   {Int(b.new_size), ToBytes(b.root), b.checkpoint, log_id_}));
    DT_TRY(InsertEntries(ex, log_id_, b));
    DT_TRY(WriteTiles(ex, log_id_, b.tiles));
    for (const auto& [row, index] : b.assigned) {
      DT_TRY(ex.Execute(
          "UPDATE ledger_pending SET idx = $1 WHERE log_id = $2 AND submitter = $3 AND seq = $4",
          {Int(index), log_id_, row.submitter, row.seq}));
    }
    if (b.publish) {
      DT_TRY(
          ex.Execute("INSERT INTO ledger_checkpoints (log_id, tree_size, note, published_at) "
                     "VALUES ($1, $2, $3, $4) ON CONFLICT (log_id, tree_size) DO NOTHING",
                     {log_id_, Int(b.new_size), b.checkpoint, b.now}));
    }
    return {};
  });
}

Result<std::vector<Hash>> LogStore::ReadTileHashes(unsigned level, std::uint64_t index) {
  DT_ASSIGN_OR_RETURN(
      auto rs, db_.Query("SELECT hashes FROM ledger_tiles WHERE log_id = $1 AND level = $2 AND "
                         "idx = $3",
                         {log_id_, static_cast<std::int64_t>(level), Int(index)}));
  if (rs.empty()) return NotFound("tile " + std::to_string(level) + "/" + std::to_string(index));
  const Bytes b = rs.rows.front().Blob("hashes");
  auto hashes = TileHashesFromBytes(b);
  if (!hashes) return DataLoss("stored tile: " + hashes.error().message());
  return std::move(*hashes);
}

Result<std::vector<std::vector<Hash>>> LogStore::ReadPartialTiles(std::uint64_t size) {
  std::vector<std::vector<Hash>> out;
  for (unsigned level = 0; LevelHashCount(size, level) > 0; ++level) {
    const unsigned width = PartialTileWidth(size, level);
    if (width == 0) {
      out.emplace_back();
      continue;
    }
    auto tile = ReadTileHashes(level, LevelHashCount(size, level) / kTileWidth);
    if (!tile && tile.error().code() == ErrorCode::kNotFound) {
      return DataLoss("partial tile at level " + std::to_string(level) + " is missing");
    }
    if (!tile) return std::unexpected(tile.error());
    if (tile->size() < width) {
      return DataLoss("partial tile at level " + std::to_string(level) + " is too short");
    }
    tile->resize(width);
    out.push_back(std::move(*tile));
  }
  return out;
}

Result<std::vector<std::string>> LogStore::ReadLeaves(std::uint64_t begin, std::uint64_t end) {
  DT_ASSIGN_OR_RETURN(auto rs, db_.Query("SELECT idx, data FROM ledger_entries WHERE log_id = $1 "
                                         "AND idx >= $2 AND idx < $3 ORDER BY idx",
                                         {log_id_, Int(begin), Int(end)}));
  std::vector<std::string> leaves;
  leaves.reserve(rs.rows.size());
  for (const auto& row : rs.rows) {
    if (static_cast<std::uint64_t>(row.Int("idx")) != begin + leaves.size()) break;
    leaves.push_back(ToString(row.Blob("data")));
  }
  if (leaves.size() != end - begin) {
    return DataLoss("entry " + std::to_string(begin + leaves.size()) + " is missing");
  }
  return leaves;
}

Result<std::vector<std::uint64_t>> LogStore::FindIndexed(const Hash& h) {
  DT_ASSIGN_OR_RETURN(auto rs, db_.Query("SELECT idx FROM ledger_leaf_index WHERE log_id = $1 "
                                         "AND hash_prefix = $2 ORDER BY idx",
                                         {log_id_, HashPrefix(h)}));
  std::vector<std::uint64_t> out;
  for (const auto& row : rs.rows) out.push_back(static_cast<std::uint64_t>(row.Int("idx")));
  return out;
}

Status LogStore::IndexLeaves(std::uint64_t from, const std::vector<Hash>& leaf_hashes) {
  std::vector<std::pair<std::int64_t, std::uint64_t>> keys;
  keys.reserve(leaf_hashes.size());
  for (std::size_t i = 0; i < leaf_hashes.size(); ++i) {
    keys.emplace_back(HashPrefix(leaf_hashes[i]), from + i);
  }
  std::sort(keys.begin(), keys.end());  // B-tree order: neighbours share pages
  return db_.Transact([&](Executor& ex) -> Status {
    DT_ASSIGN_OR_RETURN(std::int64_t moved,
                        ex.Execute("UPDATE ledger_logs SET indexed_size = $1 WHERE log_id = $2 "
                                   "AND indexed_size = $3",
                                   {Int(from + leaf_hashes.size()), log_id_, Int(from)}));
    if (moved != 1) return Conflict("another indexer moved the leaf index");
    return InsertIndex(ex, log_id_, keys);
  });
}

Result<std::string> LogStore::LatestPublished() {
  DT_ASSIGN_OR_RETURN(auto rs, db_.Query("SELECT note FROM ledger_checkpoints WHERE log_id = $1 "
                                         "ORDER BY tree_size DESC LIMIT 1",
                                         {log_id_}));
  if (rs.empty()) return DataLoss("log has no published checkpoint");
  return rs.rows.front().Text("note");
}

Result<std::pair<std::uint64_t, std::int64_t>> LogStore::LastPublished() {
  DT_ASSIGN_OR_RETURN(auto rs, db_.Query("SELECT tree_size, published_at FROM ledger_checkpoints "
                                         "WHERE log_id = $1 ORDER BY tree_size DESC LIMIT 1",
                                         {log_id_}));
  if (rs.empty()) return DataLoss("log has no published checkpoint");
  const auto& row = rs.rows.front();
  return std::make_pair(static_cast<std::uint64_t>(row.Int("tree_size")), row.Int("published_at"));
}

Status LogStore::PublishCurrent(std::int64_t now) {
  DT_TRY(
      db_.Execute("INSERT INTO ledger_checkpoints (log_id, tree_size, note, published_at) "
                  "SELECT log_id, tree_size, checkpoint, $2 FROM ledger_logs WHERE log_id = $1 "
                  "ON CONFLICT (log_id, tree_size) DO NOTHING",
                  {log_id_, now}));
  return {};
}

Result<std::int64_t> LogStore::NextSeq(const std::string& submitter) {
  DT_ASSIGN_OR_RETURN(auto rs, db_.Query("SELECT COALESCE(MAX(seq), -1) + 1 AS next FROM "
                                         "ledger_pending WHERE log_id = $1 AND submitter = $2",
                                         {log_id_, submitter}));
  return rs.rows.front().Int("next");
}

Status LogStore::InsertPending(std::int64_t now, const BuildPending& build) {
  return db_.Transact([&](Executor& ex) -> Status {
    DT_ASSIGN_OR_RETURN(const std::vector<PendingRow> rows, build(ex));
    for (const PendingRow& r : rows) {
      DT_TRY(
          ex.Execute("INSERT INTO ledger_pending (log_id, submitter, seq, data, idx, created_at) "
                     "VALUES ($1, $2, $3, $4, NULL, $5)",
                     {log_id_, r.submitter, r.seq, ToBytes(r.leaf), now}));
    }
    return {};
  });
}

Result<std::vector<PendingRow>> LogStore::ReadUnassigned(std::size_t limit) {
  DT_ASSIGN_OR_RETURN(
      auto rs, db_.Query("SELECT submitter, seq, data FROM ledger_pending WHERE log_id = $1 AND "
                         "idx IS NULL ORDER BY created_at, submitter, seq LIMIT $2",
                         {log_id_, static_cast<std::int64_t>(limit)}));
  std::vector<PendingRow> out;
  for (const auto& row : rs.rows) {
    out.push_back({row.Text("submitter"), row.Int("seq"), ToString(row.Blob("data"))});
  }
  return out;
}

Result<std::vector<std::pair<std::int64_t, std::uint64_t>>> LogStore::TakeAssigned(
    const std::string& submitter) {
  DT_ASSIGN_OR_RETURN(auto rs,
                      db_.Query("DELETE FROM ledger_pending WHERE log_id = $1 AND submitter = $2 "
                                "AND idx IS NOT NULL RETURNING seq, idx",
                                {log_id_, submitter}));
  std::vector<std::pair<std::int64_t, std::uint64_t>> out;
  for (const auto& row : rs.rows) {
    out.emplace_back(row.Int("seq"), static_cast<std::uint64_t>(row.Int("idx")));
  }
  return out;
}

Result<std::int64_t> LogStore::DeleteUncollected(std::int64_t created_before) {
  return db_.Execute(
      "DELETE FROM ledger_pending WHERE log_id = $1 AND idx IS NOT NULL AND created_at < $2",
      {log_id_, created_before});
}

}  // namespace digitrade::ledger::internal
