#include "core/dogstatsd/string_interner.h"

namespace ddsim::dogstatsd {

std::string_view StringInterner::intern(std::string_view a, std::string_view b) {
  scratch_.assign(a);
  scratch_.append(b);
  auto it = set_.find(std::string_view(scratch_));
  if (it == set_.end()) it = set_.emplace(scratch_).first;
  // Set nodes never move, so the view stays valid until the node is erased.
  return std::string_view(*it);
}

}  // namespace ddsim::dogstatsd
