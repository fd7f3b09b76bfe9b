// Checking a proof of current control (Registry::ProveControl) with public
// material only: the log's note verifier key, the parties' public keys and
// read access to the log's entries (its public tiles).
//
// What VerifyControlProof checks (docs/etr.md states the guarantee):
//   1. The checkpoint is signed by the log key and names the log's origin.
//   2. Every link's log entry is included in that checkpoint's tree
//      (RFC 9162 inclusion proof), and says which record, sequence and
//      action hash it is for.
//   3. The chain is contiguous: sequences 0..n, each entry's
//      previousActionHash is the previous entry's actionHash, each
//      actionHash is the SHA-256 of its signed action, whose payload names
//      the same record, sequence and previous hash.
//   4. Every signed action verifies with a public key of its actor (entries
//      imported over PINT were verified by the PINT receiver; they are
//      reported, not re-verified here).
//   5. Replaying the chain through the rule table gives the holder, endorsee
//      and status the proof claims.
//   6. No later entry for the record exists: every log entry after the last
//      link, up to the checkpoint's size, is read and none names the record.
//      The guarantee is as of that checkpoint; a verifier wanting "now"
//      asks for a fresh checkpoint (and checks its consistency with ones it
//      has seen, as any log client does).
//
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "crypto/keys.h"
#include "ledger/log.h"
#include "ledger/monitor.h"
#include "ledger/note.h"
#include "trade/etr/dcsa_schema.h"
#include "trade/etr/registry.h"

namespace digitrade::trade::etr {

struct ProofStep {
  std::int64_t sequence = 0;
  std::string action_code;
  std::uint64_t log_index = 0;
  std::string signature;  // "valid", "imported (verified by PINT)", or why not
  std::string inclusion;  // "included", or why not
};

struct ProofReport {
  std::vector<ProofStep> steps;
  std::uint64_t checkpoint_size = 0;
  std::uint64_t entries_scanned = 0;  // for check 6
  std::string holder_id;
};

struct ProofVerifier {
  const ledger::NoteVerifier* log_key = nullptr;
  std::string origin;
  const SchemaSet* pint = nullptr;  // for parsing the signed actions
  std::string platform_code = "DGTR";
  // The public keys of a party. Errors: not_found.
  std::function<Result<std::vector<crypto::PublicKey>>(const std::string& party)> keys;
  // A log entry by index (from the public tiles).
  std::function<Result<ledger::Entry>(std::uint64_t index)> entry;
};

// Errors: failed_precondition naming the first check that fails (with the
// partial report's steps in the message), unauthenticated for a signature
// or checkpoint that does not verify, and those of the callbacks.
Result<ProofReport> VerifyControlProof(const ControlProof& proof, const ProofVerifier& verifier);

// A verifier of this platform's proofs from public material only: the
// parties' registered public keys in `reg`, the entries of `log`, and
// `log_key`; the registry's schemas and platform code. `reg`, `log` and
// `log_key` must outlive it.
ProofVerifier LocalVerifier(Registry& reg, ledger::Log& log, const ledger::NoteVerifier& log_key);

// Each link on its own (its signature, its inclusion in the proof's
// checkpoint), never stopping at a failure: the chain-of-custody view.
// A checkpoint that does not verify marks every inclusion as failed.
std::vector<ProofStep> CheckEachStep(const ControlProof& proof, const ProofVerifier& verifier);

// The proof as GET /v1/etr/records/{id}/proof serves it (docs/etr.md), for
// verifiers outside the server. Reads the members the checks need and
// ignores the others. Errors: invalid_argument naming the bad member;
// resource_exhausted over 16 MiB.
Result<ControlProof> ParseControlProofJson(std::string_view json);

// Log entries read from a log's public tiles (C2SP entry bundles) of a tree
// of `tree_size` leaves, for ProofVerifier::entry. The fetcher must outlive
// the function; it keeps the last bundle it read. Errors: the fetcher's,
// invalid_argument for a malformed bundle, not_found beyond the tree.
std::function<Result<ledger::Entry>(std::uint64_t)> EntriesFromTiles(ledger::LogFetcher& fetcher,
                                                                     std::uint64_t tree_size);

}  // namespace digitrade::trade::etr
