#pragma once
// A finished payload and the submission the serializer makes to the forwarder (spec §5.1, §5.2).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ddsim::serializer {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Payload {
  std::string bytes;            // the body as sent (compressed)
  size_t uncompressed_size = 0;
  int64_t point_count = 0;      // series points or sketch points (forwarder telemetry)
  int64_t item_count = 0;       // series / sketches / checks / events in this payload
};

// shared_ptr: one payload becomes one transaction per domain x API key (spec §6.2); they all
// read the same bytes, and transactions outlive the submit call (queues, retry, disk spill).
using PayloadPtr = std::shared_ptr<const Payload>;

// Every intake route the pipeline uses (spec §5.1).
enum class Endpoint {
  kSeriesV1,              // /api/v1/series
  kSeriesV2,              // /api/v2/series
  kSketches,              // /api/beta/sketches
  kCheckRun,              // /api/v1/check_run
  kIntake,                // /intake/ (events, host metadata)
  kMetadata,              // /api/v1/metadata
  kOrchestrator,          // /api/v2/orch
  kOrchestratorLegacy,    // /api/v1/orchestrator
  kOrchestratorManifest,  // /api/v2/orchmanif
  kValidate,              // /api/v1/validate (GET)
  kTraces,                // /api/v0.2/traces (the trace writer, docs/trace-agent.md §6.1)
  kStats,                 // /api/v0.2/stats (the trace agent's stats writer)
};

struct EndpointInfo {
  std::string_view route;
  std::string_view name;  // the agent's telemetry name, e.g. "series_v2"
};

constexpr EndpointInfo endpointInfo(Endpoint e) {
  switch (e) {
    case Endpoint::kSeriesV1: return {"/api/v1/series", "series_v1"};
    case Endpoint::kSeriesV2: return {"/api/v2/series", "series_v2"};
    case Endpoint::kSketches: return {"/api/beta/sketches", "sketches_v2"};
    case Endpoint::kCheckRun: return {"/api/v1/check_run", "check_run_v1"};
    case Endpoint::kIntake: return {"/intake/", "intake"};
    case Endpoint::kMetadata: return {"/api/v1/metadata", "metadata_v1"};
    case Endpoint::kOrchestrator: return {"/api/v2/orch", "orchestrator"};
    case Endpoint::kOrchestratorLegacy: return {"/api/v1/orchestrator", "orchestrator"};
    case Endpoint::kOrchestratorManifest: return {"/api/v2/orchmanif", "orchmanifest"};
    case Endpoint::kValidate: return {"/api/v1/validate", "validate_v1"};
    case Endpoint::kTraces: return {"/api/v0.2/traces", "traces_v02"};
    case Endpoint::kStats: return {"/api/v0.2/stats", "stats_v02"};
  }
  return {"/", "unknown"};
}

enum class TransactionPriority { kNormal = 0, kHigh = 1 };

struct Submission {
  Endpoint endpoint = Endpoint::kSeriesV2;
  std::vector<PayloadPtr> payloads;
  Headers headers;  // the serializer's extra headers (Content-Type, Content-Encoding, ...)
  TransactionPriority priority = TransactionPriority::kNormal;
  bool storable_on_disk = true;
};

}  // namespace ddsim::serializer
