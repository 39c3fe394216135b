#pragma once
// The trace receiver's request handling, independent of any socket (docs/trace-agent.md §1):
// /info, /v0.3/traces, /v0.4/traces, /v0.5/traces, /v0.7/traces, /v0.3/services and
// /v0.4/services (and /v0.6/stats with a stats sink), answered as the agent answers them
// (status codes, texts, the rate-by-service JSON). An HTTP server or an in-process transport
// calls handle(); decoded payloads go to the sink. Not thread-safe: one caller at a time.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace/msgpack_decoder.h"
#include "core/trace/span.h"
#include "core/trace/stats_payload.h"

namespace ddsim::trace {

struct ReceiverOptions {
  size_t max_request_bytes = 25 * 1024 * 1024;  // apm_config.max_payload_size (spec §1)
  std::string agent_version = "ddsim";
  std::string default_env = "none";
  double target_tps = 10;
  double max_eps = 200;
  int receiver_port = 8126;
  std::string receiver_socket;
  // /v0.6/stats is served (a stats sink is set): /info lists it and says client_drop_p0s.
  bool client_stats = false;
  // The listener serves /dogstatsd/v1/proxy and /dogstatsd/v2/proxy (ReceiverServer does): /info
  // lists them, last, as the agent's endpoints.go does.
  bool dogstatsd_proxy = false;
};

struct ReceiverRequest {
  std::string path;
  std::map<std::string, std::string> headers;  // keys in lower case
  std::string_view body;
};

struct ReceiverResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::map<std::string, std::string> headers;
};

// What a /v0.7/traces body carries besides its spans (a TracerPayload). Decoded and passed on;
// the processor does not use it yet (docs/trace-agent.md §1.2).
struct V07Attributes {
  std::string container_id, runtime_id, env, hostname, app_version;
  std::map<std::string, std::string> tags;
  std::vector<V07Chunk> chunks;  // chunks[i] describes traces[i]
};

// One accepted request, as the agent's Payload: tracer identity from the Datadog-Meta-* headers
// (for v0.7, from the body when it names them).
struct ReceivedPayload {
  std::string lang;
  std::string lang_version;
  std::string tracer_version;
  std::string endpoint;  // "v0.3", "v0.4", "v0.5" or "v0.7"
  Traces traces;
  std::optional<V07Attributes> v07;
  bool client_computed_top_level = false;
  bool client_computed_stats = false;
  int64_t client_dropped_p0_traces = 0;
};

// Every request counted by outcome; traces announced in X-Datadog-Trace-Count are counted as
// dropped by reason when a payload is refused, as the agent does.
struct ReceiverCounters {
  uint64_t payloads_accepted = 0;
  uint64_t traces_received = 0;
  uint64_t bytes_received = 0;
  uint64_t payloads_too_large = 0;
  uint64_t decoding_errors = 0;
  uint64_t traces_dropped_too_large = 0;
  uint64_t traces_dropped_decoding = 0;
  uint64_t client_dropped_p0_traces = 0;
  uint64_t not_found = 0;
  uint64_t stats_payloads = 0;          // /v0.6/stats accepted
  uint64_t stats_payloads_refused = 0;  // too large or not decodable
};

class TraceReceiver {
 public:
  using Sink = std::function<void(ReceivedPayload&&)>;
  // Client-computed stats from /v0.6/stats, with the tracer's Datadog-Meta-Lang and
  // Datadog-Meta-Tracer-Version.
  using StatsSink = std::function<void(ClientStatsPayload&&, const std::string& lang, const std::string& tracer_version)>;
  // `stats`: when set (and options.client_stats), /v0.6/stats is served; else it is a 404.
  TraceReceiver(ReceiverOptions options, Sink sink, StatsSink stats = nullptr);

  ReceiverResponse handle(const ReceiverRequest& request);

  // The sampling rates by "service:<s>,env:<e>" the samplers feed back, and their version
  // (Datadog-Rates-Payload-Version).
  void setRates(std::map<std::string, double> rates, std::string version);

  // The /info document (pretty-printed JSON).
  const std::string& info() const { return info_; }
  const ReceiverCounters& counters() const { return counters_; }

 private:
  ReceiverResponse handleTraces(const ReceiverRequest& request, std::string_view version);
  ReceiverResponse handleStats(const ReceiverRequest& request);
  ReceiverResponse rateByService(const ReceiverRequest& request) const;

  ReceiverOptions options_;
  Sink sink_;
  StatsSink stats_sink_;
  std::string info_;
  std::map<std::string, double> rates_;
  std::string rates_version_;
  ReceiverCounters counters_;
};

}  // namespace ddsim::trace
