#pragma once
// statsd_metric_blocklist (comp/dogstatsd/server/blocklist.go): exact names, or prefixes when
// statsd_metric_blocklist_match_prefix is set. Immutable after construction; thread-safe reads.
#include <string>
#include <string_view>
#include <vector>

namespace ddsim::dogstatsd {

class Blocklist {
 public:
  Blocklist() = default;
  Blocklist(std::vector<std::string> names, bool match_prefix);
  // True when `name` is blocked. O(log n); inline for the usual empty list.
  bool blocked(std::string_view name) const { return !names_.empty() && search(name); }
  bool empty() const { return names_.empty(); }

 private:
  bool search(std::string_view name) const;

  std::vector<std::string> names_;  // sorted; with match_prefix, no entry prefixes another
  bool match_prefix_ = false;
};

}  // namespace ddsim::dogstatsd
