#include "identity/identifiers.h"

#include <array>
#include <cctype>

#include <fmt/format.h>

namespace digitrade::identity {

namespace {

constexpr std::string_view kUsccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kUsccWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                              29, 25, 13, 8,  24, 10, 30, 28};

int UsccValue(char c) {
  const auto pos = kUsccCharset.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

std::string_view SchemeName(IdentifierScheme s) {
  return s == IdentifierScheme::kUscc ? "uscc" : "lei";
}

Result<IdentifierScheme> ParseScheme(std::string_view name) {
  if (name == "uscc") return IdentifierScheme::kUscc;
  if (name == "lei") return IdentifierScheme::kLei;
  return InvalidArgument(
      fmt::format("unknown identifier scheme \"{}\": expected \"uscc\" or \"lei\"", name));
}

std::string NormalizeIdentifier(std::string_view code) {
  while (!code.empty() && std::isspace(static_cast<unsigned char>(code.front()))) code.remove_prefix(1);
  while (!code.empty() && std::isspace(static_cast<unsigned char>(code.back()))) code.remove_suffix(1);
  std::string out(code);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

char UsccCheckCharacter(std::string_view first17) {
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += UsccValue(first17[i]) * kUsccWeights[i];
  return kUsccCharset[(31 - sum % 31) % 31];
}

Status ValidateUscc(std::string_view code) {
  if (code.size() != 18) {
    return InvalidArgument(
        fmt::format("USCC must have 18 characters, this one has {}", code.size()));
  }
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (UsccValue(code[i]) < 0) {
      return InvalidArgument(fmt::format(
          "USCC character {} ('{}') is not allowed: GB 32100 uses 0-9 and A-Y without I, O, S, V, Z",
          i + 1, code[i]));
    }
  }
  for (std::size_t i = 2; i < 8; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(code[i]))) {
      return InvalidArgument(fmt::format(
          "USCC characters 3-8 are the administrative division code and must be digits; "
          "character {} is '{}'",
          i + 1, code[i]));
    }
  }
  const char want = UsccCheckCharacter(code.substr(0, 17));
  if (code[17] != want) {
    return InvalidArgument(fmt::format("USCC check character is '{}', expected '{}'", code[17], want));
  }
  return {};
}

Status ValidateLei(std::string_view code) {
  if (code.size() != 20) {
    return InvalidArgument(fmt::format("LEI must have 20 characters, this one has {}", code.size()));
  }
  int mod = 0;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    const bool digit = c >= '0' && c <= '9';
    if (!digit && !(c >= 'A' && c <= 'Z')) {
      return InvalidArgument(
          fmt::format("LEI character {} ('{}') is not allowed: ISO 17442 uses 0-9 and A-Z", i + 1, c));
    }
    if (i >= 18 && !digit) {
      return InvalidArgument("LEI characters 19-20 are check digits and must be digits");
    }
    // ISO 7064 MOD 97-10 over the code with letters expanded to 10..35.
    const int v = digit ? c - '0' : c - 'A' + 10;
    mod = v >= 10 ? (mod * 100 + v) % 97 : (mod * 10 + v) % 97;
  }
  if (mod != 1) return InvalidArgument("LEI check digits do not verify (ISO 7064 MOD 97-10)");
  return {};
}

Status ValidateIdentifier(IdentifierScheme scheme, std::string_view code) {
  return scheme == IdentifierScheme::kUscc ? ValidateUscc(code) : ValidateLei(code);
}

}  // namespace digitrade::identity
