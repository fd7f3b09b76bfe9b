// C2SP signed-note v1.0.0 with Ed25519 signatures.
//
// A note is UTF-8 text ending in a newline, a blank line, then one or more
// signature lines "— <key name> <base64(key ID || signature)>". The key ID of
// an Ed25519 key is the first four bytes (big-endian) of
// SHA-256(name || 0x0A || 0x01 || public key). Keys travel as text:
//   verifier key: <name>+<8 hex digits of key ID>+<base64(0x01 || public key)>
//   signer key:   PRIVATE+KEY+<name>+<key ID>+<base64(0x01 || 32-byte seed)>
// (the forms golang.org/x/mod/sumdb/note reads and writes).
//
// Opening a note: signatures by unknown keys (name or ID not both matching a
// known verifier) are ignored and reported; a signature by a known key that
// fails to verify rejects the whole note; at least one known signature must
// verify. Malformed notes are rejected outright.
//
// Thread-safety: NoteSigner and NoteVerifier are immutable after creation and
// may be shared between threads. A NoteSigner holds its private key.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "crypto/ed25519.h"
#include "ledger/merkle.h"

namespace digitrade::ledger {

inline constexpr std::size_t kMaxNoteSize = 1 << 20;
inline constexpr std::size_t kMaxNoteSignatures = 100;

// Key ID of an Ed25519 key of this name.
std::uint32_t Ed25519KeyId(std::string_view name, ByteView public_key);

// Non-empty, valid UTF-8, no Unicode space and no '+'.
bool IsValidKeyName(std::string_view name);

class NoteVerifier {
 public:
  // Errors: invalid_argument for a malformed key, a key type other than
  // Ed25519, or a key ID that does not match the name and key.
  static Result<NoteVerifier> FromVerifierKey(std::string_view vkey);
  // Errors: invalid_argument for a bad name or a key that is not 32 bytes.
  static Result<NoteVerifier> Create(std::string name, ByteView public_key);

  const std::string& name() const { return name_; }
  std::uint32_t key_id() const { return key_id_; }
  std::string VerifierKey() const;
  bool Verify(std::string_view text, ByteView signature) const;

 private:
  friend class NoteSigner;
  NoteVerifier(std::string name, std::array<std::uint8_t, 32> key);
  std::string name_;
  std::array<std::uint8_t, 32> key_{};
  std::uint32_t key_id_ = 0;
};

class NoteSigner {
 public:
  // Errors: invalid_argument for a bad key name.
  static Result<NoteSigner> Create(std::string name, crypto::Ed25519PrivateKey key);
  // Errors: invalid_argument for a malformed key or a mismatched key ID.
  static Result<NoteSigner> FromSignerKey(std::string_view skey);

  const std::string& name() const { return name_; }
  std::uint32_t key_id() const { return key_id_; }
  NoteVerifier Verifier() const;
  std::string VerifierKey() const { return Verifier().VerifierKey(); }
  // The secret key text; handle like any private key.
  std::string SignerKey() const;
  // "— <name> <base64>\n" for `text`.
  std::string SignatureLine(std::string_view text) const;

 private:
  NoteSigner(std::string name, crypto::Ed25519PrivateKey key);
  std::string name_;
  crypto::Ed25519PrivateKey key_;
  std::uint32_t key_id_ = 0;
};

struct NoteSignature {
  std::string name;
  std::uint32_t key_id = 0;
  std::string base64;  // key ID and signature, as on the line
};

struct Note {
  std::string text;
  std::vector<NoteSignature> verified;
  std::vector<NoteSignature> unverified;  // by unknown keys, ignored
};

// Checks note text: non-empty, valid UTF-8, ends with a newline, no ASCII
// control characters other than newline. Errors: invalid_argument.
Status CheckNoteText(std::string_view text);

// Text followed by the blank line and one signature line per signer.
// Errors: invalid_argument for bad text or no signers.
Result<std::string> SignNote(std::string_view text, std::span<const NoteSigner> signers);

// Errors: invalid_argument (malformed note, over kMaxNoteSize or
// kMaxNoteSignatures), unauthenticated (a known key's signature fails, or no
// signature by a known key).
Result<Note> OpenNote(std::string_view msg, std::span<const NoteVerifier> verifiers);

}  // namespace digitrade::ledger
