// xs:decimal arithmetic for the rules that cast to xs:decimal: exact, with a
// mantissa and a decimal scale. Values beyond about 38 significant digits
// are refused (reported as a crash by the caller, like an invalid cast).
//
// Thread-safety: plain value type.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace digitrade::trade::einvoice::internal {

class Decimal {
 public:
  Decimal() = default;
  static Decimal FromInt(long long v) { return Decimal(v, 0); }

  // xs:decimal lexical space after whitespace collapsing: [+-]?(d+(.d*)?|.d+).
  // nullopt for anything else ("1,00", "1e3", "", "NaN").
  static std::optional<Decimal> Parse(std::string_view s);

  Decimal operator+(const Decimal& o) const;
  Decimal operator-(const Decimal& o) const;
  Decimal operator*(const Decimal& o) const;
  // Division to 20 fractional digits (enough for the rules' "div 100").
  Decimal operator/(const Decimal& o) const;
  bool operator==(const Decimal& o) const { return Compare(o) == 0; }
  bool operator<(const Decimal& o) const { return Compare(o) < 0; }
  bool operator<=(const Decimal& o) const { return Compare(o) <= 0; }
  bool operator>(const Decimal& o) const { return Compare(o) > 0; }
  bool operator>=(const Decimal& o) const { return Compare(o) >= 0; }
  int Compare(const Decimal& o) const;

  // fn:round: to the nearest integer, halves towards positive infinity.
  Decimal Round() const;
  // fn:round($x, 2) semantics is not needed; RoundTo2 = round(x*100) div 100.
  Decimal RoundTo2() const;
  double ToDouble() const;
  std::string ToString() const;
  bool IsZero() const { return mantissa_ == 0; }

 private:
  Decimal(__int128 m, int scale) : mantissa_(m), scale_(scale) {}
  static void Align(Decimal& a, Decimal& b);
  void Normalize();
  __int128 mantissa_ = 0;
  int scale_ = 0;
};

}  // namespace digitrade::trade::einvoice::internal
