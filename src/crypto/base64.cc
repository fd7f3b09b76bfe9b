#include "crypto/base64.h"

#include <array>

namespace digitrade::crypto {

namespace {
constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Encode(std::span<const std::uint8_t> d, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((d.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= d.size(); i += 3) {
    const uint32_t v = d[i] << 16 | d[i + 1] << 8 | d[i + 2];
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  const std::size_t rest = d.size() - i;
  if (rest == 0) return out;
  const uint32_t v = d[i] << 16 | (rest == 2 ? d[i + 1] << 8 : 0);
  out += alphabet[v >> 18];
  out += alphabet[(v >> 12) & 63];
  if (rest == 2) out += alphabet[(v >> 6) & 63];
  if (pad) out.append(rest == 1 ? "==" : "=");
  return out;
}

// Each byte's 6-bit value in an alphabet, or -1.
using Reverse = std::array<int, 256>;
constexpr Reverse ReverseOf(const char* alphabet) {
  Reverse rev{};
  rev.fill(-1);
  for (int i = 0; i < 64; ++i) rev[static_cast<unsigned char>(alphabet[i])] = i;
  return rev;
}
constexpr Reverse kStdReverse = ReverseOf(kStd);
constexpr Reverse kUrlReverse = ReverseOf(kUrl);

Result<std::vector<std::uint8_t>> Decode(std::string_view s, const Reverse& rev, bool padded) {
  if (padded) {
    if (s.size() % 4 != 0) return InvalidArgument("base64: length is not a multiple of 4");
    std::size_t pads = 0;
    while (pads < 2 && pads < s.size() && s[s.size() - 1 - pads] == '=') ++pads;
    s.remove_suffix(pads);
  } else if (s.size() % 4 == 1) {
    return InvalidArgument("base64url: impossible length");
  }
  std::vector<std::uint8_t> out;
  out.reserve(s.size() * 3 / 4);
  // Whole groups of four characters first; the rest (and an invalid
  // character, reported with its position) bit by bit.
  std::size_t i = 0;
  for (; i + 4 <= s.size(); i += 4) {
    const int a = rev[static_cast<unsigned char>(s[i])];
    const int b = rev[static_cast<unsigned char>(s[i + 1])];
    const int c = rev[static_cast<unsigned char>(s[i + 2])];
    const int d = rev[static_cast<unsigned char>(s[i + 3])];
    if ((a | b | c | d) < 0) break;
    const auto v = static_cast<uint32_t>(a << 18 | b << 12 | c << 6 | d);
    out.push_back(static_cast<std::uint8_t>(v >> 16));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
  }
  uint32_t acc = 0;
  int bits = 0;
  for (; i < s.size(); ++i) {
    const int v = rev[static_cast<unsigned char>(s[i])];
    if (v < 0) return InvalidArgument("base64: invalid character at position " + std::to_string(i));
    acc = acc << 6 | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  if (acc != 0) return InvalidArgument("base64: non-zero trailing bits");
  return out;
}
}  // namespace

std::string Base64Encode(std::span<const std::uint8_t> d) { return Encode(d, kStd, true); }
std::string Base64UrlEncode(std::span<const std::uint8_t> d) { return Encode(d, kUrl, false); }
Result<std::vector<std::uint8_t>> Base64Decode(std::string_view s) {
  return Decode(s, kStdReverse, true);
}
Result<std::vector<std::uint8_t>> Base64UrlDecode(std::string_view s) {
  return Decode(s, kUrlReverse, false);
}

}  // namespace digitrade::crypto
