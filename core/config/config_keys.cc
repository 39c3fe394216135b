#include "core/config/config_keys.h"

#include <algorithm>
#include <string>
#include <vector>

namespace ddsim::config {
namespace {

using nlohmann::json;
using K = KeyType;

std::vector<KeySpec> buildTable() {
  std::vector<KeySpec> t = {
      // Identity, endpoints, logging (spec §6.1, §10).
      {"api_key", K::kString, nullptr, "forwarder", "API key sent as DD-API-KEY"},
      {"site", K::kString, "datadoghq.com", "forwarder", "Datadog site; main endpoint is https://app.<site>"},
      {"dd_url", K::kString, nullptr, "forwarder", "main intake URL (overrides site)"},
      {"additional_endpoints", K::kMap, json::object(), "forwarder", "extra intake URLs -> list of API keys"},
      {"hostname", K::kString, "", "aggregator", "host name attached to metrics; empty = the machine's"},
      {"tags", K::kStringList, json::array(), "aggregator", "global host tags"},
      {"log_level", K::kString, "info", "common", "trace, debug, info, warn, error, critical, off"},
      {"run_path", K::kString, "run", "forwarder", "directory for run-time state (disk retry queue)"},
      {"allow_arbitrary_tags", K::kBool, false, "forwarder", "sends Allow-Arbitrary-Tag-Value: true"},
      {"skip_ssl_validation", K::kBool, false, "forwarder", "do not verify TLS certificates"},
      {"min_tls_version", K::kString, "tlsv1.2", "forwarder", "minimum TLS version"},
      // Histograms (spec §1.4).
      {"histogram_aggregates", K::kStringList, json::array({"max", "median", "avg", "count"}), "aggregator",
       "aggregates emitted for histograms: max, min, median, avg, sum, count"},
      {"histogram_percentiles", K::kStringList, json::array({"0.95"}), "aggregator",
       "percentiles emitted for histograms, as strings in [0,1]"},
      {"histogram_copy_to_distribution", K::kBool, false, "dogstatsd", "also send histograms as distributions"},
      {"histogram_copy_to_distribution_prefix", K::kString, "", "dogstatsd", "name prefix of those copies"},
      // DogStatsD (spec §8, §10).
      {"bind_host", K::kString, "localhost", "dogstatsd", "address the listeners bind to"},
      {"dogstatsd_port", K::kInt, 8125, "dogstatsd", "UDP port (0 = off)"},
      {"dogstatsd_non_local_traffic", K::kBool, false, "dogstatsd", "listen on all interfaces"},
      {"dogstatsd_socket", K::kString, "/var/run/datadog/dsd.socket", "dogstatsd", "Unix datagram socket path"},
      {"dogstatsd_stream_socket", K::kString, "", "dogstatsd", "Unix stream socket path (length-prefixed)"},
      {"dogstatsd_buffer_size", K::kInt, 8192, "dogstatsd", "read buffer per packet", "bytes"},
      {"dogstatsd_so_rcvbuf", K::kInt, 0, "dogstatsd", "socket receive buffer (0 = system default)", "bytes"},
      {"dogstatsd_packet_buffer_size", K::kInt, 32, "dogstatsd", "packets batched per worker hand-off", "packets"},
      {"dogstatsd_packet_buffer_flush_timeout", K::kDuration, 0.1, "dogstatsd", "flush a partial packet batch after",
       "seconds"},
      {"dogstatsd_queue_size", K::kInt, 1024, "dogstatsd", "packet batches queued to workers", "packet batches"},
      {"dogstatsd_workers_count", K::kInt, 0, "dogstatsd",
       "parsing workers (0 = max(2, usable CPUs - 1 - dogstatsd_pipeline_count), at most the usable CPUs)", "threads"},
      {"dogstatsd_eol_required", K::kStringList, json::array(), "dogstatsd", "transports whose last line must end in \\n"},
      {"dogstatsd_expiry_seconds", K::kInt, 300, "aggregator", "counters report 0 this long after their last sample",
       "seconds"},
      {"dogstatsd_context_expiry_seconds", K::kInt, 20, "aggregator", "idle contexts are forgotten after this",
       "seconds"},
      {"dogstatsd_tags", K::kStringList, json::array(), "dogstatsd", "tags added to every DogStatsD metric, event and check"},
      {"dogstatsd_origin_detection", K::kBool, false, "dogstatsd", "origin detection over UDS"},
      {"dogstatsd_origin_detection_client", K::kBool, false, "dogstatsd", "honour client c:/e: origin fields"},
      {"dogstatsd_flush_incomplete_buckets", K::kBool, false, "aggregator",
       "the shutdown flush also sends the open 10 s buckets (off: their samples are lost)"},
      {"dogstatsd_no_aggregation_pipeline", K::kBool, true, "aggregator", "send |T-timestamped samples unaggregated"},
      {"dogstatsd_no_aggregation_pipeline_batch_size", K::kInt, 2048, "aggregator", "no-aggregation batch size",
       "samples"},
      {"dogstatsd_pipeline_count", K::kInt, 1, "aggregator", "time sampler shards"},
      {"dogstatsd_pipeline_autoadjust", K::kBool, false, "aggregator", "pick the shard count automatically"},
      {"dogstatsd_string_interner_size", K::kInt, 4096, "dogstatsd", "interned strings per worker", "strings"},
      {"dogstatsd_capture_path", K::kString, "", "dogstatsd", "where captures are written"},
      {"dogstatsd_capture_depth", K::kInt, 0, "dogstatsd", "capture channel depth", "packets"},
      {"statsd_metric_namespace", K::kString, "", "dogstatsd", "prefix added to metric names"},
      {"statsd_metric_namespace_blacklist", K::kStringList, nullptr, "dogstatsd",
       "prefixes exempt from the namespace (unset = the agent's standard list)"},
      {"statsd_metric_blocklist", K::kStringList, json::array(), "dogstatsd", "metric names dropped"},
      {"statsd_metric_blocklist_match_prefix", K::kBool, false, "dogstatsd", "blocklist entries match as prefixes"},
      // Aggregator (spec §3, §10).
      {"aggregator_buffer_size", K::kInt, 100, "aggregator", "inbox depth of the aggregator", "items"},
      {"aggregator_stop_timeout", K::kDuration, 2, "aggregator", "final flush budget at stop", "seconds"},
      {"aggregator_use_tags_store", K::kBool, true, "aggregator", "share tag sets between contexts"},
      {"aggregator_flush_metrics_and_serialize_in_parallel_chan_size", K::kInt, 200, "aggregator", "batch size while streaming a flush",
       "metrics"},
      {"aggregator_flush_metrics_and_serialize_in_parallel_buffer_size", K::kInt, 4000, "aggregator", "channel size while streaming a flush",
       "metrics"},
      {"basic_telemetry_add_container_tags", K::kBool, false, "aggregator", "container tags on default series"},
      {"check_sampler_bucket_commits_count_expiry", K::kInt, 2, "aggregator", "check contexts expire after this many commits unseen",
       "commits"},
      {"check_sampler_expire_metrics", K::kBool, true, "aggregator", "expire check metrics at all"},
      {"check_sampler_stateful_metric_expiration_time", K::kDuration, 25 * 3600, "aggregator", "keep stateful check metrics this long",
       "seconds"},
      {"check_sampler_context_metrics", K::kBool, false, "aggregator", "per-context check telemetry"},
      // Trace agent receiver (docs/trace-agent.md §1.1). The agent enables APM by default; ddsim
      // does not, so that a metrics-only run binds no trace port.
      {"apm_config.enabled", K::kBool, false, "trace", "run the trace receiver (ddsim default: off)"},
      {"apm_config.receiver_port", K::kInt, 8126, "trace",
       "TCP port of the trace receiver on 127.0.0.1 (0 = off; ddsim: -1 = any free port, printed)"},
      {"apm_config.receiver_socket", K::kString, "", "trace", "Unix socket the trace receiver also listens on (empty: none)"},
      // The samplers' budgets and switches (pkg/config/setup/apm.go; docs/trace-agent.md §7).
      {"apm_config.max_traces_per_second", K::kFloat, 10.0, "trace",
       "the priority and no-priority samplers' target of kept traces per second (env DD_APM_MAX_TPS)"},
      {"apm_config.errors_per_second", K::kFloat, 10.0, "trace",
       "the error sampler's budget of kept traces with an error per second (env DD_APM_ERROR_TPS)"},
      {"apm_config.enable_rare_sampler", K::kBool, false, "trace",
       "keep the first traces of unseen signatures (the rare sampler)"},
      // The trace agent's default env and its writers (docs/trace-agent.md §6.1, §10): env for
      // spans and payloads without one, apm_config.env first, then env
      // (comp/trace/config/setup.go, GetTraceAgentDefaultEnv); the writer keys as
      // pkg/config/setup/apm.go knows them (no environment variable of their own).
      {"apm_config.env", K::kString, "", "trace", "the trace agent's default env (env DD_APM_ENV; empty: env, else none)"},
      {"env", K::kString, "", "common", "the host's env; the trace agent's default env when apm_config.env is unset"},
      {"apm_config.trace_writer.flush_period_seconds", K::kFloat, 5.0, "trace",
       "the trace writer flushes what it holds this often", "seconds"},
      {"apm_config.trace_writer.connection_limit", K::kInt, 0, "trace",
       "trace payloads out to the forwarder at once (0: the agent's default, 200)"},
      {"apm_config.trace_writer.queue_size", K::kInt, 0, "trace",
       "trace payloads waiting beyond connection_limit; when full the oldest is dropped, counted (0: the agent's default, 163)", "payloads"},
      {"apm_config.stats_writer.connection_limit", K::kInt, 0, "trace",
       "stats payloads out to the forwarder at once (0: the agent's default, 5)"},
      {"apm_config.stats_writer.queue_size", K::kInt, 0, "trace",
       "stats payloads waiting beyond connection_limit; when full the oldest is dropped, counted (0: the agent's default, 174)", "payloads"},
      {"telemetry.enabled", K::kBool, false, "common", "internal telemetry; ddsim agent serves it on expvar_port"},
      {"expvar_port", K::kInt, 5000, "common", "loopback port of /telemetry (ddsim: 0 = any free port, printed)"},
      {"telemetry.dogstatsd_origin", K::kBool, false, "aggregator", "contexts-by-origin gauges"},
      {"log_payloads", K::kBool, false, "serializer", "log every payload (debug)"},
      // Serializer (spec §5, §10). Compression defaults follow today's agent: zstd level 1.
      {"use_v2_api.series", K::kBool, true, "serializer", "series as v2 protobuf (false: v1 JSON)"},
      {"serializer_max_payload_size", K::kInt, 2621440, "serializer", "compressed limit, JSON and sketches", "bytes"},
      {"serializer_max_uncompressed_payload_size", K::kInt, 4194304, "serializer", "uncompressed limit, JSON and sketches",
       "bytes"},
      {"serializer_max_series_points_per_payload", K::kInt, 10000, "serializer", "points per v2 series payload",
       "points"},
      {"serializer_max_series_payload_size", K::kInt, 512000, "serializer", "compressed limit, v2 series", "bytes"},
      {"serializer_max_series_uncompressed_payload_size", K::kInt, 5242880, "serializer", "uncompressed limit, v2 series",
       "bytes"},
      {"serializer_compressor_kind", K::kString, "zstd", "serializer", "zstd, zlib, gzip or none"},
      {"serializer_zstd_compressor_level", K::kInt, 1, "serializer", "zstd level"},
      {"enable_payloads.series", K::kBool, true, "serializer", "send series"},
      {"enable_payloads.sketches", K::kBool, true, "serializer", "send sketches"},
      {"enable_payloads.service_checks", K::kBool, true, "serializer", "send service checks"},
      {"enable_payloads.events", K::kBool, true, "serializer", "send events"},
      {"enable_payloads.json_to_v1_intake", K::kBool, true, "serializer", "send /intake/ JSON payloads"},
      {"enable_stream_payload_serialization", K::kBool, true, "serializer", "stream series/JSON payloads"},
      {"enable_service_checks_stream_payload_serialization", K::kBool, true, "serializer", "stream service checks"},
      {"enable_events_stream_payload_serialization", K::kBool, true, "serializer", "stream events"},
      {"enable_sketch_stream_payload_serialization", K::kBool, true, "serializer", "stream sketches"},
      {"enable_json_stream_shared_compressor_buffers", K::kBool, true, "serializer", "share compressor buffers"},
      {"orchestrator_explorer.use_legacy_endpoint", K::kBool, false, "serializer", "orchestrator to /api/v1/orchestrator"},
      // Forwarder (spec §6, §10).
      {"forwarder_timeout", K::kDuration, 20, "forwarder", "HTTP timeout per transaction", "seconds"},
      {"forwarder_num_workers", K::kInt, 1, "forwarder", "workers per domain"},
      {"forwarder_stop_timeout", K::kDuration, 2, "forwarder", "budget to drain high-priority work at stop", "seconds"},
      {"forwarder_retry_queue_payloads_max_size", K::kInt, nullptr, "forwarder", "retry queue byte budget (unset = 15 MiB)",
       "bytes"},
      {"forwarder_retry_queue_max_size", K::kInt, nullptr, "forwarder", "deprecated: N transactions => N * 2 MiB",
       "transactions"},
      {"forwarder_backoff_factor", K::kFloat, 2.0, "forwarder", "circuit breaker backoff factor"},
      {"forwarder_backoff_base", K::kFloat, 2.0, "forwarder", "circuit breaker backoff base (s)", "seconds"},
      {"forwarder_backoff_max", K::kFloat, 64.0, "forwarder", "circuit breaker backoff cap (s)", "seconds"},
      {"forwarder_recovery_interval", K::kInt, 2, "forwarder", "errors forgiven per success", "errors"},
      {"forwarder_recovery_reset", K::kBool, false, "forwarder", "a success clears all errors"},
      {"forwarder_apikey_validation_interval", K::kInt, 60, "forwarder", "minutes between API key checks", "minutes"},
      {"forwarder_connection_reset_interval", K::kDuration, 0, "forwarder", "recreate HTTP clients this often (0 = off)",
       "seconds"},
      {"forwarder_high_prio_buffer_size", K::kInt, 100, "forwarder", "high-priority queue depth", "transactions"},
      {"forwarder_low_prio_buffer_size", K::kInt, 100, "forwarder", "low-priority queue depth", "transactions"},
      {"forwarder_requeue_buffer_size", K::kInt, 100, "forwarder", "requeue queue depth", "transactions"},
      {"forwarder_storage_path", K::kString, "", "forwarder", "disk retry directory (empty = <run_path>/transactions_to_retry)"},
      {"forwarder_storage_max_size_in_bytes", K::kInt, 0, "forwarder", "disk retry budget (0 = disk spill off)",
       "bytes"},
      {"forwarder_storage_max_disk_ratio", K::kFloat, 0.80, "forwarder", "never fill the disk beyond this ratio",
       "ratio 0-1"},
      {"forwarder_flush_to_disk_mem_ratio", K::kFloat, 0.5, "forwarder", "share of the queue written per spill",
       "ratio 0-1"},
      {"forwarder_outdated_file_in_days", K::kInt, 10, "forwarder", "retry files older than this are deleted", "days"},
      {"forwarder_retry_queue_capacity_time_interval_sec", K::kInt, 900, "forwarder", "retry-queue capacity window",
       "seconds"},
      {"logging_frequency", K::kInt, 500, "forwarder", "log every Nth successful transaction", "transactions"},
      // ddsim's own knobs: the agent hard-codes these (spec §10 "Hard-coded").
      {"ddsim.flush_interval", K::kDuration, 15, "aggregator", "aggregator flush interval (agent: fixed 15 s)",
       "seconds"},
      {"ddsim.agent_version", K::kString, "7.57.0", "forwarder", "version reported in headers and tags"},
      {"ddsim.forwarder_stop_mode", K::kString, "agent", "forwarder",
       "agent: the agent's stop (in-flight cancelled, high priority purged); drain: sends finish first"},
      {"ddsim.agent_payload_version", K::kString, "v5.0.125", "serializer", "DD-Agent-Payload header value"},
      // Recording tracer traffic for replay workloads (docs/scenarios.md "replay").
      {"ddsim.trace_record_path", K::kString, "", "trace",
       "record every request the trace receiver gets into this .ddtrace file (empty: off)"},
      {"ddsim.trace_record_max_bytes", K::kInt, int64_t{1} << 30, "trace",
       "largest trace recording; later requests are counted, not recorded", "bytes"},
      // ddsim's DogStatsD intake knobs (docs/dogstatsd-ingest.md); the agent has none of these.
      {"ddsim.dogstatsd_queue_max_bytes", K::kInt, 32 << 20, "dogstatsd",
       "most packet memory queued to the workers; a batch that does not fit is dropped (queue_full)", "bytes"},
      {"ddsim.dogstatsd_listener_priority", K::kString, "realtime", "dogstatsd",
       "realtime: datagram readers preempt other threads (SCHED_FIFO 1 or a short slice); normal"},
      {"ddsim.dogstatsd_read_coalesce", K::kDuration, 0.0001, "dogstatsd",
       "with worker reads off: a datagram reader that emptied its socket waits up to this long before reading again", "seconds"},
      {"ddsim.dogstatsd_context_cache_bytes", K::kInt, 32 << 20, "dogstatsd",
       "most memory of each DogStatsD worker's context cache (raw name and tags -> resolved context); 0 turns it off",
       "bytes"},
      {"ddsim.dogstatsd_worker_reads", K::kBool, true, "dogstatsd",
       "a worker that runs out of queued packets reads a datagram socket itself instead of waiting for the reader thread"},
      {"ddsim.dogstatsd_reader_watch", K::kDuration, 0.0002, "dogstatsd",
       "with worker reads: the reader thread reads only once the socket has gone this long without being emptied",
       "seconds"},
      {"ddsim.dogstatsd_queue_full_pause", K::kDuration, 0.001, "dogstatsd",
       "on a full worker queue, a datagram reader drops the batch and stops reading this long (the kernel drops meanwhile); a Unix stream reader keeps it and retries after this long (the sender waits); 0: both drop",
       "seconds"},
  };
  std::sort(t.begin(), t.end(), [](const KeySpec& a, const KeySpec& b) { return a.name < b.name; });
  return t;
}

const std::vector<KeySpec>& table() {
  static const std::vector<KeySpec> t = buildTable();
  return t;
}

}  // namespace

std::string_view keyTypeName(KeyType t) {
  switch (t) {
    case KeyType::kBool: return "bool";
    case KeyType::kInt: return "integer";
    case KeyType::kFloat: return "number";
    case KeyType::kString: return "string";
    case KeyType::kStringList: return "list of strings";
    case KeyType::kDuration: return "duration";
    case KeyType::kMap: return "mapping";
  }
  return "?";
}

std::span<const KeySpec> allKeys() { return table(); }

const KeySpec* findKey(std::string_view name) {
  const auto& t = table();
  auto it = std::lower_bound(t.begin(), t.end(), name,
                             [](const KeySpec& k, std::string_view n) { return k.name < n; });
  if (it == t.end() || it->name != name) return nullptr;
  return &*it;
}

std::string envVarName(std::string_view key) {
  // Bindings whose variable is not derived from the key (pkg/config/setup/apm.go BindEnv).
  if (key == "apm_config.max_traces_per_second") return "DD_APM_MAX_TPS";
  if (key == "apm_config.errors_per_second") return "DD_APM_ERROR_TPS";
  // Known to the agent without an environment binding (apm.go SetKnown).
  if (key.find("_writer.") != std::string_view::npos && key.substr(0, 11) == "apm_config.") return "";
  std::string out = "DD_";
  // The agent binds its apm_config.* keys to DD_APM_* (pkg/config/setup/apm.go).
  if (constexpr std::string_view apm = "apm_config."; key.substr(0, apm.size()) == apm) {
    out += "APM_";
    key.remove_prefix(apm.size());
  }
  for (char c : key) {
    if (c == '.') out += '_';
    else out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace ddsim::config
