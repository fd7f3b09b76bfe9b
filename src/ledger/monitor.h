// Following a remote log without trusting it: verify each checkpoint it
// publishes and check, from its tiles, that each is consistent with the one
// seen before. A log that signs two inconsistent checkpoints has forked (or
// rewritten history); the two signed notes are the evidence.
//
// Thread-safety: a LogMonitor is used by one thread. The LogFetcher must
// outlive it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "ledger/note.h"

namespace digitrade::ledger {

// Reads a log's static resources by path below its prefix: "checkpoint",
// "tile/0/x001/234.p/7", "tile/entries/000". Errors: not_found, unavailable.
class LogFetcher {
 public:
  virtual ~LogFetcher() = default;
  virtual Result<std::string> Fetch(std::string_view path) = 0;
};

// Proofs computed from the tiles of the remote tree of `tree_size` leaves.
// The tiles are not trusted: verify the result against signed roots.
// Errors: the fetcher's, invalid_argument for a tile of the wrong size.
Result<std::vector<Hash>> FetchInclusionProof(const TreeHasher& hasher, LogFetcher& fetcher,
                                              std::uint64_t index, std::uint64_t tree_size);
Result<std::vector<Hash>> FetchConsistencyProof(const TreeHasher& hasher, LogFetcher& fetcher,
                                                std::uint64_t size1, std::uint64_t size2);

struct SignedCheckpoint {
  Checkpoint checkpoint;
  std::string note;
};

enum class MonitorVerdict {
  kFirst,      // nothing seen before: this checkpoint is now the reference
  kUnchanged,  // same tree
  kGrew,       // a larger tree, proven consistent with the last one
  kStale,      // an older tree than already seen (cache, replica): ignored
};

class LogMonitor {
 public:
  LogMonitor(TreeHasher hasher, NoteVerifier verifier, LogFetcher& fetcher)
      : hasher_(hasher), verifier_(std::move(verifier)), fetcher_(fetcher) {}

  // Starts from a checkpoint verified earlier (e.g. kept in a state file).
  // Errors: those of OpenCheckpoint.
  Status Trust(std::string_view note);

  // Fetches and checks the current checkpoint. Errors: unauthenticated or
  // invalid_argument (a checkpoint that does not verify or parse),
  // unavailable (fetching failed), data_loss (the log is inconsistent with
  // its previous checkpoint: the message names both sizes, and
  // last()/evidence() hold the two notes).
  Result<MonitorVerdict> Poll();

  const std::optional<SignedCheckpoint>& last() const { return last_; }
  // After a data_loss: the conflicting checkpoint.
  const std::optional<SignedCheckpoint>& evidence() const { return evidence_; }

 private:
  Result<SignedCheckpoint> OpenNote(std::string note) const;

  TreeHasher hasher_;
  NoteVerifier verifier_;
  LogFetcher& fetcher_;
  std::optional<SignedCheckpoint> last_;
  std::optional<SignedCheckpoint> evidence_;
};

}  // namespace digitrade::ledger
