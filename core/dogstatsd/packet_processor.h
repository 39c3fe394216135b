#pragma once
// One DogStatsD worker's parsing pipeline (spec §8.1, comp/dogstatsd/server/server.go
// parsePackets + batch.go): splits packets into messages, parses and enriches them, batches the
// samples (32 per call by default) and hands them to a metrics::SampleSink:
//   samples without a timestamp  -> addSamples(batch, now)
//   samples with `|T<ts>`        -> addSamplesWithoutAggregation(batch)
//   events / service checks      -> addEvents / addServiceChecks, once per flush()
// Rejected messages are counted by reason and skipped; the rest of the packet is parsed.
// Steady state allocates nothing per metric message (events and service checks own strings).
// Not thread-safe: one per worker thread. The sink must accept calls from that thread.
#include <string_view>
#include <vector>

#include "core/dogstatsd/context_cache.h"
#include "core/dogstatsd/enricher.h"
#include "core/dogstatsd/options.h"
#include "core/dogstatsd/parser.h"
#include "core/dogstatsd/stats.h"
#include "core/dogstatsd/string_interner.h"
#include "core/dogstatsd/tag_arena.h"
#include "core/metrics/event.h"
#include "core/metrics/metric_sample.h"
#include "core/metrics/sample_sink.h"
#include "core/metrics/service_check.h"

namespace ddsim::dogstatsd {

class PacketProcessor {
 public:
  // `sink` must outlive the processor.
  PacketProcessor(const ProcessorOptions& options, metrics::SampleSink& sink);

  // Parses every message of one packet received over `transport` at `now` (Unix seconds, the
  // receive time given to addSamples). Samples handed to the sink point into `packet`, so the
  // caller keeps it alive until flush() returns. May call the sink when a batch fills up.
  void process(std::string_view packet, Transport transport, double now);
  // Hands everything buffered to the sink; afterwards no view into earlier packets is kept.
  void flush();

  // Keeps the context cache's entries alive (ContextCache::pin): the name, host and tags of a
  // sample marked text_pinned stay valid while the handle and this processor live (extra tags
  // point into the processor's options).
  std::shared_ptr<const void> pinContextCache() const { return cache_.pin(); }

  // Counters since construction or the last takeCounters(); a worker publishes them.
  const ProcessorCounters& counters() const { return counters_; }
  ProcessorCounters takeCounters() {
    ProcessorCounters c = counters_;
    counters_.clear();
    return c;
  }

  // From this many cached contexts on, each line's cache lookup is prepared while the line
  // before it is processed. Below, the cache mostly stays in the CPU's caches and the guess
  // costs more than it saves (steady-state, 10,000 contexts: 4 % slower with it on).
  static constexpr size_t kGuessFromEntries = 32768;

 private:
  // The next line's lookup, guessed while this one is processed (see guessNextLine()).
  struct LineGuess {
    std::string_view name, tags;
    uint64_t hash = 0;
    const void* newline = nullptr;  // the '\n' that ends the line, if any (set even when !valid)
    bool valid = false;
  };
  void guessNextLine(std::string_view rest);
  void processMetric(std::string_view line, Transport transport, size_t line_no);
  void processEvent(std::string_view line, Transport transport, size_t line_no);
  void processServiceCheck(std::string_view line, Transport transport, size_t line_no);
  template <typename Parsed, typename Make>
  bool processOwned(std::string_view line, Transport transport, size_t line_no,
                    ParseError (Parser::*parse)(std::string_view, TagArena&, Parsed&),
                    Stat parse_errors, Stat invalid_fields, Make&& make);
  void reject(ParseError e, std::string_view line, Transport transport, size_t line_no);
  // A fresh sample at the end of the right batch (the batch is handed over first when full).
  metrics::MetricSample& nextSample(bool timestamped);
  // The samples of one parsed line with its resolved name, host, tags, source and key.
  void emitSamples(const ParsedMetric& m, const CachedContext& c, bool from_cache);
  void copyToDistribution(const metrics::MetricSample& s);
  // Makes room for the tags of a message of `message_size` bytes (inline: once per line, and
  // there is almost always room).
  void ensureTagRoom(size_t message_size) {
    const size_t need = message_size + 1 + enricher_.extraTags().size();
    if (arena_.remaining() < need) makeTagRoom(need);
  }
  void makeTagRoom(size_t need);
  void flushSamples();
  void flushSamplesWithTimestamp();
  bool eolRequired(Transport t) const { return eol_required_[static_cast<size_t>(t)]; }

  metrics::SampleSink& sink_;
  Parser parser_;
  Enricher enricher_;
  StringInterner interner_;
  TagArena arena_;
  ContextCache cache_;
  LineGuess guess_;       // the line being processed (guessed while the previous one was)
  LineGuess next_guess_;  // the line after it
  double cache_max_age_;
  size_t batch_size_;
  bool eol_required_[5] = {false, false, false, false, false};
  double now_ = 0;
  std::vector<metrics::MetricSample> samples_;
  std::vector<metrics::MetricSample> samples_with_ts_;
  std::vector<metrics::Event> events_;
  std::vector<metrics::ServiceCheck> service_checks_;
  ProcessorCounters counters_;
  uint64_t rejections_logged_ = 0;
  ParsedMetric parsed_metric_;
};

}  // namespace ddsim::dogstatsd
