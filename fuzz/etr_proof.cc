// Fuzz target: proofs of control as a verifier outside the server reads
// them (ParseControlProofJson), then verified against a fixed log key with
// no party keys and an empty log: whatever parses must be rejected with an
// error, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crypto/ed25519.h"
#include "ledger/note.h"
#include "trade/etr/proof.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace digitrade;
  using namespace digitrade::trade::etr;
  static const SchemaSet pint = SchemaSet::Dcsa(kDcsaPint).value();
  static const ledger::NoteVerifier log_key =
      ledger::NoteSigner::Create(
          "fuzz.example/log",
          crypto::Ed25519PrivateKey::FromSeed(std::vector<std::uint8_t>(32, 7)).value())
          .value()
          .Verifier();
  auto proof = ParseControlProofJson(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!proof) return 0;
  ProofVerifier v;
  v.log_key = &log_key;
  v.origin = "fuzz.example/log";
  v.pint = &pint;
  v.keys = [](const std::string&) -> Result<std::vector<crypto::PublicKey>> {
    return NotFound("no keys");
  };
  v.entry = [](std::uint64_t) -> Result<ledger::Entry> { return NotFound("no entries"); };
  if (VerifyControlProof(*proof, v))
    __builtin_trap();  // nothing verifies without a signed checkpoint
  (void)CheckEachStep(*proof, v);
  return 0;
}
