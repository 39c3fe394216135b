#pragma once
// The storage of a span's meta and metrics: string keys kept sorted in one vector, with the part
// of std::map's interface the pipeline uses (issue 14: a span's maps were one heap node per entry,
// and building, searching and freeing them was most of the cost of a one-span trace). Iteration
// is in key order, as std::map's, so encoders and comparisons see the same sequence. Lookups take
// any string-like key without building a std::string. Inserting or erasing moves the entries after
// the position and invalidates iterators and references, as a vector does.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ddsim::trace {

template <typename V>
class SpanMap {
 public:
  using key_type = std::string;
  using mapped_type = V;
  using value_type = std::pair<std::string, V>;
  using size_type = size_t;
  using iterator = typename std::vector<value_type>::iterator;
  using const_iterator = typename std::vector<value_type>::const_iterator;

  SpanMap() = default;
  // As std::map's: of two equal keys the first is kept.
  SpanMap(std::initializer_list<value_type> entries) {
    items_.reserve(entries.size());
    for (const value_type& e : entries) emplace(e.first, e.second);
  }
  template <typename Cmp, typename Alloc>
  SpanMap(const std::map<std::string, V, Cmp, Alloc>& m) : items_(m.begin(), m.end()) {}  // NOLINT: implicit
  template <typename Cmp, typename Alloc>
  operator std::map<std::string, V, Cmp, Alloc>() const {  // NOLINT: implicit, for callers that want a std::map
    return std::map<std::string, V, Cmp, Alloc>(items_.begin(), items_.end());
  }

  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  const_iterator cbegin() const { return items_.begin(); }
  const_iterator cend() const { return items_.end(); }
  auto rbegin() const { return items_.rbegin(); }
  auto rend() const { return items_.rend(); }

  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  void clear() { items_.clear(); }
  void reserve(size_t n) { items_.reserve(n); }

  iterator find(std::string_view key) { return items_.begin() + static_cast<std::ptrdiff_t>(indexOf(key)); }
  const_iterator find(std::string_view key) const {
    return items_.begin() + static_cast<std::ptrdiff_t>(indexOf(key));
  }
  size_t count(std::string_view key) const { return indexOf(key) == items_.size() ? 0 : 1; }
  bool contains(std::string_view key) const { return count(key) != 0; }
  V& at(std::string_view key) { return const_cast<V&>(std::as_const(*this).at(key)); }
  const V& at(std::string_view key) const {
    const size_t i = indexOf(key);
    if (i == items_.size()) throw std::out_of_range("SpanMap::at: no key " + std::string(key));
    return items_[i].second;
  }

  V& operator[](std::string_view key) { return try_emplace(key).first->second; }

  // Inserts (key, V(args...)) unless the key is there; the iterator points at the key's entry.
  template <typename K, typename... Args>
  std::pair<iterator, bool> try_emplace(K&& key, Args&&... args) {
    const std::string_view k(key);
    auto pos = lowerBound(k);
    if (pos != items_.end() && pos->first == k) return {pos, false};
    pos = items_.emplace(pos, std::piecewise_construct, std::forward_as_tuple(std::forward<K>(key)),
                         std::forward_as_tuple(std::forward<Args>(args)...));
    return {pos, true};
  }
  template <typename K, typename M>
  std::pair<iterator, bool> emplace(K&& key, M&& value) {
    return try_emplace(std::forward<K>(key), std::forward<M>(value));
  }
  std::pair<iterator, bool> insert(const value_type& e) { return try_emplace(e.first, e.second); }
  std::pair<iterator, bool> insert(value_type&& e) { return try_emplace(std::move(e.first), std::move(e.second)); }
  // The hint is only a guess: an entry goes at the end without a search when its key is the largest.
  template <typename K, typename M>
  iterator emplace_hint(const_iterator /*hint*/, K&& key, M&& value) {
    const std::string_view k(key);
    if (items_.empty() || keyLess(items_.back().first, k)) {
      items_.emplace_back(std::forward<K>(key), std::forward<M>(value));
      return items_.end() - 1;
    }
    return try_emplace(std::forward<K>(key), std::forward<M>(value)).first;
  }
  template <typename K, typename M>
  std::pair<iterator, bool> insert_or_assign(K&& key, M&& value) {
    auto [it, inserted] = try_emplace(std::forward<K>(key), std::forward<M>(value));
    if (!inserted) it->second = std::forward<M>(value);
    return {it, inserted};
  }

  // Bulk building in any key order (a decoder's large map): append each entry, then call
  // finishAppends() once, which sorts by key and keeps, of equal keys, the one appended last (as
  // insert_or_assign in that order would). n log n, where inserting in place is quadratic for keys
  // that arrive in reverse order. Between the two calls the map must not be searched.
  template <typename K, typename M>
  void appendUnordered(K&& key, M&& value) {
    items_.emplace_back(std::forward<K>(key), std::forward<M>(value));
  }
  void finishAppends() {
    std::stable_sort(items_.begin(), items_.end(),
                     [](const value_type& a, const value_type& b) { return a.first < b.first; });
    size_t out = 0;
    for (size_t i = 0; i < items_.size(); ++i) {
      if (i + 1 < items_.size() && items_[i + 1].first == items_[i].first) continue;  // a later one wins
      if (out != i) items_[out] = std::move(items_[i]);
      ++out;
    }
    items_.resize(out);
  }

  // A decoder's fast path for keys that mostly arrive in order: read the next entry straight into
  // an empty one at the end (appendEmpty), then settleLast() puts it in its place (nothing to do
  // when its key is the largest; an equal key is replaced, as insert_or_assign does), or
  // dropLast() when reading it failed.
  value_type& appendEmpty() { return items_.emplace_back(); }
  void settleLast() {
    const size_t n = items_.size();
    if (n < 2 || keyLess(items_[n - 2].first, items_[n - 1].first)) return;
    value_type last = std::move(items_.back());
    items_.pop_back();
    insert_or_assign(std::move(last.first), std::move(last.second));
  }
  void dropLast() { items_.pop_back(); }
  iterator erase(const_iterator it) { return items_.erase(it); }
  size_t erase(std::string_view key) {
    const size_t i = indexOf(key);
    if (i == items_.size()) return 0;
    items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(i));
    return 1;
  }

  bool operator==(const SpanMap&) const = default;

 private:
  // A span has a handful of entries: up to this many a scan that compares lengths first beats a
  // binary search.
  static constexpr size_t kScan = 8;

  // Equal bytes, compared inline eight at a time: span keys are short, and a call to memcmp per
  // candidate key showed in the one-span-trace profile.
  // std::string's order (bytes compared unsigned, then length), inline: keys mostly differ
  // within their first bytes.
  static bool keyLess(std::string_view a, std::string_view b) {
    const size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
      if (a[i] != b[i]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
    }
    return a.size() < b.size();
  }
  static bool sameBytes(const char* a, const char* b, size_t n) {
    for (; n >= 8; a += 8, b += 8, n -= 8) {
      uint64_t x, y;
      std::memcpy(&x, a, 8);
      std::memcpy(&y, b, 8);
      if (x != y) return false;
    }
    for (; n > 0; ++a, ++b, --n) {
      if (*a != *b) return false;
    }
    return true;
  }
  size_t indexOf(std::string_view key) const {
    const size_t n = items_.size();
    if (n <= kScan) {
      for (size_t i = 0; i < n; ++i) {
        const std::string& k = items_[i].first;
        if (k.size() == key.size() && sameBytes(k.data(), key.data(), key.size())) return i;
      }
      return n;
    }
    auto pos = std::lower_bound(items_.begin(), items_.end(), key,
                                [](const value_type& e, std::string_view k) { return keyLess(e.first, k); });
    return pos != items_.end() && pos->first == key ? static_cast<size_t>(pos - items_.begin()) : n;
  }
  iterator lowerBound(std::string_view key) {
    return std::lower_bound(items_.begin(), items_.end(), key,
                            [](const value_type& e, std::string_view k) { return keyLess(e.first, k); });
  }

  std::vector<value_type> items_;
};

}  // namespace ddsim::trace
