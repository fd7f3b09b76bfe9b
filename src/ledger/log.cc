#include "ledger/log.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "ledger/internal/indexer.h"
#include "ledger/internal/log_store.h"
#include "ledger/internal/proof_builder.h"
#include "ledger/internal/schema.h"
#include "ledger/internal/sequencer.h"
#include "ledger/internal/tile_reader.h"

namespace digitrade::ledger {
namespace {

constexpr std::size_t kMaxKindSize = 64;

bool IsKindChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '/' ||
         c == '-';
}

Status CheckKind(std::string_view kind) {
  if (kind.empty() || kind.size() > kMaxKindSize || !std::ranges::all_of(kind, IsKindChar) ||
      !std::isalnum(static_cast<unsigned char>(kind[0]))) {
    return InvalidArgument("entry kind \"" + std::string(kind.substr(0, kMaxKindSize)) +
                           "\" is not 1-64 of a-z 0-9 . _ / - starting with a letter or digit");
  }
  return {};
}

std::int64_t UnixMicros(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock.Now().time_since_epoch())
      .count();
}

class LogImpl final : public Log {
 public:
  LogImpl(storage::Database& db, const Clock& clock, NoteSigner signer, TreeHasher hasher,
          LogOptions options, std::int64_t log_id)
      : signer_(std::move(signer)),
        hasher_(hasher),
        store_(db, log_id),
        reader_(hasher, store_),
        sequencer_(store_, clock, signer_, hasher, options),
        indexer_(store_),
        clock_(clock) {}

  Status Start(std::chrono::milliseconds index_interval) {
    DT_TRY(sequencer_.Start());
    if (index_interval.count() > 0) {
      indexer_.Start(index_interval, [this] { return sequencer_.is_leader(); });
    }
    return {};
  }

  const std::string& origin() const override { return signer_.name(); }
  const TreeHasher& hasher() const override { return hasher_; }
  NoteVerifier verifier() const override { return signer_.Verifier(); }
  bool sequencing() const override { return sequencer_.is_leader(); }

  Result<AppendResult> Append(std::string_view kind, std::string_view data) override {
    DT_ASSIGN_OR_RETURN(std::string leaf, EncodeLeaf(kind, data));
    auto appended = sequencer_.Submit(std::move(leaf), nullptr);
    if (!appended) return std::unexpected(std::move(appended.error()));
    if (!appended->has_value()) return Internal("an append without a guard was declined");
    return std::move(appended->value());
  }

  Result<std::optional<AppendResult>> AppendIf(std::string_view kind, std::string_view data,
                                               const AppendGuard& guard) override {
    DT_ASSIGN_OR_RETURN(std::string leaf, EncodeLeaf(kind, data));
    return sequencer_.Submit(std::move(leaf), &guard);
  }

  void AppendIfAsync(std::string_view kind, std::string_view data, AppendGuard guard,
                     AppendCallback done) override {
    auto leaf = EncodeLeaf(kind, data);
    if (!leaf) return done(std::unexpected(std::move(leaf.error())));
    sequencer_.SubmitAsync(std::move(*leaf), std::move(guard), std::move(done));
  }

  Result<std::string> Checkpoint() override { return store_.LatestPublished(); }

  Result<std::string> PublishCheckpoint() override {
    DT_TRY(store_.PublishCurrent(UnixMicros(clock_)));
    return store_.LatestPublished();
  }

  Result<std::uint64_t> Size() override {
    DT_ASSIGN_OR_RETURN(internal::LogRow row, store_.Load());
    return row.size;
  }

  Result<Entry> GetEntry(std::uint64_t index) override {
    DT_TRY(RequireIndex(index));
    DT_ASSIGN_OR_RETURN(auto leaves, store_.ReadLeaves(index, index + 1));
    return DecodeLeaf(index, leaves.front());
  }

  Result<std::vector<std::uint64_t>> FindByLeafHash(const Hash& leaf_hash) override {
    DT_ASSIGN_OR_RETURN(internal::LogRow row, store_.Load());
    return internal::FindLeaf(store_, leaf_hash, row.size, row.indexed_size);
  }

  Result<std::vector<Hash>> InclusionProof(std::uint64_t index, std::uint64_t tree_size) override {
    if (index >= tree_size) {
      return InvalidArgument("index " + std::to_string(index) + " is not below tree size " +
                             std::to_string(tree_size));
    }
    DT_TRY(RequireSize(tree_size, "tree size " + std::to_string(tree_size)));
    return internal::BuildInclusionProof(hasher_, reader_, index, tree_size);
  }

  Result<std::vector<Hash>> ConsistencyProof(std::uint64_t size1, std::uint64_t size2) override {
    if (size1 == 0 || size1 > size2) {
      return InvalidArgument("a consistency proof needs 0 < size1 <= size2");
    }
    DT_TRY(RequireSize(size2, "tree size " + std::to_string(size2)));
    return internal::BuildConsistencyProof(hasher_, reader_, size1, size2);
  }

  Result<Hash> RootAt(std::uint64_t tree_size) override {
    DT_TRY(RequireSize(tree_size, "tree size " + std::to_string(tree_size)));
    return internal::TreeRoot(hasher_, reader_, tree_size);
  }

  Result<std::string> ReadTile(const TileId& tile) override {
    DT_ASSIGN_OR_RETURN(std::uint64_t size, Size());
    if (!TileAvailable(tile, size)) {
      return NotFound(TilePath(tile) + " is not in the tree of size " + std::to_string(size));
    }
    if (tile.entries) {
      const std::uint64_t begin = tile.index * kTileWidth;
      DT_ASSIGN_OR_RETURN(auto leaves, store_.ReadLeaves(begin, begin + tile.width));
      return EncodeEntryBundle(leaves);
    }
    DT_ASSIGN_OR_RETURN(auto hashes, store_.ReadTileHashes(tile.level, tile.index));
    if (hashes.size() < tile.width) return DataLoss(TilePath(tile) + " is shorter than the tree");
    return TileBytes(std::span(hashes).first(tile.width));
  }

 private:
  Status RequireIndex(std::uint64_t index) {
    DT_ASSIGN_OR_RETURN(std::uint64_t size, Size());
    if (index >= size) {
      return NotFound("entry " + std::to_string(index) + " is beyond the log (size " +
                      std::to_string(size) + ")");
    }
    return {};
  }

  Status RequireSize(std::uint64_t needed, const std::string& what) {
    DT_ASSIGN_OR_RETURN(std::uint64_t size, Size());
    if (needed > size) {
      return NotFound(what + " is beyond the log (size " + std::to_string(size) + ")");
    }
    return {};
  }

  const NoteSigner signer_;
  const TreeHasher hasher_;
  internal::LogStore store_;
  internal::TileNodeReader reader_;
  internal::Sequencer sequencer_;
  internal::Indexer indexer_;  // declared last of the workers: stops first
  const Clock& clock_;
};

// The stored tree head must be ours: signed by this key, for this origin.
Status CheckStoredHead(const internal::LogRow& row, const NoteSigner& signer,
                       const TreeHasher& hasher) {
  if (row.hash_alg != crypto::HashName(hasher.algorithm())) {
    return FailedPrecondition("log " + row.origin + " hashes with " + row.hash_alg + ", not " +
                              std::string(crypto::HashName(hasher.algorithm())));
  }
  const NoteVerifier verifier = signer.Verifier();
  auto head = OpenCheckpoint(row.checkpoint, row.origin, std::span(&verifier, 1));
  if (!head) {
    return FailedPrecondition("stored checkpoint of " + row.origin +
                              " does not verify with this key: " + head.error().message());
  }
  if (head->size != row.size || head->root != row.root) {
    return DataLoss("stored checkpoint of " + row.origin + " disagrees with the tree head");
  }
  return {};
}

}  // namespace

Result<std::string> EncodeLeaf(std::string_view kind, std::string_view data) {
  DT_TRY(CheckKind(kind));
  if (kind.size() + 1 + data.size() > kMaxEntrySize) {
    return ResourceExhausted("entry of " + std::to_string(kind.size() + 1 + data.size()) +
                             " bytes exceeds the 65535-byte limit");
  }
  std::string leaf;
  leaf.reserve(kind.size() + 1 + data.size());
  leaf.append(kind).append(1, '\n').append(data);
  return leaf;
}

Result<Entry> DecodeLeaf(std::uint64_t index, std::string_view leaf) {
  const std::size_t nl = leaf.find('\n');
  if (nl == std::string_view::npos) return InvalidArgument("leaf has no kind line");
  DT_TRY(CheckKind(leaf.substr(0, nl)));
  return Entry{index, std::string(leaf.substr(0, nl)), std::string(leaf.substr(nl + 1))};
}

std::vector<storage::Migration> Log::Migrations() {
  return internal::LedgerMigrations();
}

Result<std::unique_ptr<Log>> Log::Open(storage::Database& db, const Clock& clock, NoteSigner signer,
                                       LogOptions options) {
  DT_ASSIGN_OR_RETURN(TreeHasher hasher, TreeHasher::Create(options.hash));
  if (options.max_batch == 0 || options.instance_id.empty()) {
    return InvalidArgument("log options need max_batch > 0 and an instance id");
  }
  const Hash empty = hasher.EmptyRoot();
  DT_ASSIGN_OR_RETURN(std::string first,
                      SignNote(ledger::Checkpoint{signer.name(), 0, empty, {}}.ToText(),
                               std::span<const NoteSigner>(&signer, 1)));
  internal::LogRow want;
  want.origin = signer.name();
  want.hash_alg = std::string(crypto::HashName(hasher.algorithm()));
  want.root = empty;
  want.checkpoint = first;
  DT_ASSIGN_OR_RETURN(internal::LogRow row,
                      internal::LogStore::CreateOrLoad(db, want, UnixMicros(clock)));
  DT_TRY(CheckStoredHead(row, signer, hasher));
  const auto index_interval = options.index_interval;
  auto log = std::make_unique<LogImpl>(db, clock, std::move(signer), hasher, std::move(options),
                                       row.log_id);
  DT_TRY(log->Start(index_interval));
  return std::unique_ptr<Log>(std::move(log));
}

}  // namespace digitrade::ledger
