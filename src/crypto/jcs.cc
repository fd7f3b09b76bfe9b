#include "crypto/jcs.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <vector>

namespace digitrade::crypto {

namespace {

// ---- output ----

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes one UTF-8 sequence at s[i], advancing i. Returns false for
// malformed, overlong or surrogate encodings.
bool NextCodePoint(std::string_view s, std::size_t& i, std::uint32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  if (b0 < 0x80) {
    cp = b0;
    ++i;
    return true;
  }
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    return false;
  }
  if (i + len > s.size()) return false;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  i += len;
  return true;
}

// The end of the run of printable ASCII at s[i] that JSON strings carry as
// it is (no '"', '\\' or control character): copied in one piece.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}();

std::size_t PlainRunEnd(std::string_view s, std::size_t i) {
  while (i < s.size() && kPlain[static_cast<unsigned char>(s[i])]) ++i;
  return i;
}

Status AppendString(std::string& out, std::string_view s) {
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    if (const std::size_t end = PlainRunEnd(s, i); end > i) {
      out.append(s.substr(i, end - i));
      i = end;
      continue;
    }
    std::uint32_t cp = 0;
    const std::size_t start = i;
    if (!NextCodePoint(s, i, cp)) return InvalidArgument("string is not valid UTF-8");
    switch (cp) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (cp < 0x20) {
          out += fmt::format("\\u{:04x}", cp);
        } else {
          out.append(s.substr(start, i - start));
        }
    }
  }
  out += '"';
  return {};
}

// UTF-16 code units of a (valid) UTF-8 string: JCS sorts member names so.
std::u16string Utf16(std::string_view s) {
  std::u16string out;
  std::size_t i = 0;
  std::uint32_t cp = 0;
  while (i < s.size() && NextCodePoint(s, i, cp)) {
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out += static_cast<char16_t>(0xD800 + (cp >> 10));
      out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
    } else {
      out += static_cast<char16_t>(cp);
    }
  }
  return out;
}

double AsDouble(const boost::json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  return v.as_double();
}

Status AppendValue(std::string& out, const boost::json::value& v);

Status AppendObject(std::string& out, const boost::json::object& o) {
  // ASCII names sort the same by bytes as by UTF-16 code units (the
  // usual case): no conversion then.
  const bool ascii = std::all_of(o.begin(), o.end(), [](const auto& kv) {
    return std::all_of(kv.key().begin(), kv.key().end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  });
  std::vector<std::pair<std::u16string, const boost::json::key_value_pair*>> members;
  members.reserve(o.size());
  for (const auto& kv : o) members.emplace_back(ascii ? std::u16string() : Utf16(kv.key()), &kv);
  std::sort(members.begin(), members.end(), [ascii](const auto& a, const auto& b) {
    return ascii ? a.second->key() < b.second->key() : a.first < b.first;
  });
  out += '{';
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i > 0) out += ',';
    DT_TRY(AppendString(out, members[i].second->key()));
    out += ':';
    DT_TRY(AppendValue(out, members[i].second->value()));
  }
  out += '}';
  return {};
}

Status AppendValue(std::string& out, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      out += "null";
      return {};
    case boost::json::kind::bool_:
      out += v.as_bool() ? "true" : "false";
      return {};
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: {
      DT_ASSIGN_OR_RETURN(auto n, SerializeJsonNumber(AsDouble(v)));
      out += n;
      return {};
    }
    case boost::json::kind::string:
      return AppendString(out, v.as_string());
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.as_array()) {
        if (!first) out += ',';
        first = false;
        DT_TRY(AppendValue(out, e));
      }
      out += ']';
      return {};
    }
    case boost::json::kind::object:
      return AppendObject(out, v.as_object());
  }
  return {};
}

// ---- input: a strict I-JSON parser (Boost.JSON 1.81 neither rejects
// duplicate names nor guarantees correctly rounded doubles) ----

class Parser {
 public:
  Parser(std::string_view text, std::size_t max_depth) : s_(text), max_depth_(max_depth) {}

  Result<boost::json::value> ParseDocument() {
    DT_ASSIGN_OR_RETURN(auto v, ParseValue(0));
    SkipSpace();
    if (pos_ != s_.size()) return Fail("unexpected data after the value");
    return v;
  }

 private:
  std::unexpected<Error> Fail(std::string_view what) const {
    return InvalidArgument(fmt::format("invalid JSON at byte {}: {}", pos_, what));
  }

  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Consume(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Result<boost::json::value> ParseValue(std::size_t depth) {
    if (depth > max_depth_) return Fail("nesting too deep");
    SkipSpace();
    if (pos_ >= s_.size()) return Fail("unexpected end of input");
    const char c = s_[pos_];
    if (c == '{') return ParseObject(depth);
    if (c == '[') return ParseArray(depth);
    if (c == '"') {
      DT_ASSIGN_OR_RETURN(auto str, ParseString());
      return boost::json::value(str);
    }
    if (Consume("true")) return boost::json::value(true);
    if (Consume("false")) return boost::json::value(false);
    if (Consume("null")) return boost::json::value(nullptr);
    return ParseNumber();
  }

  Result<boost::json::value> ParseObject(std::size_t depth) {
    ++pos_;
    boost::json::object o;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return boost::json::value(std::move(o));
    }
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '"') return Fail("expected a member name");
      DT_ASSIGN_OR_RETURN(auto name, ParseString());
      if (o.contains(name)) return Fail(fmt::format("duplicate member name \"{}\"", name));
      SkipSpace();
      if (!Consume(":")) return Fail("expected ':'");
      DT_ASSIGN_OR_RETURN(auto v, ParseValue(depth + 1));
      o.emplace(name, std::move(v));
      SkipSpace();
      if (Consume("}")) return boost::json::value(std::move(o));
      if (!Consume(",")) return Fail("expected ',' or '}'");
    }
  }

  Result<boost::json::value> ParseArray(std::size_t depth) {
    ++pos_;
    boost::json::array a;
    SkipSpace();
    if (Consume("]")) return boost::json::value(std::move(a));
    while (true) {
      DT_ASSIGN_OR_RETURN(auto v, ParseValue(depth + 1));
      a.push_back(std::move(v));
      SkipSpace();
      if (Consume("]")) return boost::json::value(std::move(a));
      if (!Consume(",")) return Fail("expected ',' or ']'");
    }
  }

  Result<std::uint32_t> Hex4() {
    if (pos_ + 4 > s_.size()) return Fail("truncated \\u escape");
    std::uint32_t v = 0;
    const auto* first = s_.data() + pos_;
    auto [ptr, ec] = std::from_chars(first, first + 4, v, 16);
    if (ec != std::errc() || ptr != first + 4) return Fail("bad \\u escape");
    pos_ += 4;
    return v;
  }

  Result<std::uint32_t> ParseEscape() {
    const char e = s_[pos_++];
    switch (e) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u':
        break;
      default:
        return Fail("bad escape");
    }
    DT_ASSIGN_OR_RETURN(std::uint32_t cp, Hex4());
    if (cp >= 0xDC00 && cp <= 0xDFFF) return Fail("lone low surrogate");
    if (cp < 0xD800 || cp > 0xDBFF) return cp;
    if (!Consume("\\u")) return Fail("lone high surrogate");
    DT_ASSIGN_OR_RETURN(std::uint32_t lo, Hex4());
    if (lo < 0xDC00 || lo > 0xDFFF) return Fail("lone high surrogate");
    return 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
  }

  Result<std::string> ParseString() {
    ++pos_;
    std::string out;
    while (pos_ < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (const std::size_t end = PlainRunEnd(s_, pos_); end > pos_) {
        out.append(s_.substr(pos_, end - pos_));
        pos_ = end;
        continue;
      }
      if (c < 0x20) return Fail("control character in string");
      if (c == '\\') {
        ++pos_;
        if (pos_ >= s_.size()) break;
        DT_ASSIGN_OR_RETURN(auto cp, ParseEscape());
        AppendUtf8(out, cp);
        continue;
      }
      const std::size_t start = pos_;
      std::uint32_t cp = 0;
      if (!NextCodePoint(s_, pos_, cp)) return Fail("invalid UTF-8");
      out.append(s_.substr(start, pos_ - start));
    }
    return Fail("unterminated string");
  }

  bool Digits() {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  Result<boost::json::value> ParseNumber() {
    const std::size_t start = pos_;
    Consume("-");
    if (Consume("0")) {
      // no leading zeros
    } else if (!Digits()) {
      return Fail("unexpected character");
    }
    if (Consume(".") && !Digits()) return Fail("digits expected after '.'");
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (!Consume("+")) Consume("-");
      if (!Digits()) return Fail("digits expected in exponent");
    }
    double d = 0;
    const auto* first = s_.data() + start;
    auto [ptr, ec] = std::from_chars(first, s_.data() + pos_, d);
    if (ec != std::errc() || ptr != s_.data() + pos_ || !std::isfinite(d)) {
      pos_ = start;
      return Fail("number out of range");
    }
    return boost::json::value(d);
  }

  std::string_view s_;
  std::size_t max_depth_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<std::string> SerializeJsonNumber(double value) {
  if (!std::isfinite(value)) return InvalidArgument("NaN and Infinity are not JSON numbers");
  if (value == 0) return std::string("0");
  std::string out = value < 0 ? "-" : "";
  char buf[64];
  // Shortest round-trip digits, as d.ddde±x.
  auto res = std::to_chars(buf, buf + sizeof(buf), std::fabs(value), std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));
  const std::size_t e = sci.find('e');
  std::string digits(sci.substr(0, e));
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  int exp10 = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exp10);
  const int k = static_cast<int>(digits.size());
  const int n = exp10 + 1;  // value = 0.digits * 10^n
  // Appends only: g++ 12 warns falsely (-Wrestrict) on chained string +.
  const std::string_view d(digits);
  if (k <= n && n <= 21) {
    out.append(d).append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(d.substr(0, static_cast<std::size_t>(n)))
        .append(".")
        .append(d.substr(static_cast<std::size_t>(n)));
  } else if (-6 < n && n <= 0) {
    out.append("0.").append(static_cast<std::size_t>(-n), '0').append(d);
  } else {
    out.append(d.substr(0, 1));
    if (k > 1) out.append(".").append(d.substr(1));
    out.append(fmt::format("e{}{}", n - 1 >= 0 ? "+" : "-", std::abs(n - 1)));
  }
  return out;
}

Result<boost::json::value> ParseStrictJson(std::string_view json, const JcsLimits& limits) {
  if (json.size() > limits.max_bytes) {
    return ResourceExhausted(
        fmt::format("JSON of {} bytes exceeds the limit of {}", json.size(), limits.max_bytes));
  }
  Parser parser(json, limits.max_depth);
  return parser.ParseDocument();
}

Result<std::string> CanonicalizeJson(std::string_view json, const JcsLimits& limits) {
  DT_ASSIGN_OR_RETURN(auto value, ParseStrictJson(json, limits));
  return CanonicalizeJson(value);
}

Result<std::string> CanonicalizeJson(const boost::json::value& value) {
  std::string out;
  DT_TRY(AppendValue(out, value));
  return out;
}

}  // namespace digitrade::crypto
