#include "ledger/monitor.h"

#include <string>

#include "ledger/internal/proof_builder.h"
#include "ledger/internal/tile_reader.h"
#include "ledger/tile.h"

namespace digitrade::ledger {
namespace {

// The tiles of one remote tree size: full tiles, and the partial ones of
// exactly the width that size implies.
class RemoteTiles final : public internal::TileSource {
 public:
  RemoteTiles(LogFetcher& fetcher, std::uint64_t size) : fetcher_(fetcher), size_(size) {}

  Result<std::vector<Hash>> ReadTileHashes(unsigned level, std::uint64_t index) override {
    const std::uint64_t full = FullTileCount(size_, level);
    const unsigned width = index < full ? kTileWidth : PartialTileWidth(size_, level);
    if (index > full || width == 0) return NotFound("no such tile in the remote tree");
    const TileId tile{false, level, index, width};
    DT_ASSIGN_OR_RETURN(std::string bytes, fetcher_.Fetch(TilePath(tile)));
    DT_ASSIGN_OR_RETURN(auto hashes, TileHashesFromBytes(AsBytes(bytes)));
    if (hashes.size() != width) {
      return InvalidArgument(TilePath(tile) + " has " + std::to_string(hashes.size()) + " hashes");
    }
    return hashes;
  }

 private:
  LogFetcher& fetcher_;
  const std::uint64_t size_;
};

}  // namespace

Result<std::vector<Hash>> FetchInclusionProof(const TreeHasher& hasher, LogFetcher& fetcher,
                                              std::uint64_t index, std::uint64_t tree_size) {
  RemoteTiles tiles(fetcher, tree_size);
  internal::TileNodeReader reader(hasher, tiles, 16);
  return internal::BuildInclusionProof(hasher, reader, index, tree_size);
}

Result<std::vector<Hash>> FetchConsistencyProof(const TreeHasher& hasher, LogFetcher& fetcher,
                                                std::uint64_t size1, std::uint64_t size2) {
  RemoteTiles tiles(fetcher, size2);
  internal::TileNodeReader reader(hasher, tiles, 16);
  return internal::BuildConsistencyProof(hasher, reader, size1, size2);
}

Result<SignedCheckpoint> LogMonitor::OpenNote(std::string note) const {
  DT_ASSIGN_OR_RETURN(Checkpoint c,
                      OpenCheckpoint(note, verifier_.name(), std::span(&verifier_, 1)));
  return SignedCheckpoint{std::move(c), std::move(note)};
}

Status LogMonitor::Trust(std::string_view note) {
  DT_ASSIGN_OR_RETURN(last_, OpenNote(std::string(note)));
  return {};
}

Result<MonitorVerdict> LogMonitor::Poll() {
  DT_ASSIGN_OR_RETURN(std::string note, fetcher_.Fetch("checkpoint"));
  DT_ASSIGN_OR_RETURN(SignedCheckpoint next, OpenNote(std::move(note)));
  if (!last_) {
    last_ = std::move(next);
    return MonitorVerdict::kFirst;
  }
  const Checkpoint& a = last_->checkpoint;
  const Checkpoint& b = next.checkpoint;
  auto fork = [&](const std::string& why) -> Result<MonitorVerdict> {
    evidence_ = next;
    return DataLoss("log " + a.origin + " forked: " + why + " (checkpoints of size " +
                    std::to_string(a.size) + " and " + std::to_string(b.size) + ")");
  };
  if (b.size == a.size) {
    if (b.root != a.root) return fork("two different roots for one tree size");
    return MonitorVerdict::kUnchanged;
  }
  if (b.size < a.size) return MonitorVerdict::kStale;
  if (a.size == 0) {
    if (a.root != hasher_.EmptyRoot()) return fork("the empty tree has a wrong root");
    last_ = std::move(next);
    return MonitorVerdict::kGrew;
  }
  auto proof = FetchConsistencyProof(hasher_, fetcher_, a.size, b.size);
  if (!proof) {
    if (proof.error().code() == ErrorCode::kUnavailable) return std::unexpected(proof.error());
    return fork("its tiles give no consistency proof: " + proof.error().message());
  }
  if (auto st = VerifyConsistency(hasher_, a.size, b.size, *proof, a.root, b.root); !st) {
    return fork("consistency proof fails: " + st.error().message());
  }
  last_ = std::move(next);
  return MonitorVerdict::kGrew;
}

}  // namespace digitrade::ledger
