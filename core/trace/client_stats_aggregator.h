#pragma once
// The trace agent's client stats aggregator (docs/trace-agent.md §8.6, from
// pkg/trace/stats/client_stats_aggregator.go [60d86c95] and agent.go ProcessStats): stats that
// tracers computed themselves (/v0.6/stats, a msgpack ClientStatsPayload) are put in 2 s
// buckets aligned on odd seconds (2k + 1 s, so that they never share a second with the
// concentrator's 10 s buckets). A bucket that receives one payload passes it through as it was;
// when a second one arrives both go out at once with their counts zeroed (agentAggregation
// "distributions"), and from then on every payload does, while hits, errors and durations are
// summed by key and sent when the bucket is flushed (agentAggregation "counts", 10 s duration).
// Buckets older than 20 s are flushed every tick; a bucket start older than that, or in the
// future, is moved (agentTimeShift). Output: StatsPayloads with clientComputed set, to the stats
// writer. No thread; time is an argument; thread-safe (one mutex).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/common/counters.h"
#include "core/trace/stats_payload.h"

namespace ddsim::trace {

struct ClientStatsAggregatorOptions {
  std::string agent_env = "none";
  std::string agent_hostname;
  std::string agent_version;
  // apm_config.peer_tags_aggregation: the peer tags are part of the counts' key.
  bool peer_tags_aggregation = true;
};

struct ClientStatsCounters {
  uint64_t payloads = 0;
  uint64_t buckets = 0;
  uint64_t buckets_time_shifted = 0;
  uint64_t payloads_out = 0;
};

class ClientStatsAggregator {
 public:
  using Output = std::function<void(StatsPayload&&)>;
  ClientStatsAggregator(ClientStatsAggregatorOptions options, int64_t now_ns, Output out);
  ~ClientStatsAggregator();

  // One tracer payload, already processed (processClientStats). May emit at once (collisions).
  void add(int64_t now_ns, ClientStatsPayload payload);
  // The agent's 1 s ticker: flushes every bucket older than 20 s.
  void tick(int64_t now_ns);
  // On stop: every bucket.
  void flushAll();

  ClientStatsCounters counters() const;
  common::TelemetrySnapshot telemetry() const;

 private:
  struct Bucket;
  void emit(std::vector<ClientStatsPayload>&& payloads);

  ClientStatsAggregatorOptions options_;
  Output out_;
  mutable std::mutex mu_;
  int64_t oldest_ts_;  // ns, aligned
  std::map<int64_t, std::unique_ptr<Bucket>> buckets_;
  ClientStatsCounters counters_;
};

// agent.go ProcessStats, before the aggregator: the tracer's language and version from the
// request headers when the payload has none, env normalized (the agent's when empty), and each
// group's service, name and resource normalized as spans are (obfuscation not built), and groups
// with the same key in a bucket merged (mergeDuplicates).
void processClientStats(ClientStatsPayload& p, const std::string& lang, const std::string& tracer_version,
                        const std::string& agent_env);

// The aggregator's alignment: 2 s buckets starting at odd seconds.
int64_t alignClientStatsTs(int64_t ns);

}  // namespace ddsim::trace
