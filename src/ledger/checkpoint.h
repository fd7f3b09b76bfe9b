// C2SP tlog-checkpoint v1.0.0: the signed tree head of a log.
//
// The note text is the origin line, the tree size in decimal (no leading
// zeroes), the base64 root hash, and optional non-empty extension lines:
//
//   example.com/log42
//   20852163
//   CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
//
// Thread-safety: value type and pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ledger/merkle.h"
#include "ledger/note.h"

namespace digitrade::ledger {

// Tree sizes are kept within int64 so that every checkpoint we write can be
// read by verifiers that use signed 64-bit sizes (Go's sumdb/tlog does).
inline constexpr std::uint64_t kMaxTreeSize = (std::uint64_t{1} << 63) - 1;

struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;

  // The note text (ends in a newline).
  std::string ToText() const;

  // Parses note text. Errors: invalid_argument naming the bad line.
  static Result<Checkpoint> Parse(std::string_view text);

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// Opens a signed checkpoint: the note must verify (see OpenNote), its text
// must parse, and its origin must be `origin`. Errors: those of OpenNote and
// Parse, and failed_precondition for another origin.
Result<Checkpoint> OpenCheckpoint(std::string_view signed_note, std::string_view origin,
                                  std::span<const NoteVerifier> verifiers);

}  // namespace digitrade::ledger
