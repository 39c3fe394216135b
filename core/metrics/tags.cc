#include "core/metrics/tags.h"

namespace ddsim::metrics {

TagSetPtr makeTagSet(std::vector<std::string> tags, uint64_t hash) {
  auto ts = std::make_shared<TagSet>();
  ts->tags = std::move(tags);
  ts->hash = hash;
  return ts;
}

CompositeTags CompositeTags::of(std::vector<std::string> tags) {
  return CompositeTags(nullptr, makeTagSet(std::move(tags)));
}

std::vector<std::string> CompositeTags::toVector() const {
  std::vector<std::string> out;
  out.reserve(size());
  forEach([&](std::string_view t) { out.emplace_back(t); });
  return out;
}

}  // namespace ddsim::metrics
