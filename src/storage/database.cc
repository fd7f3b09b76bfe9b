#include "storage/database.h"

#include <algorithm>
#include <cctype>

namespace digitrade::storage {
namespace {

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

template <typename T>
T Get(const Value& v) {
  if (const T* p = std::get_if<T>(&v.variant())) return *p;
  return T{};
}

}  // namespace

std::optional<std::size_t> Row::IndexOf(std::string_view column) const {
  if (columns_ == nullptr) return std::nullopt;
  const std::vector<std::string>& names = *columns_;
  const std::size_t n = std::min(names.size(), values_.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (names[i] == column) return i;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (EqualsIgnoringAsciiCase(names[i], column)) return i;
  }
  return std::nullopt;
}

int64_t Row::Int(std::size_t i) const {
  return Get<int64_t>(at(i));
}

double Row::Double(std::size_t i) const {
  const Value& v = at(i);
  if (const int64_t* p = std::get_if<int64_t>(&v.variant())) return static_cast<double>(*p);
  return Get<double>(v);
}

std::string Row::Text(std::size_t i) const {
  return Get<std::string>(at(i));
}

Bytes Row::Blob(std::size_t i) const {
  return Get<Bytes>(at(i));
}

std::optional<int64_t> Row::OptionalInt(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

std::optional<std::string> Row::OptionalText(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

const Value& Row::ByName(std::string_view c) const {
  static const Value kNull;
  const std::optional<std::size_t> i = IndexOf(c);
  return i ? values_[*i] : kNull;
}

bool Row::IsNull(std::string_view c) const {
  return ByName(c).is_null();
}

int64_t Row::Int(std::string_view c) const {
  const std::optional<std::size_t> i = IndexOf(c);
  return i ? Int(*i) : 0;
}

double Row::Double(std::string_view c) const {
  const std::optional<std::size_t> i = IndexOf(c);
  return i ? Double(*i) : 0.0;
}

std::string Row::Text(std::string_view c) const {
  return Get<std::string>(ByName(c));
}

Bytes Row::Blob(std::string_view c) const {
  return Get<Bytes>(ByName(c));
}

std::optional<int64_t> Row::OptionalInt(std::string_view c) const {
  const std::optional<std::size_t> i = IndexOf(c);
  if (!i) return std::nullopt;
  return OptionalInt(*i);
}

std::optional<std::string> Row::OptionalText(std::string_view c) const {
  const std::optional<std::size_t> i = IndexOf(c);
  if (!i) return std::nullopt;
  return OptionalText(*i);
}

}  // namespace digitrade::storage
