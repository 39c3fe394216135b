#include "fakeintake/core/routes.h"

namespace ddsim::fakeintake {

RouteKind routeKind(std::string_view path) {
  if (path == "/api/v2/series") return RouteKind::kSeriesV2;
  if (path == "/api/v1/series") return RouteKind::kSeriesV1;
  if (path == "/api/beta/sketches") return RouteKind::kSketches;
  if (path == "/api/v1/check_run") return RouteKind::kCheckRuns;
  if (path == "/intake/" || path == "/intake") return RouteKind::kIntake;
  // The process agent's connections use the same agent-payload message framing.
  if (path == "/api/v2/orch" || path == "/api/v1/orchestrator" || path == "/api/v1/connections") {
    return RouteKind::kOrchestrator;
  }
  if (path == "/api/v2/orchmanif") return RouteKind::kOrchestratorManifest;
  if (path == "/api/v1/validate") return RouteKind::kValidate;
  if (path == "/api/v0.2/traces") return RouteKind::kTraces;
  if (path == "/api/v0.2/stats") return RouteKind::kStats;
  if (path == "/api/v2/logs") return RouteKind::kLogs;
  return RouteKind::kGeneric;
}

std::string_view routeKindName(RouteKind k) {
  switch (k) {
    case RouteKind::kSeriesV2: return "series_v2";
    case RouteKind::kSeriesV1: return "series_v1";
    case RouteKind::kSketches: return "sketches";
    case RouteKind::kCheckRuns: return "check_runs";
    case RouteKind::kIntake: return "intake";
    case RouteKind::kOrchestrator: return "orchestrator";
    case RouteKind::kOrchestratorManifest: return "orchestrator_manifest";
    case RouteKind::kValidate: return "validate";
    case RouteKind::kTraces: return "traces";
    case RouteKind::kStats: return "stats";
    case RouteKind::kLogs: return "logs";
    case RouteKind::kGeneric: return "generic";
  }
  return "generic";
}

}  // namespace ddsim::fakeintake
