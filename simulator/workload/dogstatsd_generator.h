#pragma once
// Deterministic DogStatsD traffic shaped like lading's dogstatsd payload (anchors.md §2.1):
// a fixed set of contexts (each used at least once per cycle through them), tags drawn from a
// shared pool with a unique-tag ratio, weighted metric types, multi-value messages, sample
// rates, client timestamps. The same workload and seed give the same bytes.
// Not thread-safe: one generator per workload.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/random.h"
#include "simulator/scenario/scenario.h"

namespace ddsim::workload {

// What the generator produced, by the kind of sample (one value of a multi-value message is
// one sample), so the report can account for every generated sample.
struct DogStatsDTally {
  int64_t lines = 0;
  int64_t packets = 0;
  int64_t bytes = 0;
  int64_t samples = 0;  // values, all types
  int64_t counts = 0, gauges = 0, timers = 0, distributions = 0, sets = 0, histograms = 0;
  int64_t timestamped = 0;  // samples sent with |T (no-aggregation pipeline)
};

class DogStatsDGenerator {
 public:
  static constexpr size_t kTagCacheBytes = 64u << 20;

  // `tag_cache_bytes`: the most the per-context line text may take (see line_text_); 0 turns
  // the cache off (the same bytes are generated either way).
  DogStatsDGenerator(const scenario::DogStatsDWorkload& workload, uint64_t seed,
                     size_t tag_cache_bytes = kTagCacheBytes);

  // Produces `lines` messages stamped (where the workload asks for timestamps) with `now_unix`,
  // packed into packets of at most workload.packet_size bytes; calls `emit` once per packet.
  // The view passed to `emit` is valid only during the call.
  void generate(int64_t lines, int64_t now_unix, const std::function<void(std::string_view)>& emit);

  const DogStatsDTally& tally() const { return tally_; }
  size_t contextCount() const { return contexts_.size(); }
  // Uses only `n` of the contexts from now on (at least 1, at most contextCount()): a fixed
  // random subset, the first n of the cycle's permutation. A live knob of the dashboard.
  void setActiveContexts(size_t n);
  size_t activeContexts() const { return active_; }
  // The i-th context's name and tags, for tests and expectations.
  std::string contextName(size_t i) const;
  std::vector<std::string> contextTags(size_t i) const;

 private:
  enum class Kind : uint8_t { kCount, kGauge, kTimer, kDistribution, kSet, kHistogram };
  struct Context {
    uint32_t name;
    Kind kind;
    std::vector<uint32_t> tags;  // indexes into tag_pool_
  };
  void buildContexts();
  std::string makeToken(double min_len, double max_len, bool with_colon);
  // Appends the line of the context at cycle position `pos` (order_[pos]).
  void appendLine(std::string& out, size_t pos, int64_t now_unix);
  void appendValue(std::string& out, Kind kind);
  void appendTags(std::string& out, const Context& c) const;
  void cacheLineText(size_t max_bytes);

  scenario::DogStatsDWorkload w_;
  common::Random rng_;
  std::vector<std::string> names_;
  std::vector<std::string> tag_pool_;
  std::string static_suffix_;
  std::vector<Context> contexts_;
  // Each context's name and "|#tags" text, built once when all of them fit in kTagCacheBytes
  // (a generated line then costs one append for its name and one for its tags instead of one
  // per tag); empty otherwise, and the tags are joined per line. Laid out in cycle order
  // (slot i is the context at order_[i]) in one buffer, so the generator reads it front to
  // back: with one string per context, read in the cycle's random order, the copy missed the
  // cache on most lines once the contexts outgrew it (50k contexts: ~8 % of a run's CPU).
  struct Slot {
    uint64_t offset;  // into line_text_: the name, then the tags
    uint32_t name_len;
    uint32_t tags_len;
    Kind kind;
  };
  std::string line_text_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> order_;  // a permutation of contexts, walked cyclically
  size_t cursor_ = 0;
  size_t active_ = 0;  // contexts in use: order_[0, active_)
  std::string packet_;
  DogStatsDTally tally_;
};

}  // namespace ddsim::workload
