#include "core/aggregator/context_resolver.h"

#include <cassert>

namespace ddsim::aggregator {

ContextResolver::ContextResolver(TagStore* store, StringInterner* interner)
    : store_(store), interner_(interner) {}

ContextResolver::~ContextResolver() {
  forEach([&](uint64_t, const Context& c) {
    store_->release(c.tagger_tags);
    store_->release(c.metric_tags);
    interner_->release(c.name);
    interner_->release(c.host);
  });
}

uint32_t ContextResolver::allocSlot() {
  if (!free_.empty()) {
    const uint32_t idx = free_.back();
    free_.pop_back();
    return idx;
  }
  if (next_slot_ % kChunk == 0 && next_slot_ / kChunk == chunks_.size()) {
    chunks_.push_back(std::make_unique<Context[]>(kChunk));
  }
  return next_slot_++;
}

ContextKey ContextResolver::track(const metrics::MetricSample& s, int64_t stamp) {
  // A known context with a few distinct tags (most samples): key and lookup, no tag buffers.
  ContextKey fast = s.context_key;  // computed ahead (SampleBatch) or not at all
  assert(fast == 0 || [&] {
    ContextKey check = 0;
    return metrics::KeyGenerator::fastKey(s.name, s.host, s.tagger_tags, s.tags, &check) && check == fast;
  }());
  if (fast != 0 || metrics::KeyGenerator::fastKey(s.name, s.host, s.tagger_tags, s.tags, &fast)) {
    if (uint32_t* known = index_.find(fast)) {
      slot(*known).last_seen = stamp;
      return fast;
    }
  }
  tagger_buf_.clear();
  metric_buf_.clear();
  tagger_buf_.appendAll(s.tagger_tags);
  metric_buf_.appendAll(s.tags);
  const metrics::GeneratedKeys k = keygen_.generate2(s.name, s.host, tagger_buf_, metric_buf_);
  bool inserted = false;
  uint32_t& idx = index_.findOrInsert(k.context, &inserted);
  if (!inserted) {
    slot(idx).last_seen = stamp;
    return k.context;
  }
  idx = allocSlot();
  Context& c = slot(idx);
  c.name = interner_->acquire(s.name);
  c.host = interner_->acquire(s.host);
  c.tagger_tags = store_->insert(k.tagger, tagger_buf_);
  c.metric_tags = store_->insert(k.metric, metric_buf_);
  c.last_seen = stamp;
  c.mtype = s.mtype;
  c.no_index = s.no_index;
  c.source = s.source;
  counts_by_mtype_[static_cast<size_t>(s.mtype)]++;
  return k.context;
}

const Context* ContextResolver::get(ContextKey key) const {
  const uint32_t* idx = index_.find(key);
  return idx ? &slot(*idx) : nullptr;
}

void ContextResolver::remove(ContextKey key) {
  const uint32_t* found = index_.find(key);
  if (found == nullptr) return;
  const uint32_t idx = *found;
  index_.erase(key);
  Context& c = slot(idx);
  counts_by_mtype_[static_cast<size_t>(c.mtype)]--;
  store_->release(c.tagger_tags);
  store_->release(c.metric_tags);
  interner_->release(c.name);
  interner_->release(c.host);
  c = Context{};
  free_.push_back(idx);
}

size_t ContextResolver::memoryBytes() const {
  return index_.memoryBytes() + chunks_.size() * kChunk * sizeof(Context) + free_.capacity() * sizeof(uint32_t);
}

size_t TimestampContextResolver::expire(int64_t now) {
  return resolver_
      .removeIf([&](uint64_t, const Context& c) {
        const int64_t ttl = c.mtype == metrics::MetricType::kCounter ? counter_expiry_ : context_expiry_;
        return c.last_seen + ttl < now;
      })
      .size();
}

std::vector<ContextKey> CountBasedContextResolver::expire() {
  auto keys = resolver_.removeIf(
      [&](uint64_t, const Context& c) { return c.last_seen <= expire_count_ - interval_; });
  ++expire_count_;
  return keys;
}

}  // namespace ddsim::aggregator
