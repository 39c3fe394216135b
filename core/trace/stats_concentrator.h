#pragma once
// The trace agent's stats concentrator (docs/trace-agent.md §8, from pkg/trace/stats/
// concentrator.go, statsraw.go, aggregation.go [the vintage with span kind, peer tags and
// is_trace_root]): every processed chunk, before sampling, adds its top-level, measured and
// (by span.kind) client/server/producer/consumer spans to 10 s buckets keyed by the span's end
// time; each bucket aggregates hits, errors, top-level hits, total duration and ok/error
// latency sketches by (env, hostname, version, container) × (service, name, resource, type,
// span.kind, HTTP status, synthetics, peer tags, is_trace_root). flush(now) hands out the
// buckets older than bufferLen buckets as a StatsPayload; a late span lands in the oldest bucket
// still open. No thread, no clock of its own: time is an argument. Thread-safe (one mutex).
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/common/counters.h"
#include "core/common/random.h"
#include "core/trace/stats_payload.h"
#include "core/trace/trace_chunk.h"

namespace ddsim::trace {

// The agent's default peer tag keys (concentrator.go defaultPeerTags).
const std::vector<std::string>& defaultPeerTagKeys();

struct StatsConcentratorOptions {
  // apm_config bucket interval: 10 s.
  int64_t bucket_ns = 10'000'000'000;
  // concentrator.go defaultBufferLen: the current and previous bucket stay open.
  int buffer_len = 2;
  // The payload's agent fields; env also stands in for a trace without one (apm_config.env).
  std::string agent_env = "none";
  std::string agent_hostname;
  std::string agent_version;
  // apm_config.peer_tags_aggregation (true): client/producer spans are also grouped by their
  // peer tags (defaultPeerTagKeys() plus peer_tags).
  bool peer_tags_aggregation = true;
  std::vector<std::string> peer_tags;
  // apm_config.compute_stats_by_span_kind (true): spans with span.kind server, client,
  // producer or consumer count even when neither top-level nor measured.
  bool compute_stats_by_span_kind = true;
  // Seed of the agent's random rounding of weighted counts (statsraw.go round).
  uint64_t seed = 0;
};

// What the concentrator takes from the tracer payload of a chunk (traceutil.ProcessedTrace).
struct StatsChunkContext {
  std::string tracer_env;       // the tracer payload's env ("" → agent env)
  std::string tracer_hostname;  // ("" → agent hostname)
  std::string app_version;
  std::string container_id;     // only with the enable_cid_stats feature (off: leave empty)
  std::string git_commit_sha;
  std::string image_tag;
};

struct StatsConcentratorCounters {
  uint64_t chunks = 0;
  uint64_t spans_seen = 0;
  uint64_t spans_counted = 0;         // top-level, measured or eligible by span.kind
  uint64_t spans_partial_skipped = 0; // partial snapshots of long-running spans
  uint64_t spans_late = 0;            // counted in the oldest open bucket instead of their own
  uint64_t buckets_flushed = 0;
  uint64_t groups_flushed = 0;
};

class StatsConcentrator {
 public:
  // `now_ns`: wall time at start; only the bucket holding it is open for late spans.
  StatsConcentrator(StatsConcentratorOptions options, int64_t now_ns);
  ~StatsConcentrator();

  // Adds one processed chunk (precondition: root < chunk.spans.size()).
  void add(const TraceChunk& chunk, size_t root, const StatsChunkContext& ctx);
  // Takes out every bucket at least buffer_len buckets old (every bucket with force, on stop)
  // and moves the oldest open bucket forward. The payload has no ClientStatsPayload when there
  // was nothing to flush.
  StatsPayload flush(int64_t now_ns, bool force);

  StatsConcentratorCounters counters() const;
  // trace.stats.* counters for the telemetry snapshot.
  common::TelemetrySnapshot telemetry() const;
  // Number of buckets open (tests).
  size_t openBuckets() const;

 private:
  struct Bucket;
  struct KeyStore;  // the payload keys groups point at; only grows
  StatsConcentratorOptions options_;
  std::unique_ptr<KeyStore> keys_;
  const void* last_payload_ = nullptr;  // the payload key of the previous chunk
  std::vector<std::string> peer_tag_keys_;  // sorted, deduplicated
  mutable std::mutex mu_;
  int64_t oldest_ts_;
  std::map<int64_t, std::unique_ptr<Bucket>> buckets_;
  common::Random random_;
  StatsConcentratorCounters counters_;
};

// statsraw.go round: the integer below f, plus one with probability frac(f).
uint64_t roundStochastic(double f, common::Random& random);
// aggregation.go getStatusCode: the http.status_code metric, else the meta parsed as uint32
// (0 when absent or invalid).
uint32_t statsStatusCode(const Span& span);
// aggregation.go peerTagsHash: FNV-1a 64 of the sorted tags joined by NUL (0 for none).
uint64_t peerTagsHash(std::vector<std::string>& tags);

}  // namespace ddsim::trace
