#include "core/aggregator/tag_store.h"

#include <algorithm>
#include <string>
#include <vector>

namespace ddsim::aggregator {
namespace {

metrics::TagSetPtr copyTags(uint64_t key, const metrics::HashedTags& tags) {
  std::vector<std::string> copy;
  copy.reserve(tags.size());
  for (auto t : tags.tags()) copy.emplace_back(t);
  return metrics::makeTagSet(std::move(copy), key);
}

}  // namespace

metrics::TagSetPtr TagStore::insert(uint64_t key, const metrics::HashedTags& tags) {
  if (tags.empty()) return nullptr;
  if (!enabled_) return copyTags(key, tags);
  bool inserted = false;
  Entry& e = map_.findOrInsert(key, &inserted);
  if (inserted) {
    e.set = copyTags(key, tags);
    e.refs = 0;
    ++cap_;
    ++stats_.misses;
  } else {
    ++stats_.hits;
  }
  ++e.refs;
  return e.set;
}

void TagStore::release(const metrics::TagSetPtr& set) {
  if (!enabled_ || !set) return;
  Entry* e = map_.find(set->hash);
  if (e != nullptr && e->set.get() == set.get() && e->refs > 0) --e->refs;
}

void TagStore::shrink() {
  if (!enabled_) return;
  map_.eraseIf([](uint64_t, Entry& e) { return e.refs == 0; });
  Stats s = stats_;
  s.tagset_min_tags = 0;
  s.tagset_max_tags = 0;
  s.tagset_sum_tags = 0;
  s.tagset_sum_tags_bytes = 0;
  bool first = true;
  map_.forEach([&](uint64_t, const Entry& e) {
    const auto n = static_cast<int64_t>(e.set->tags.size());
    if (first || n < s.tagset_min_tags) s.tagset_min_tags = n;
    s.tagset_max_tags = std::max(s.tagset_max_tags, n);
    s.tagset_sum_tags += n;
    for (const auto& t : e.set->tags) s.tagset_sum_tags_bytes += static_cast<int64_t>(t.size());
    first = false;
  });
  stats_ = s;
  const auto size = static_cast<int64_t>(map_.size());
  if (size < cap_ / 2) {
    // Rebuild so the table's storage follows the live size (the agent reallocates its map).
    metrics::KeyMap<Entry> fresh;
    fresh.reserve(map_.size());
    map_.forEach([&](uint64_t k, Entry& e) { fresh.findOrInsert(k) = std::move(e); });
    map_ = std::move(fresh);
    cap_ = size;
  }
}

TagStore::Stats TagStore::stats() const {
  Stats s = stats_;
  s.entries = static_cast<int64_t>(map_.size());
  s.max_entries = cap_;
  return s;
}

void TagStore::exportTelemetry(const std::string& name, common::TelemetrySnapshot& out) const {
  const Stats s = stats();
  const std::string p = "aggregator_tags_store.";
  const std::string sfx = "." + name;
  out[p + "hits_total" + sfx] = static_cast<double>(s.hits);
  out[p + "miss_total" + sfx] = static_cast<double>(s.misses);
  out[p + "entries" + sfx] = static_cast<double>(s.entries);
  out[p + "max_entries" + sfx] = static_cast<double>(s.max_entries);
  out[p + "tagset_min_tags" + sfx] = static_cast<double>(s.tagset_min_tags);
  out[p + "tagset_max_tags" + sfx] = static_cast<double>(s.tagset_max_tags);
  out[p + "tagset_sum_tags" + sfx] = static_cast<double>(s.tagset_sum_tags);
  out[p + "tagset_sum_tags_bytes" + sfx] = static_cast<double>(s.tagset_sum_tags_bytes);
}

}  // namespace ddsim::aggregator
