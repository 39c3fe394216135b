#include "core/aggregator/string_interner.h"

namespace ddsim::aggregator {

const InternedString* StringInterner::acquire(std::string_view s) {
  auto it = map_.find(s);
  if (it == map_.end()) {
    auto owned = std::make_unique<InternedString>();
    owned->value.assign(s);
    const std::string_view key = owned->value;
    it = map_.emplace(key, std::move(owned)).first;
  }
  it->second->refs++;
  return it->second.get();
}

void StringInterner::release(const InternedString* p) {
  if (p == nullptr) return;
  auto it = map_.find(p->value);
  if (it == map_.end() || it->second.get() != p) return;
  if (--it->second->refs == 0) map_.erase(it);
}

}  // namespace ddsim::aggregator
