#pragma once
// Every forwarder configuration key with the agent's default (spec §10), plus the few ddsim
// knobs (run mode, transport caps). The config layer maps datadog.yaml keys onto this struct;
// field names are the agent's key names.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/clock.h"
#include "core/common/status.h"

namespace ddsim::forwarder {

// How the forwarder runs (STYLE "Tick, don't own threads").
enum class RunMode {
  // Worker threads per domain block on the transport; a driver thread calls tick().
  kLive,
  // No threads: tick(now) dispatches due transactions synchronously on the caller's thread,
  // honouring simulated latency as worker-busy-until time. Same seed, same result.
  kVirtual,
};

// What stop() does with work that is still queued or in flight (ddsim.forwarder_stop_mode).
enum class StopMode {
  // The agent's stop, exactly (spec §6.10): the attempt in flight is cancelled and requeued,
  // queued high-priority transactions are purged within forwarder_stop_timeout, the retry
  // queue goes to disk when disk storage is on; the rest is lost (and counted).
  kAgent,
  // ddsim's tester mode: in-flight and queued sends (high and low priority) finish within
  // forwarder_stop_timeout first; only then does the agent's stop run on what is left.
  kDrain,
};
std::string_view stopModeName(StopMode m);
// "agent" or "drain"; nullopt for anything else.
std::optional<StopMode> parseStopMode(std::string_view s);

struct ForwarderOptions {
  // --- Endpoints (spec §6.1) ---
  std::string api_key;                   // api_key (no default)
  std::string site = "datadoghq.com";    // site; main endpoint is https://app.<site>
  std::string dd_url;                    // dd_url; overrides site when non-empty
  // additional_endpoints: URL -> API keys (one transaction per payload x domain x key).
  std::map<std::string, std::vector<std::string>> additional_endpoints;
  bool allow_arbitrary_tags = false;     // allow_arbitrary_tags -> Allow-Arbitrary-Tag-Value
  std::string agent_version = "7.57.0";  // DD-Agent-Version, User-Agent, version-prefixed domain
  // orchestrator_explorer.use_legacy_endpoint: orchestrator payloads go to /api/v1/orchestrator.
  bool use_legacy_orchestrator_endpoint = false;

  // --- HTTP and workers (spec §6.2, §6.4) ---
  common::Duration forwarder_timeout = std::chrono::seconds(20);
  int forwarder_num_workers = 1;                                         // per domain
  common::Duration forwarder_stop_timeout = std::chrono::seconds(2);     // 0 = no purge at stop
  common::Duration forwarder_connection_reset_interval = common::Duration::zero();  // 0 = off
  int forwarder_high_prio_buffer_size = 100;
  int forwarder_low_prio_buffer_size = 100;
  int forwarder_requeue_buffer_size = 100;
  int64_t logging_frequency = 500;  // log every Nth successful transaction at info

  // --- Retry queue (spec §6.6) ---
  // Unset => 15 MiB. When only the deprecated forwarder_retry_queue_max_size N is set, N * 2 MiB.
  std::optional<int64_t> forwarder_retry_queue_payloads_max_size;
  std::optional<int64_t> forwarder_retry_queue_max_size;  // deprecated

  // --- Circuit breaker (spec §6.5); out-of-range values are replaced as the agent does ---
  double forwarder_backoff_factor = 2;   // < 2 -> 2
  double forwarder_backoff_base = 2;     // <= 0 -> 2 (seconds)
  double forwarder_backoff_max = 64;     // <= 0 -> 64 (seconds)
  int forwarder_recovery_interval = 2;   // <= 0 -> 2
  bool forwarder_recovery_reset = false;

  // --- On-disk retry storage (spec §6.7) ---
  std::string run_path = "run";           // run_path
  std::string forwarder_storage_path;     // "" => <run_path>/transactions_to_retry
  int64_t forwarder_storage_max_size_in_bytes = 0;  // 0 = disk spill disabled
  double forwarder_storage_max_disk_ratio = 0.80;
  double forwarder_flush_to_disk_mem_ratio = 0.5;
  int forwarder_outdated_file_in_days = 10;
  // Window of the retry-queue capacity telemetry (datadog.agent.retry_queue_duration.*).
  int forwarder_retry_queue_capacity_time_interval_sec = 900;
  // The agent only spills to disk in the core agent (Core feature, agent name "core").
  bool core_features = true;

  // --- API key validation (spec §6.8) ---
  int forwarder_apikey_validation_interval = 60;  // minutes; <= 0 -> 60
  bool disable_api_key_checking = false;          // agent Options.DisableAPIKeyChecking

  // --- ddsim ---
  RunMode run_mode = RunMode::kLive;
  StopMode stop_mode = StopMode::kAgent;  // ddsim.forwarder_stop_mode
  // Live mode: start the driver thread that calls tick(). Tests may drive tick() themselves.
  bool live_driver_thread = true;

  // The retry-queue byte budget after the deprecated-key rule (spec §6.6).
  int64_t retryQueueMaxBytes() const;
  // Storage root after the run_path fallback: <root>/core is where domain folders live.
  std::string storageRoot() const;
  // Rejects values the agent cannot run with (negative buffer sizes, zero workers, ...).
  common::Status validate() const;
};

// Retry-queue sizes from the agent (spec §6.6).
inline constexpr int64_t kDefaultRetryQueueBytes = 15 * 1024 * 1024;
inline constexpr int64_t kDeprecatedRetryQueueItemBytes = 2 * 1024 * 1024;
// Hard-coded in the agent (spec §10): retry tick, API-key validation budget, serverless timeout.
inline constexpr common::Duration kRetryInterval = std::chrono::seconds(5);
inline constexpr common::Duration kApiKeyValidationBudget = std::chrono::seconds(10);
inline constexpr common::Duration kServerlessFlushTimeout = std::chrono::seconds(5);

}  // namespace ddsim::forwarder
