#pragma once
// A cache of values by key, bounded by the bytes its values hold: the least recently used values
// go first when a new one would pass the budget. A value larger than the whole budget is not
// kept. Thread safety: every method may be called from any thread.
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace procura {

template <class V>
class ByteCache {
 public:
  explicit ByteCache(std::size_t budget) : budget_(budget) {}

  std::optional<V> get(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->value;
  }

  // Keeps `value` under `key`, counted as `bytes` (its key included by the caller or not).
  void put(const std::string& key, V value, std::size_t bytes) {
    std::lock_guard lock(mutex_);
    if (auto it = index_.find(key); it != index_.end()) {
      used_ -= it->second->bytes;
      order_.erase(it->second);
      index_.erase(it);
    }
    if (bytes > budget_) return;
    while (used_ + bytes > budget_ && !order_.empty()) {
      used_ -= order_.back().bytes;
      index_.erase(order_.back().key);
      order_.pop_back();
    }
    order_.push_front({key, std::move(value), bytes});
    index_[key] = order_.begin();
    used_ += bytes;
  }

  void clear() {
    std::lock_guard lock(mutex_);
    order_.clear();
    index_.clear();
    used_ = 0;
  }

  std::size_t bytes() const {
    std::lock_guard lock(mutex_);
    return used_;
  }

 private:
  struct Entry {
    std::string key;
    V value;
    std::size_t bytes;
  };
  std::size_t budget_, used_ = 0;
  mutable std::mutex mutex_;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
};

}  // namespace procura
