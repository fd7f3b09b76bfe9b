#include "trade/einvoice/internal/decimal.h"

#include <algorithm>
#include <cmath>

namespace digitrade::trade::einvoice::internal {

namespace {
__int128 Pow10(int n) {
  __int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}
constexpr int kMaxDigits = 36;
}  // namespace

std::optional<Decimal> Decimal::Parse(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s == ".") return std::nullopt;
  __int128 m = 0;
  int scale = 0;
  int digits = 0;
  bool dot = false;
  for (char c : s) {
    if (c == '.') {
      if (dot) return std::nullopt;
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    if (m == 0 && c == '0' && !dot) continue;  // leading zeros
    if (++digits > kMaxDigits) return std::nullopt;
    m = m * 10 + (c - '0');
    if (dot) ++scale;
  }
  Decimal d(negative ? -m : m, scale);
  d.Normalize();
  return d;
}

void Decimal::Normalize() {
  while (scale_ > 0 && mantissa_ % 10 == 0) {
    mantissa_ /= 10;
    --scale_;
  }
  if (mantissa_ == 0) scale_ = 0;
}

void Decimal::Align(Decimal& a, Decimal& b) {
  while (a.scale_ < b.scale_) {
    a.mantissa_ *= 10;
    ++a.scale_;
  }
  while (b.scale_ < a.scale_) {
    b.mantissa_ *= 10;
    ++b.scale_;
  }
}

Decimal Decimal::operator+(const Decimal& o) const {
  Decimal a = *this, b = o;
  Align(a, b);
  Decimal r(a.mantissa_ + b.mantissa_, a.scale_);
  r.Normalize();
  return r;
}

Decimal Decimal::operator-(const Decimal& o) const {
  Decimal a = *this, b = o;
  Align(a, b);
  Decimal r(a.mantissa_ - b.mantissa_, a.scale_);
  r.Normalize();
  return r;
}

Decimal Decimal::operator*(const Decimal& o) const {
  Decimal r(mantissa_ * o.mantissa_, scale_ + o.scale_);
  r.Normalize();
  return r;
}

Decimal Decimal::operator/(const Decimal& o) const {
  if (o.mantissa_ == 0) return Decimal();
  // (m1/10^s1) / (m2/10^s2) = m1*10^(20+s2-s1) / m2 / 10^20
  constexpr int kScale = 20;
  int shift = kScale + o.scale_ - scale_;
  __int128 num = mantissa_;
  if (shift >= 0) {
    num *= Pow10(std::min(shift, 30));
  } else {
    num /= Pow10(std::min(-shift, 30));
  }
  Decimal r(num / o.mantissa_, kScale);
  r.Normalize();
  return r;
}

int Decimal::Compare(const Decimal& o) const {
  Decimal a = *this, b = o;
  Align(a, b);
  return a.mantissa_ < b.mantissa_ ? -1 : a.mantissa_ > b.mantissa_ ? 1 : 0;
}

Decimal Decimal::Round() const {
  if (scale_ == 0) return *this;
  __int128 p = Pow10(scale_);
  // floor(x + 0.5)
  __int128 v = mantissa_ * 2 + p;  // 2x + 1 scaled by p
  __int128 q = v / (2 * p);
  if (v % (2 * p) != 0 && v < 0) --q;
  return Decimal(q, 0);
}

Decimal Decimal::RoundTo2() const {
  Decimal r = (*this * FromInt(100)).Round();
  r.scale_ += 2;
  r.Normalize();
  return r;
}

double Decimal::ToDouble() const {
  return static_cast<double>(mantissa_) / std::pow(10.0, scale_);
}

std::string Decimal::ToString() const {
  __int128 m = mantissa_ < 0 ? -mantissa_ : mantissa_;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  } while (m != 0);
  while (static_cast<int>(digits.size()) <= scale_) digits.insert(digits.begin(), '0');
  if (scale_ > 0) digits.insert(digits.end() - scale_, '.');
  return mantissa_ < 0 ? "-" + digits : digits;
}

}  // namespace digitrade::trade::einvoice::internal
