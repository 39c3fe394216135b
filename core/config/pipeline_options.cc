#include "core/config/pipeline_options.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <string>

namespace ddsim::config {
namespace {

common::Duration seconds(double s) { return common::fromSeconds(s); }

common::Status badValue(const AgentConfig& cfg, std::string_view key, const std::string& why) {
  return common::invalidArgument(cfg.sourceOf(key) + ": " + std::string(key) + ": " + why);
}

}  // namespace

common::Result<PipelineOptions> pipelineOptions(const AgentConfig& cfg) {
  PipelineOptions o;
  o.hostname = cfg.getString("hostname");
  o.log_level = cfg.getString("log_level");
  const std::string version = cfg.getString("ddsim.agent_version");

  // DogStatsD (spec §8, §10).
  auto& d = o.dogstatsd;
  // A port outside 0-65535 is an error, not silently truncated to 16 bits (-1: a free port).
  if (cfg.getInt("dogstatsd_port") < -1 || cfg.getInt("dogstatsd_port") > 65535) {
    return badValue(cfg, "dogstatsd_port", "must be a port in 0-65535 (0 = off, -1 = a free port), got " +
                                               std::to_string(cfg.getInt("dogstatsd_port")));
  }
  d.port = static_cast<int>(cfg.getInt("dogstatsd_port"));
  d.bind_host = cfg.getString("bind_host");
  d.non_local_traffic = cfg.getBool("dogstatsd_non_local_traffic");
  d.socket_path = cfg.getString("dogstatsd_socket");
  d.stream_socket_path = cfg.getString("dogstatsd_stream_socket");
  if (cfg.getInt("dogstatsd_buffer_size") <= 0) return badValue(cfg, "dogstatsd_buffer_size", "must be > 0");
  d.buffer_size = static_cast<size_t>(cfg.getInt("dogstatsd_buffer_size"));
  if (cfg.getInt("dogstatsd_packet_buffer_size") <= 0) {
    return badValue(cfg, "dogstatsd_packet_buffer_size", "must be > 0");
  }
  d.packet_buffer_size = static_cast<size_t>(cfg.getInt("dogstatsd_packet_buffer_size"));
  if (cfg.getInt("dogstatsd_queue_size") <= 0) return badValue(cfg, "dogstatsd_queue_size", "must be > 0");
  d.queue_size = static_cast<size_t>(cfg.getInt("dogstatsd_queue_size"));
  d.so_rcvbuf = static_cast<int>(cfg.getInt("dogstatsd_so_rcvbuf"));
  if (cfg.getInt("dogstatsd_workers_count") < 0) return badValue(cfg, "dogstatsd_workers_count", "must be >= 0");
  d.workers_count = static_cast<int>(cfg.getInt("dogstatsd_workers_count"));
  if (cfg.getInt("ddsim.dogstatsd_queue_max_bytes") <= 0) {
    return badValue(cfg, "ddsim.dogstatsd_queue_max_bytes", "must be > 0");
  }
  d.queue_max_bytes = static_cast<size_t>(cfg.getInt("ddsim.dogstatsd_queue_max_bytes"));
  const std::string priority = cfg.getString("ddsim.dogstatsd_listener_priority");
  if (priority != "realtime" && priority != "normal") {
    return badValue(cfg, "ddsim.dogstatsd_listener_priority", "expected realtime or normal, got '" + priority + "'");
  }
  d.listener_priority =
      priority == "realtime" ? dogstatsd::ListenerPriority::kRealtime : dogstatsd::ListenerPriority::kNormal;
  const double coalesce = cfg.getDurationSeconds("ddsim.dogstatsd_read_coalesce");
  if (coalesce < 0 || coalesce > 0.1) {
    return badValue(cfg, "ddsim.dogstatsd_read_coalesce", "must be between 0 and 0.1 s");
  }
  d.read_coalesce_us = static_cast<int>(coalesce * 1e6 + 0.5);
  const double full_pause = cfg.getDurationSeconds("ddsim.dogstatsd_queue_full_pause");
  if (full_pause < 0 || full_pause > 0.1) {
    return badValue(cfg, "ddsim.dogstatsd_queue_full_pause", "must be between 0 and 0.1 s");
  }
  d.queue_full_pause_us = static_cast<int>(full_pause * 1e6 + 0.5);
  d.worker_reads = cfg.getBool("ddsim.dogstatsd_worker_reads");
  const double watch = cfg.getDurationSeconds("ddsim.dogstatsd_reader_watch");
  if (watch < 0.00001 || watch > 0.1) {
    return badValue(cfg, "ddsim.dogstatsd_reader_watch", "must be between 0.00001 and 0.1 s");
  }
  d.reader_watch_us = static_cast<int>(watch * 1e6 + 0.5);
  d.pipeline_count = static_cast<int>(cfg.getInt("dogstatsd_pipeline_count"));
  d.origin_detection = cfg.getBool("dogstatsd_origin_detection");
  auto& p = d.processor;
  p.parser.read_timestamps = cfg.getBool("dogstatsd_no_aggregation_pipeline");
  p.parser.origin_detection_client = cfg.getBool("dogstatsd_origin_detection_client");
  p.enrich.default_hostname = o.hostname;
  p.enrich.metric_namespace = cfg.getString("statsd_metric_namespace");
  if (cfg.has("statsd_metric_namespace_blacklist")) {
    p.enrich.namespace_blacklist = cfg.getStringList("statsd_metric_namespace_blacklist");
  }
  p.enrich.metric_blocklist = cfg.getStringList("statsd_metric_blocklist");
  p.enrich.metric_blocklist_match_prefix = cfg.getBool("statsd_metric_blocklist_match_prefix");
  p.enrich.extra_tags = cfg.getStringList("dogstatsd_tags");
  p.enrich.histogram_copy_to_distribution = cfg.getBool("histogram_copy_to_distribution");
  p.enrich.histogram_copy_to_distribution_prefix = cfg.getString("histogram_copy_to_distribution_prefix");
  p.eol_required = cfg.getStringList("dogstatsd_eol_required");
  for (const auto& t : p.eol_required) {
    if (t != "udp" && t != "uds" && t != "named_pipe") {
      return badValue(cfg, "dogstatsd_eol_required", "unknown transport '" + t + "' (expected udp, uds, named_pipe)");
    }
  }
  p.string_interner_size = static_cast<size_t>(std::max<int64_t>(1, cfg.getInt("dogstatsd_string_interner_size")));
  if (cfg.getInt("ddsim.dogstatsd_context_cache_bytes") < 0) {
    return badValue(cfg, "ddsim.dogstatsd_context_cache_bytes", "must be >= 0 (0 turns the cache off)");
  }
  p.context_cache_bytes = static_cast<size_t>(cfg.getInt("ddsim.dogstatsd_context_cache_bytes"));
  // The cache forgets everything as often as the aggregator expires idle contexts, so it never
  // outlives a context the aggregator has forgotten by more than that.
  if (cfg.getInt("dogstatsd_context_expiry_seconds") > 0) {
    p.context_cache_max_age_seconds = static_cast<double>(cfg.getInt("dogstatsd_context_expiry_seconds"));
  }

  // Aggregator (spec §3, §1.4).
  auto& a = o.aggregator;
  a.aggregator.hostname = o.hostname;
  a.aggregator.agent_version = version;
  a.aggregator.global_tags = cfg.getStringList("tags");
  a.aggregator.use_tags_store = cfg.getBool("aggregator_use_tags_store");
  a.aggregator.check_sampler.bucket_commits_count_expiry = cfg.getInt("check_sampler_bucket_commits_count_expiry");
  a.aggregator.check_sampler.expire_metrics = cfg.getBool("check_sampler_expire_metrics");
  a.aggregator.check_sampler.stateful_metric_expiration_seconds =
      cfg.getDurationSeconds("check_sampler_stateful_metric_expiration_time");
  a.aggregator.check_sampler.context_metrics = cfg.getBool("check_sampler_context_metrics");
  a.time_sampler.dogstatsd_expiry_seconds = cfg.getInt("dogstatsd_expiry_seconds");
  a.time_sampler.dogstatsd_context_expiry_seconds = cfg.getInt("dogstatsd_context_expiry_seconds");
  a.time_sampler.use_tags_store = cfg.getBool("aggregator_use_tags_store");
  a.histogram.aggregates = cfg.getStringList("histogram_aggregates");
  a.histogram.percentiles = cfg.getStringList("histogram_percentiles");
  // The agent logs and skips an unknown aggregate or a bad percentile; ddsim refuses the config,
  // so a typo cannot quietly remove a series from a run.
  std::vector<std::string> rejected;
  (void)metrics::HistogramConfig(a.histogram, &rejected);
  for (std::string_view key : {"histogram_aggregates", "histogram_percentiles"}) {
    std::string why;
    for (const auto& r : rejected) {
      if (r.size() > key.size() + 2 && r.compare(0, key.size(), key) == 0) {
        why += (why.empty() ? "" : "; ") + r.substr(key.size() + 2);
      }
    }
    if (!why.empty()) return badValue(cfg, key, why);
  }
  a.pipeline_count = static_cast<int>(cfg.getInt("dogstatsd_pipeline_count"));
  if (a.pipeline_count < 1) return badValue(cfg, "dogstatsd_pipeline_count", "must be >= 1");
  a.flush_interval_seconds = cfg.getDurationSeconds("ddsim.flush_interval");
  if (a.flush_interval_seconds <= 0) return badValue(cfg, "ddsim.flush_interval", "must be > 0");
  a.no_aggregation_pipeline = cfg.getBool("dogstatsd_no_aggregation_pipeline");
  a.flush_incomplete_buckets = cfg.getBool("dogstatsd_flush_incomplete_buckets");
  a.no_aggregation_batch_size = static_cast<int>(cfg.getInt("dogstatsd_no_aggregation_pipeline_batch_size"));

  // Serializer (spec §5).
  auto& s = o.serializer;
  bool unknown = false;
  s.compression.kind = serializer::compressorKindFromName(cfg.getString("serializer_compressor_kind"), &unknown);
  if (unknown) {
    return badValue(cfg, "serializer_compressor_kind",
                    "unknown compressor '" + cfg.getString("serializer_compressor_kind") +
                        "' (expected zstd, zlib, gzip or none)");
  }
  s.compression.zstd_level = static_cast<int>(cfg.getInt("serializer_zstd_compressor_level"));
  s.use_v2_api_series = cfg.getBool("use_v2_api.series");
  s.series_v2_limits.max_payload_size = cfg.getInt("serializer_max_series_payload_size");
  s.series_v2_limits.max_uncompressed_size = cfg.getInt("serializer_max_series_uncompressed_payload_size");
  s.series_v2_limits.max_points_per_payload = cfg.getInt("serializer_max_series_points_per_payload");
  s.json_limits.max_payload_size = cfg.getInt("serializer_max_payload_size");
  s.json_limits.max_uncompressed_size = cfg.getInt("serializer_max_uncompressed_payload_size");
  for (auto key : {"serializer_max_series_payload_size", "serializer_max_series_uncompressed_payload_size",
                   "serializer_max_series_points_per_payload", "serializer_max_payload_size",
                   "serializer_max_uncompressed_payload_size"}) {
    if (cfg.getInt(key) <= 0) return badValue(cfg, key, "must be > 0");
  }
  s.enable_series = cfg.getBool("enable_payloads.series");
  s.enable_sketches = cfg.getBool("enable_payloads.sketches");
  s.enable_service_checks = cfg.getBool("enable_payloads.service_checks");
  s.enable_events = cfg.getBool("enable_payloads.events");
  s.enable_json_to_v1_intake = cfg.getBool("enable_payloads.json_to_v1_intake");
  s.enable_stream_payload_serialization = cfg.getBool("enable_stream_payload_serialization");
  s.enable_service_checks_stream_payload_serialization =
      cfg.getBool("enable_service_checks_stream_payload_serialization");
  s.enable_events_stream_payload_serialization = cfg.getBool("enable_events_stream_payload_serialization");
  s.enable_sketch_stream_payload_serialization = cfg.getBool("enable_sketch_stream_payload_serialization");
  s.enable_json_stream_shared_compressor_buffers = cfg.getBool("enable_json_stream_shared_compressor_buffers");
  s.agent_payload_version = cfg.getString("ddsim.agent_payload_version");
  s.hostname = o.hostname;
  s.agent_version = version;
  s.orchestrator_use_legacy_endpoint = cfg.getBool("orchestrator_explorer.use_legacy_endpoint");

  // Forwarder (spec §6).
  auto& f = o.forwarder;
  f.api_key = cfg.getString("api_key");
  f.site = cfg.getString("site");
  f.dd_url = cfg.getString("dd_url");
  const auto& extra = cfg.get("additional_endpoints");
  for (auto it = extra.begin(); it != extra.end(); ++it) {
    std::vector<std::string> keys;
    if (it.value().is_array()) {
      for (const auto& k : it.value()) {
        if (!k.is_string()) return badValue(cfg, "additional_endpoints", "API keys must be strings");
        keys.push_back(k.get<std::string>());
      }
    } else if (it.value().is_string()) {
      keys.push_back(it.value().get<std::string>());
    } else {
      return badValue(cfg, "additional_endpoints", "expected URL -> list of API keys");
    }
    f.additional_endpoints[it.key()] = std::move(keys);
  }
  f.allow_arbitrary_tags = cfg.getBool("allow_arbitrary_tags");
  f.agent_version = version;
  f.use_legacy_orchestrator_endpoint = cfg.getBool("orchestrator_explorer.use_legacy_endpoint");
  f.forwarder_timeout = seconds(cfg.getDurationSeconds("forwarder_timeout"));
  f.forwarder_num_workers = static_cast<int>(cfg.getInt("forwarder_num_workers"));
  f.forwarder_stop_timeout = seconds(cfg.getDurationSeconds("forwarder_stop_timeout"));
  f.forwarder_connection_reset_interval = seconds(cfg.getDurationSeconds("forwarder_connection_reset_interval"));
  f.forwarder_high_prio_buffer_size = static_cast<int>(cfg.getInt("forwarder_high_prio_buffer_size"));
  f.forwarder_low_prio_buffer_size = static_cast<int>(cfg.getInt("forwarder_low_prio_buffer_size"));
  f.forwarder_requeue_buffer_size = static_cast<int>(cfg.getInt("forwarder_requeue_buffer_size"));
  f.logging_frequency = cfg.getInt("logging_frequency");
  if (cfg.has("forwarder_retry_queue_payloads_max_size")) {
    f.forwarder_retry_queue_payloads_max_size = cfg.getInt("forwarder_retry_queue_payloads_max_size");
  }
  if (cfg.has("forwarder_retry_queue_max_size")) {
    f.forwarder_retry_queue_max_size = cfg.getInt("forwarder_retry_queue_max_size");
  }
  f.forwarder_backoff_factor = cfg.getFloat("forwarder_backoff_factor");
  f.forwarder_backoff_base = cfg.getFloat("forwarder_backoff_base");
  f.forwarder_backoff_max = cfg.getFloat("forwarder_backoff_max");
  f.forwarder_recovery_interval = static_cast<int>(cfg.getInt("forwarder_recovery_interval"));
  f.forwarder_recovery_reset = cfg.getBool("forwarder_recovery_reset");
  f.run_path = cfg.getString("run_path");
  f.forwarder_storage_path = cfg.getString("forwarder_storage_path");
  f.forwarder_storage_max_size_in_bytes = cfg.getInt("forwarder_storage_max_size_in_bytes");
  f.forwarder_storage_max_disk_ratio = cfg.getFloat("forwarder_storage_max_disk_ratio");
  f.forwarder_flush_to_disk_mem_ratio = cfg.getFloat("forwarder_flush_to_disk_mem_ratio");
  f.forwarder_outdated_file_in_days = static_cast<int>(cfg.getInt("forwarder_outdated_file_in_days"));
  f.forwarder_apikey_validation_interval = static_cast<int>(cfg.getInt("forwarder_apikey_validation_interval"));
  const auto stop_mode = forwarder::parseStopMode(cfg.getString("ddsim.forwarder_stop_mode"));
  if (!stop_mode) return badValue(cfg, "ddsim.forwarder_stop_mode", "must be agent or drain");
  f.stop_mode = *stop_mode;
  if (auto st = f.validate(); !st.isOk()) return common::invalidArgument("forwarder settings: " + st.message());
  // The trace agent's samplers. The agent reads both budgets as floats without a check; a
  // negative or non-finite budget has no meaning, so ddsim refuses it.
  for (const char* key : {"apm_config.max_traces_per_second", "apm_config.errors_per_second"}) {
    const double v = cfg.getFloat(key);
    if (!std::isfinite(v) || v < 0) return badValue(cfg, key, "must be a number >= 0 (traces per second)");
  }
  o.traces.target_tps = cfg.getFloat("apm_config.max_traces_per_second");
  o.traces.error_tps = cfg.getFloat("apm_config.errors_per_second");
  o.traces.rare_sampler = cfg.getBool("apm_config.enable_rare_sampler");
  // The default env: apm_config.env when set, else env (GetTraceAgentDefaultEnv); "none" when
  // both are unset or empty (pkg/trace/config's default).
  for (const char* key : {"apm_config.env", "env"}) {
    if (cfg.sourceOf(key) == "default") continue;
    const std::string env = cfg.getString(key);
    if (env.empty()) continue;
    // Normalized as a tag by the trace agent; one with no letter or digit left is refused here.
    if (std::none_of(env.begin(), env.end(), [](unsigned char c) { return std::isalnum(c) || c >= 0x80; })) {
      return badValue(cfg, key, "must hold a letter or digit (it becomes the env tag), got \"" + env + "\"");
    }
    o.traces.default_env = env;
    break;
  }
  const double flush = cfg.getFloat("apm_config.trace_writer.flush_period_seconds");
  if (!std::isfinite(flush) || flush <= 0 || flush > 3600) {
    return badValue(cfg, "apm_config.trace_writer.flush_period_seconds", "must be a number of seconds in (0, 3600]");
  }
  o.traces.writer_flush_period_s = flush;
  int64_t* writer_ints[] = {&o.traces.trace_writer_connection_limit, &o.traces.trace_writer_queue_size,
                            &o.traces.stats_writer_connection_limit, &o.traces.stats_writer_queue_size};
  const char* writer_keys[] = {"apm_config.trace_writer.connection_limit", "apm_config.trace_writer.queue_size",
                               "apm_config.stats_writer.connection_limit", "apm_config.stats_writer.queue_size"};
  for (size_t i = 0; i < 4; ++i) {
    const int64_t v = cfg.getInt(writer_keys[i]);
    if (v < 0) return badValue(cfg, writer_keys[i], "must be >= 0 (0 = the agent's default), got " + std::to_string(v));
    *writer_ints[i] = v;
  }
  return o;
}

}  // namespace ddsim::config
