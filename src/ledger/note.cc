#include "ledger/note.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <optional>

#include "crypto/base64.h"
#include "crypto/hash.h"

namespace digitrade::ledger {
namespace {

constexpr std::uint8_t kEd25519Type = 0x01;
constexpr std::string_view kSigPrefix = "\xE2\x80\x94 ";  // U+2014 EM DASH, space
constexpr std::string_view kSignerKeyPrefix = "PRIVATE+KEY+";

// Decodes one UTF-8 code point at the start of `s`; nullopt when invalid
// (overlong forms, surrogates and values above U+10FFFF included).
std::optional<std::pair<char32_t, std::size_t>> DecodeRune(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return std::pair<char32_t, std::size_t>{b0, 1};
  std::size_t n = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return std::nullopt;
  }
  if (s.size() < n) return std::nullopt;
  for (std::size_t i = 1; i < n; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  return std::pair<char32_t, std::size_t>{cp, n};
}

// White space as Unicode (and Go's unicode.IsSpace) defines it.
bool IsUnicodeSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

// Every code point of `s` satisfies `ok`, and `s` is valid UTF-8.
template <typename Pred>
bool AllRunes(std::string_view s, Pred ok) {
  while (!s.empty()) {
    const auto r = DecodeRune(s);
    if (!r || !ok(r->first)) return false;
    s.remove_prefix(r->second);
  }
  return true;
}

std::string Hex8(std::uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

std::optional<std::uint32_t> ParseHex8(std::string_view s) {
  if (s.size() != 8) return std::nullopt;
  std::uint32_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::uint32_t ReadBigEndian32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

// Splits "<name>+<hex key ID>+<base64(type || key)>" and checks everything but
// the key ID against the key (the caller does that with the right name).
struct KeyParts {
  std::string name;
  std::uint32_t key_id = 0;
  std::array<std::uint8_t, 32> key{};
};

Result<KeyParts> ParseKeyText(std::string_view text) {
  const std::size_t p1 = text.find('+');
  const std::size_t p2 = p1 == std::string_view::npos ? p1 : text.find('+', p1 + 1);
  if (p2 == std::string_view::npos) return InvalidArgument("key is not name+hash+key");
  KeyParts parts;
  parts.name = std::string(text.substr(0, p1));
  if (!IsValidKeyName(parts.name)) return InvalidArgument("key has an invalid name");
  const auto id = ParseHex8(text.substr(p1 + 1, p2 - p1 - 1));
  if (!id) return InvalidArgument("key hash is not 8 hex digits");
  parts.key_id = *id;
  auto raw = crypto::Base64Decode(text.substr(p2 + 1));
  if (!raw) return InvalidArgument("key is not base64: " + raw.error().message());
  if (raw->empty() || (*raw)[0] != kEd25519Type) {
    return InvalidArgument("key type is not Ed25519 (0x01)");
  }
  if (raw->size() != 33) return InvalidArgument("Ed25519 key is not 32 bytes");
  std::copy(raw->begin() + 1, raw->end(), parts.key.begin());
  return parts;
}

// One signature line, without the trailing newline.
struct SigLine {
  std::string_view name;
  std::string_view base64;
  std::uint32_t key_id = 0;
  std::vector<std::uint8_t> signature;
};

Result<SigLine> ParseSigLine(std::string_view line) {
  if (!line.starts_with(kSigPrefix)) {
    return InvalidArgument("signature line does not start with an em dash and a space");
  }
  line.remove_prefix(kSigPrefix.size());
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos) return InvalidArgument("signature line has no signature");
  SigLine s;
  s.name = line.substr(0, space);
  s.base64 = line.substr(space + 1);
  if (!IsValidKeyName(s.name)) return InvalidArgument("signature line has an invalid key name");
  auto raw = crypto::Base64Decode(s.base64);
  if (!raw || raw->size() < 5) return InvalidArgument("signature is not base64 of 5+ bytes");
  s.key_id = ReadBigEndian32(raw->data());
  s.signature.assign(raw->begin() + 4, raw->end());
  return s;
}

const NoteVerifier* FindVerifier(std::span<const NoteVerifier> verifiers, std::string_view name,
                                 std::uint32_t key_id) {
  for (const NoteVerifier& v : verifiers) {
    if (v.name() == name && v.key_id() == key_id) return &v;
  }
  return nullptr;
}

}  // namespace

std::uint32_t Ed25519KeyId(std::string_view name, ByteView public_key) {
  crypto::Hasher h(crypto::HashAlgorithm::kSha256);
  h.Update(name);
  const std::uint8_t sep[2] = {0x0A, kEd25519Type};
  h.Update(sep);
  h.Update(public_key);
  return ReadBigEndian32(h.Finish().data());
}

bool IsValidKeyName(std::string_view name) {
  return !name.empty() &&
         AllRunes(name, [](char32_t c) { return c != U'+' && !IsUnicodeSpace(c); });
}

NoteVerifier::NoteVerifier(std::string name, std::array<std::uint8_t, 32> key)
    : name_(std::move(name)), key_(key), key_id_(Ed25519KeyId(name_, key_)) {}

Result<NoteVerifier> NoteVerifier::Create(std::string name, ByteView public_key) {
  if (!IsValidKeyName(name)) return InvalidArgument("invalid key name \"" + name + "\"");
  if (public_key.size() != 32) return InvalidArgument("Ed25519 public key is not 32 bytes");
  std::array<std::uint8_t, 32> key{};
  std::copy(public_key.begin(), public_key.end(), key.begin());
  return NoteVerifier(std::move(name), key);
}

Result<NoteVerifier> NoteVerifier::FromVerifierKey(std::string_view vkey) {
  DT_ASSIGN_OR_RETURN(KeyParts parts, ParseKeyText(vkey));
  NoteVerifier v(std::move(parts.name), parts.key);
  if (v.key_id() != parts.key_id) {
    return InvalidArgument("verifier key hash " + Hex8(parts.key_id) +
                           " does not match its name and key (" + Hex8(v.key_id()) + ")");
  }
  return v;
}

std::string NoteVerifier::VerifierKey() const {
  std::vector<std::uint8_t> raw{kEd25519Type};
  raw.insert(raw.end(), key_.begin(), key_.end());
  return name_ + "+" + Hex8(key_id_) + "+" + crypto::Base64Encode(raw);
}

bool NoteVerifier::Verify(std::string_view text, ByteView signature) const {
  return crypto::Ed25519Verify(key_, AsBytes(text), signature);
}

NoteSigner::NoteSigner(std::string name, crypto::Ed25519PrivateKey key)
    : name_(std::move(name)), key_(key), key_id_(Ed25519KeyId(name_, key_.public_key())) {}

Result<NoteSigner> NoteSigner::Create(std::string name, crypto::Ed25519PrivateKey key) {
  if (!IsValidKeyName(name)) return InvalidArgument("invalid key name \"" + name + "\"");
  return NoteSigner(std::move(name), key);
}

Result<NoteSigner> NoteSigner::FromSignerKey(std::string_view skey) {
  if (!skey.starts_with(kSignerKeyPrefix)) {
    return InvalidArgument("signer key does not start with PRIVATE+KEY+");
  }
  DT_ASSIGN_OR_RETURN(KeyParts parts, ParseKeyText(skey.substr(kSignerKeyPrefix.size())));
  DT_ASSIGN_OR_RETURN(auto key, crypto::Ed25519PrivateKey::FromSeed(parts.key));
  NoteSigner s(std::move(parts.name), key);
  if (s.key_id() != parts.key_id) {
    return InvalidArgument("signer key hash does not match its name and key");
  }
  return s;
}

NoteVerifier NoteSigner::Verifier() const {
  return NoteVerifier(name_, key_.public_key());
}

std::string NoteSigner::SignerKey() const {
  std::vector<std::uint8_t> raw{kEd25519Type};
  raw.insert(raw.end(), key_.seed().begin(), key_.seed().end());
  return std::string(kSignerKeyPrefix) + name_ + "+" + Hex8(key_id_) + "+" +
         crypto::Base64Encode(raw);
}

std::string NoteSigner::SignatureLine(std::string_view text) const {
  std::vector<std::uint8_t> raw = {
      static_cast<std::uint8_t>(key_id_ >> 24), static_cast<std::uint8_t>(key_id_ >> 16),
      static_cast<std::uint8_t>(key_id_ >> 8), static_cast<std::uint8_t>(key_id_)};
  const std::vector<std::uint8_t> sig = key_.Sign(text);
  raw.insert(raw.end(), sig.begin(), sig.end());
  return std::string(kSigPrefix) + name_ + " " + crypto::Base64Encode(raw) + "\n";
}

Status CheckNoteText(std::string_view text) {
  if (text.empty() || text.back() != '\n') return InvalidArgument("note text must end in newline");
  if (!AllRunes(text, [](char32_t c) { return c >= 0x20 || c == U'\n'; })) {
    return InvalidArgument("note is not UTF-8 without control characters");
  }
  return {};
}

Result<std::string> SignNote(std::string_view text, std::span<const NoteSigner> signers) {
  DT_TRY(CheckNoteText(text));
  if (signers.empty()) return InvalidArgument("a note needs at least one signer");
  std::string out(text);
  out += '\n';
  for (const NoteSigner& s : signers) out += s.SignatureLine(text);
  return out;
}

Result<Note> OpenNote(std::string_view msg, std::span<const NoteVerifier> verifiers) {
  if (msg.size() > kMaxNoteSize) return InvalidArgument("note exceeds 1 MiB");
  DT_TRY(CheckNoteText(msg));
  const std::size_t split = msg.rfind("\n\n");
  if (split == std::string_view::npos) return InvalidArgument("note has no signature block");
  Note note;
  note.text = std::string(msg.substr(0, split + 1));
  std::string_view sigs = msg.substr(split + 2);
  if (sigs.empty()) return InvalidArgument("note has no signature lines");
  std::size_t count = 0;
  while (!sigs.empty()) {
    const std::size_t nl = sigs.find('\n');  // present: msg ends in newline
    if (++count > kMaxNoteSignatures) return InvalidArgument("note has over 100 signatures");
    DT_ASSIGN_OR_RETURN(SigLine line, ParseSigLine(sigs.substr(0, nl)));
    sigs.remove_prefix(nl + 1);
    NoteSignature sig{std::string(line.name), line.key_id, std::string(line.base64)};
    const NoteVerifier* v = FindVerifier(verifiers, line.name, line.key_id);
    if (v == nullptr) {
      note.unverified.push_back(std::move(sig));
      continue;
    }
    if (!v->Verify(note.text, line.signature)) {
      return Unauthenticated("signature by " + sig.name + " does not verify");
    }
    note.verified.push_back(std::move(sig));
  }
  if (note.verified.empty()) return Unauthenticated("note has no signature by a known key");
  return note;
}

}  // namespace digitrade::ledger
