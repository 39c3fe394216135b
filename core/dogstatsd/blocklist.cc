#include "core/dogstatsd/blocklist.h"

#include <algorithm>

namespace ddsim::dogstatsd {

Blocklist::Blocklist(std::vector<std::string> names, bool match_prefix)
    : names_(std::move(names)), match_prefix_(match_prefix) {
  std::sort(names_.begin(), names_.end());
  names_.erase(std::unique(names_.begin(), names_.end()), names_.end());
  if (match_prefix_ && !names_.empty()) {
    // Keep only the shortest of entries sharing a prefix: then the only candidate prefix of a
    // name is the entry just before its sorted position.
    size_t kept = 0;
    for (size_t j = 1; j < names_.size(); ++j) {
      if (names_[j].starts_with(names_[kept])) continue;
      names_[++kept] = names_[j];
    }
    names_.resize(kept + 1);
  }
}

bool Blocklist::search(std::string_view name) const {
  auto it = std::lower_bound(names_.begin(), names_.end(), name,
                             [](const std::string& a, std::string_view b) { return a < b; });
  if (it != names_.end() && *it == name) return true;
  return match_prefix_ && it != names_.begin() && name.starts_with(*(it - 1));
}

}  // namespace ddsim::dogstatsd
