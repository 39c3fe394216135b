#pragma once
// A SampleSink that keeps what it is given: deep copies of the samples (names, tags, values;
// text in the parser's context cache is kept as views under a pin instead) and the events and
// service checks, call by call. replayInto() makes the same calls, in the
// same order and with the same receive times, on another sink. It lets a producer thread parse
// DogStatsD packets while the driver thread aggregates: the agent sees exactly the calls that
// parsing on the driver thread would have made.
// Not thread-safe: filled on one thread, then replayed on another after a hand-over.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/dogstatsd/stats.h"
#include "core/metrics/sample_sink.h"

namespace ddsim::runner {

class SampleBatch final : public metrics::SampleSink {
 public:
  void addSamples(std::span<const metrics::MetricSample> samples, double now) override;
  void addSamplesWithoutAggregation(std::span<const metrics::MetricSample> samples) override;
  void addEvents(std::vector<metrics::Event>&& events) override;
  void addServiceChecks(std::vector<metrics::ServiceCheck>&& checks) override;

  // Makes every recorded call on `to`, in order; the events and service checks are moved on
  // (replay a batch once).
  void replayInto(metrics::SampleSink& to);
  // Keeps `pin` (the parser's context cache, PacketProcessor::pinContextCache) until clear():
  // the name, host and tags of samples marked text_pinned are then kept as views, not copied.
  // Only for a batch filled by that one processor (BatchParser): a batch that holds no pin
  // (SampleFeed's held batch, fed by any listener) copies every sample's text.
  void holdPin(std::shared_ptr<const void> pin);
  // Forgets the contents and keeps the memory for the next batch.
  void clear();
  bool empty() const { return calls_.empty() && packets == 0; }
  size_t sampleCount() const { return samples_.size(); }
  // Room for `n` samples without reallocating (kept across clear()).
  void reserveSamples(size_t n) { samples_.reserve(n); }

  // What the parser adds up for the feed's accounting (packets, messages, parser counters).
  int64_t packets = 0;
  int64_t messages = 0;
  dogstatsd::ProcessorCounters counters;

 private:
  enum class Kind : uint8_t { kSamples, kWithoutAggregation, kEvents, kServiceChecks };
  struct Call {
    Kind kind;
    size_t first;  // into samples_, events_ or checks_
    size_t count;
    double now;
  };
  void copySamples(std::span<const metrics::MetricSample> samples);
  void* allocate(size_t bytes, size_t align);

  std::vector<Call> calls_;
  std::vector<metrics::MetricSample> samples_;
  std::vector<std::vector<metrics::Event>> events_;
  std::vector<std::vector<metrics::ServiceCheck>> checks_;
  // Text and tag arrays live in blocks that never move while the batch is filled.
  static constexpr size_t kBlockBytes = 16 << 10;
  struct Block {
    std::unique_ptr<char[]> data;
    size_t size = 0;
  };
  std::vector<Block> blocks_;
  std::vector<std::shared_ptr<const void>> pins_;
  size_t block_ = 0;  // the block being filled
  size_t used_ = 0;   // bytes used in it
};

}  // namespace ddsim::runner
