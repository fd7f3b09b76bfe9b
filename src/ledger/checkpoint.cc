#include "ledger/checkpoint.h"

#include <charconv>

#include "crypto/base64.h"

namespace digitrade::ledger {
namespace {

Result<std::uint64_t> ParseTreeSize(std::string_view s) {
  if (s.empty() || (s.size() > 1 && s[0] == '0') ||
      s.find_first_not_of("0123456789") != std::string_view::npos) {
    return InvalidArgument("checkpoint tree size \"" + std::string(s) +
                           "\" is not a decimal without leading zeroes");
  }
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v > kMaxTreeSize) {
    return InvalidArgument("checkpoint tree size \"" + std::string(s) + "\" is out of range");
  }
  return v;
}

}  // namespace

std::string Checkpoint::ToText() const {
  std::string out = origin + "\n" + std::to_string(size) + "\n" + crypto::Base64Encode(root) + "\n";
  for (const std::string& e : extensions) out += e + "\n";
  return out;
}

Result<Checkpoint> Checkpoint::Parse(std::string_view text) {
  DT_TRY(CheckNoteText(text));
  std::vector<std::string_view> lines;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t nl = text.find('\n', at);
    lines.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  if (lines.size() < 3) return InvalidArgument("checkpoint has fewer than three lines");
  Checkpoint c;
  if (lines[0].empty()) return InvalidArgument("checkpoint origin is empty");
  c.origin = std::string(lines[0]);
  DT_ASSIGN_OR_RETURN(c.size, ParseTreeSize(lines[1]));
  auto root = crypto::Base64Decode(lines[2]);
  if (!root) return InvalidArgument("checkpoint root hash: " + root.error().message());
  auto hash = HashFromBytes(*root);
  if (!hash) return InvalidArgument("checkpoint root hash: " + hash.error().message());
  c.root = *hash;
  for (std::size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) return InvalidArgument("checkpoint has an empty extension line");
    c.extensions.emplace_back(lines[i]);
  }
  return c;
}

Result<Checkpoint> OpenCheckpoint(std::string_view signed_note, std::string_view origin,
                                  std::span<const NoteVerifier> verifiers) {
  DT_ASSIGN_OR_RETURN(Note note, OpenNote(signed_note, verifiers));
  DT_ASSIGN_OR_RETURN(Checkpoint c, Checkpoint::Parse(note.text));
  if (c.origin != origin) {
    return FailedPrecondition("checkpoint origin \"" + c.origin + "\" is not \"" +
                              std::string(origin) + "\"");
  }
  return c;
}

}  // namespace digitrade::ledger
