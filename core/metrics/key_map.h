#pragma once
// An open-addressing hash map from a 64-bit key (already a good hash: context keys, tag-set
// hashes) to V. Linear probing with backward-shift deletion: no tombstones, no per-entry
// allocation, iteration in slot order (deterministic for a given insertion history).
// Key 0 marks an empty slot; a real key 0 lives in a side slot. Not thread-safe.
//
// Salt: keys walked in one map's slot order arrive sorted by that map's hash; inserted into
// another map with the same hash they all land in one growing run, and linear probing turns
// quadratic (a 1M-context counter zero-fill took seconds). Maps whose keys come from another
// map's iteration (a sampler's bucket tables, fed from its context resolver) take a salt: the
// slot is then a full mix of key ^ salt, unrelated to any other map's order.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace ddsim::metrics {

template <typename V>
class KeyMap {
 public:
  KeyMap() = default;
  KeyMap(KeyMap&&) noexcept = default;
  KeyMap& operator=(KeyMap&&) noexcept = default;

  // Changes the salt (see the file comment). Only while the map is empty.
  void setSalt(uint64_t salt) {
    if (size() == 0) salt_ = salt;
  }
  uint64_t salt() const { return salt_; }

  size_t size() const { return size_ + (has_zero_ ? 1 : 0); }
  bool empty() const { return size() == 0; }

  V* find(uint64_t key) {
    if (key == 0) return has_zero_ ? &zero_value_ : nullptr;
    if (size_ == 0) return nullptr;
    for (size_t i = index(key);; i = next(i)) {
      Slot& s = slots_[i];
      if (s.key == 0) return nullptr;
      if (s.key == key) return &s.value;
    }
  }
  const V* find(uint64_t key) const { return const_cast<KeyMap*>(this)->find(key); }

  // Returns the value for key, default-constructing it when absent; `inserted` tells which.
  V& findOrInsert(uint64_t key, bool* inserted = nullptr) {
    if (key == 0) {
      if (inserted) *inserted = !has_zero_;
      if (!has_zero_) {
        has_zero_ = true;
        zero_value_ = V();
      }
      return zero_value_;
    }
    if ((size_ + 1) * 8 > slots_.size() * 7) grow();  // max load 7/8
    for (size_t i = index(key);; i = next(i)) {
      Slot& s = slots_[i];
      if (s.key == 0) {
        s.key = key;
        ++size_;
        if (inserted) *inserted = true;
        return s.value;
      }
      if (s.key == key) {
        if (inserted) *inserted = false;
        return s.value;
      }
    }
  }

  bool erase(uint64_t key) {
    if (key == 0) {
      if (!has_zero_) return false;
      has_zero_ = false;
      zero_value_ = V();
      return true;
    }
    if (size_ == 0) return false;
    size_t i = index(key);
    for (;; i = next(i)) {
      if (slots_[i].key == 0) return false;
      if (slots_[i].key == key) break;
    }
    eraseSlot(i);
    return true;
  }

  // Removes every entry, keeping the storage for reuse.
  void clear() {
    for (auto& s : slots_) {
      if (s.key != 0) {
        s.key = 0;
        s.value = V();
      }
    }
    size_ = 0;
    has_zero_ = false;
    zero_value_ = V();
  }
  void reserve(size_t n) {
    while (n * 8 > slots_.size() * 7) grow();
  }

  // Calls f(key, value&) for every entry, in slot order. f must not insert or erase.
  template <typename F>
  void forEach(F&& f) {
    if (has_zero_) f(uint64_t{0}, zero_value_);
    for (auto& s : slots_)
      if (s.key != 0) f(s.key, s.value);
  }
  template <typename F>
  void forEach(F&& f) const {
    if (has_zero_) f(uint64_t{0}, zero_value_);
    for (const auto& s : slots_)
      if (s.key != 0) f(s.key, s.value);
  }
  // Erases every entry for which pred(key, value&) returns true; returns how many.
  template <typename Pred>
  size_t eraseIf(Pred&& pred) {
    std::vector<uint64_t> doomed;  // backward shifting moves entries: collect first
    forEach([&](uint64_t k, V& v) {
      if (pred(k, v)) doomed.push_back(k);
    });
    for (uint64_t k : doomed) erase(k);
    return doomed.size();
  }

  // The longest run of occupied slots (a linear-probing lookup can walk that far). For tests.
  size_t longestRun() const {
    size_t best = 0, run = 0;
    for (size_t pass = 0; pass < 2; ++pass) {  // twice: a run may wrap around the end
      for (const auto& s : slots_) {
        run = s.key != 0 ? run + 1 : 0;
        best = std::max(best, std::min(run, slots_.size()));
      }
    }
    return best;
  }

  // Heap bytes of the slot array (not what V points to).
  size_t memoryBytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    uint64_t key = 0;
    V value{};
  };

  size_t index(uint64_t key) const {
    // Fibonacci hashing: keys are hashes already, but tag-set XORs and tests can be structured.
    if (salt_ == 0) return static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift_);
    uint64_t h = key ^ salt_;  // MurmurHash3's fmix64
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return static_cast<size_t>(h >> shift_);
  }
  size_t next(size_t i) const { return (i + 1) & (slots_.size() - 1); }

  void grow() {
    const size_t cap = slots_.empty() ? 16 : slots_.size() * 2;
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.resize(cap);
    unsigned bits = 0;
    while ((size_t{1} << bits) < cap) ++bits;
    shift_ = 64 - bits;
    for (auto& s : old) {
      if (s.key == 0) continue;
      for (size_t i = index(s.key);; i = next(i)) {
        if (slots_[i].key == 0) {
          slots_[i].key = s.key;
          slots_[i].value = std::move(s.value);
          break;
        }
      }
    }
  }

  void eraseSlot(size_t i) {
    const size_t mask = slots_.size() - 1;
    size_t hole = i;
    for (size_t j = next(hole);; j = next(j)) {
      Slot& s = slots_[j];
      if (s.key == 0) break;
      const size_t home = index(s.key);
      // s may fill the hole unless its home lies cyclically in (hole, j].
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        slots_[hole].key = s.key;
        slots_[hole].value = std::move(s.value);
        hole = j;
      }
    }
    slots_[hole].key = 0;
    slots_[hole].value = V();
    --size_;
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;  // entries in slots_
  unsigned shift_ = 64;
  uint64_t salt_ = 0;
  bool has_zero_ = false;
  V zero_value_{};
};

}  // namespace ddsim::metrics
