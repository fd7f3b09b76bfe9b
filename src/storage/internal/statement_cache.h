// A per-connection cache of prepared statements, keyed by SQL text.
//
// It holds up to `capacity` entries and never evicts: the SQL of a program is
// a fixed set of string literals, so a full cache means something unusual is
// going on, and the statements beyond it are kept one at a time in an
// overflow slot (valid until the next Put) instead of growing without bound.
// Entries own their engine resources and release them when destroyed.
//
// Thread-safety: none; a cache belongs to one connection, which one thread
// uses at a time.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace digitrade::storage::internal {

template <typename Entry>
class StatementCache {
 public:
  explicit StatementCache(std::size_t capacity) : capacity_(capacity) {}

  // The entry stored for `sql`, or nullptr.
  Entry* Find(std::string_view sql) {
    if (auto it = entries_.find(sql); it != entries_.end()) return &it->second;
    if (overflow_ && overflow_->first == sql) return &overflow_->second;
    return nullptr;
  }

  // True when the next Put goes to the overflow slot.
  bool full() const { return entries_.size() >= capacity_; }

  // Stores `entry` for `sql` (not yet stored) and returns it.
  Entry& Put(std::string_view sql, Entry entry) {
    if (full()) {
      overflow_.reset();  // release the old statement before keeping the new one
      overflow_.emplace(std::string(sql), std::move(entry));
      return overflow_->second;
    }
    return entries_.emplace(std::string(sql), std::move(entry)).first->second;
  }

  void Clear() {
    entries_.clear();
    overflow_.reset();
  }

  // Drops the entry for `sql`, if any.
  void Erase(std::string_view sql) {
    if (auto it = entries_.find(sql); it != entries_.end()) entries_.erase(it);
    if (overflow_ && overflow_->first == sql) overflow_.reset();
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  const std::size_t capacity_;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
  std::optional<std::pair<std::string, Entry>> overflow_;
};

}  // namespace digitrade::storage::internal
