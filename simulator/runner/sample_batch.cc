#include "simulator/runner/sample_batch.h"

#include <algorithm>
#include <cstring>

#include "core/metrics/context_key.h"

namespace ddsim::runner {

void* SampleBatch::allocate(size_t bytes, size_t align) {
  while (true) {
    if (block_ < blocks_.size()) {
      Block& b = blocks_[block_];
      const size_t at = (used_ + align - 1) / align * align;
      if (at + bytes <= b.size) {
        used_ = at + bytes;
        return b.data.get() + at;
      }
      ++block_;
      used_ = 0;
      continue;
    }
    const size_t size = bytes + align > kBlockBytes ? bytes + align : kBlockBytes;
    blocks_.push_back({std::unique_ptr<char[]>(new char[size]), size});  // not zeroed: only written bytes are read
  }
}

void SampleBatch::copySamples(std::span<const metrics::MetricSample> samples) {
  for (const auto& s : samples) {
    metrics::MetricSample& c = samples_.emplace_back(s);
    // Name, host and tags in the parser's context cache stay where they are (pinned: see
    // holdPin); the rest is copied, in one allocation per sample: tag arrays, then text.
    const bool pinned = s.text_pinned && !pins_.empty();
    c.text_pinned = pinned;
    size_t text = s.raw_value.size();
    size_t views = s.tagger_tags.size();
    for (std::string_view t : s.tagger_tags) text += t.size();
    if (!pinned) {
      text += s.name.size() + s.host.size();
      for (std::string_view t : s.tags) text += t.size();
      views += s.tags.size();
    }
    const size_t arrays = views * sizeof(std::string_view);
    if (arrays + text > 0) {
      char* mem = static_cast<char*>(allocate(arrays + text, alignof(std::string_view)));
      auto* slots = reinterpret_cast<std::string_view*>(mem);
      char* out = mem + arrays;
      const auto put = [&out](std::string_view v) -> std::string_view {
        if (v.empty()) return {};
        std::memcpy(out, v.data(), v.size());
        const std::string_view kept(out, v.size());
        out += v.size();
        return kept;
      };
      c.raw_value = put(s.raw_value);
      if (!pinned) {
        c.name = put(s.name);
        c.host = put(s.host);
      }
      for (auto* tags : {&c.tags, &c.tagger_tags}) {
        const auto src = *tags;
        if (src.empty() || (pinned && tags == &c.tags)) continue;
        for (size_t i = 0; i < src.size(); ++i) new (slots + i) std::string_view(put(src[i]));
        *tags = {slots, src.size()};
        slots += src.size();
      }
    }
    // The context key, here on the parsing thread rather than in the aggregator: the parser's
    // context cache gives most samples theirs already (the copies hold the same bytes).
    metrics::ContextKey key = 0;
    if (c.context_key == 0 && metrics::KeyGenerator::fastKey(c.name, c.host, c.tagger_tags, c.tags, &key)) {
      c.context_key = key;
    }
  }
}

void SampleBatch::addSamples(std::span<const metrics::MetricSample> samples, double now) {
  calls_.push_back({Kind::kSamples, samples_.size(), samples.size(), now});
  copySamples(samples);
}

void SampleBatch::addSamplesWithoutAggregation(std::span<const metrics::MetricSample> samples) {
  calls_.push_back({Kind::kWithoutAggregation, samples_.size(), samples.size(), 0});
  copySamples(samples);
}

void SampleBatch::addEvents(std::vector<metrics::Event>&& events) {
  calls_.push_back({Kind::kEvents, events_.size(), 1, 0});
  events_.push_back(std::move(events));
}

void SampleBatch::addServiceChecks(std::vector<metrics::ServiceCheck>&& checks) {
  calls_.push_back({Kind::kServiceChecks, checks_.size(), 1, 0});
  checks_.push_back(std::move(checks));
}

void SampleBatch::replayInto(metrics::SampleSink& to) {
  for (const Call& c : calls_) {
    switch (c.kind) {
      case Kind::kSamples: to.addSamples(std::span(samples_).subspan(c.first, c.count), c.now); break;
      case Kind::kWithoutAggregation: to.addSamplesWithoutAggregation(std::span(samples_).subspan(c.first, c.count)); break;
      case Kind::kEvents: to.addEvents(std::move(events_[c.first])); break;
      case Kind::kServiceChecks: to.addServiceChecks(std::move(checks_[c.first])); break;
    }
  }
}

void SampleBatch::holdPin(std::shared_ptr<const void> pin) {
  if (pin && (pins_.empty() || pins_.back() != pin)) pins_.push_back(std::move(pin));
}

void SampleBatch::clear() {
  // Keeps the blocks this fill used, no more: most fills copy little (pinned text), and a batch
  // ahead that kept the blocks of its busiest fill (after a cache emptying) would hold them idle.
  const size_t used_blocks = block_ + (used_ > 0 ? 1 : 0);
  if (blocks_.size() > used_blocks) blocks_.resize(used_blocks);
  pins_.clear();
  calls_.clear();
  samples_.clear();
  events_.clear();
  checks_.clear();
  block_ = 0;
  used_ = 0;
  packets = 0;
  messages = 0;
  counters.clear();
}

}  // namespace ddsim::runner
