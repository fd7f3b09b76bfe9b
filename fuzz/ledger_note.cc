// Fuzz target: C2SP signed notes, checkpoints and verifier keys, the ledger's
// parsers of outside input. The first byte picks the parser; a note is opened
// with a fixed known key so that the verify path runs too.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "ledger/checkpoint.h"
#include "ledger/note.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace digitrade::ledger;
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      static const std::vector<NoteVerifier> kKnown = {
          NoteVerifier::FromVerifierKey(
              "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
              .value()};
      auto note = OpenNote(in, kKnown);
      if (note) (void)Checkpoint::Parse(note->text);
      break;
    }
    case 1: {
      auto c = Checkpoint::Parse(in);
      // What parses must format back to the same text.
      if (c && c->ToText() != in) __builtin_trap();
      break;
    }
    default: {
      auto v = NoteVerifier::FromVerifierKey(in);
      if (v && NoteVerifier::FromVerifierKey(v->VerifierKey())->key_id() != v->key_id()) {
        __builtin_trap();
      }
      (void)NoteSigner::FromSignerKey(in);
      break;
    }
  }
  return 0;
}
