#pragma once
// The intake routes the fakeintake knows (spec §5.1, §6.8) and how each body is decoded.
// Any other path is a catch-all route: stored, decompressed, JSON kept as text.
#include <string_view>

namespace ddsim::fakeintake {

enum class RouteKind {
  kSeriesV2,              // /api/v2/series: MetricPayload protobuf, or JSON (API clients)
  kSeriesV1,              // /api/v1/series: {"series":[...]} JSON
  kSketches,              // /api/beta/sketches: SketchPayload protobuf
  kCheckRuns,             // /api/v1/check_run: JSON array
  kIntake,                // /intake/: events JSON (or host metadata JSON)
  kOrchestrator,          // /api/v2/orch, /api/v1/orchestrator: process-encoded messages
  kOrchestratorManifest,  // /api/v2/orchmanif
  kValidate,              // /api/v1/validate (GET)
  kTraces,                // /api/v0.2/traces: the trace agent's AgentPayload protobuf
  kStats,                 // /api/v0.2/stats: the trace agent's StatsPayload msgpack
  kLogs,                  // /api/v2/logs: a JSON array of log entries
  kGeneric,               // anything else
};

RouteKind routeKind(std::string_view path);
std::string_view routeKindName(RouteKind k);
// True for the routes whose payloads are metric series (v1, v2).
inline bool isSeriesRoute(RouteKind k) { return k == RouteKind::kSeriesV1 || k == RouteKind::kSeriesV2; }

}  // namespace ddsim::fakeintake
