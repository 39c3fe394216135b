#pragma once
// Interns the names enrichment builds (namespace + name, histogram-copy prefix + name), so that
// a stable set of names costs no allocation (the agent's stringInterner, spec §10
// dogstatsd_string_interner_size). Views stay valid until clear(). Not thread-safe.
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>

namespace ddsim::dogstatsd {

class StringInterner {
 public:
  explicit StringInterner(size_t max_entries = 4096) : max_entries_(max_entries) {}

  // The interned concatenation a + b.
  std::string_view intern(std::string_view a, std::string_view b);
  // True once the interner holds max_entries strings; the owner clear()s it when no view is
  // in use any more (the agent empties its map at that point too).
  bool full() const { return set_.size() >= max_entries_; }
  void clear() { set_.clear(); }
  size_t size() const { return set_.size(); }
  size_t resets() const { return resets_; }
  void noteReset() { ++resets_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  size_t max_entries_;
  size_t resets_ = 0;
  std::string scratch_;
  std::unordered_set<std::string, Hash, std::equal_to<>> set_;
};

}  // namespace ddsim::dogstatsd
