#include "simulator/lambda/platform_events.h"

#include <cmath>

#include "core/serverless/execution_state.h"

namespace ddsim::lambda {

using nlohmann::json;

json platformEvent(common::SystemTime t, const std::string& type, json record) {
  return json{{"time", serverless::formatRfc3339(t)}, {"type", type}, {"record", std::move(record)}};
}

json runtimeDoneRecord(const RuntimeDoneFields& f) {
  json done{{"requestId", f.request_id},
            {"status", f.status},
            {"metrics", {{"durationMs", f.runtime_ms}, {"producedBytes", f.produced_bytes}}}};
  if (!f.tracing.is_null()) done["tracing"] = f.tracing;
  if (!f.error_type.empty()) done["errorType"] = f.error_type;
  return done;
}

json reportRecord(const ReportFields& f) {
  json metrics{{"durationMs", f.duration_ms},
               {"billedDurationMs", std::ceil(f.duration_ms)},
               {"memorySizeMB", f.memory_mb},
               {"maxMemoryUsedMB", f.max_memory_used_mb}};
  if (f.init_ms) metrics["initDurationMs"] = *f.init_ms;
  json report{{"requestId", f.request_id}, {"status", f.status}, {"metrics", metrics}};
  if (!f.tracing.is_null()) report["tracing"] = f.tracing;
  return report;
}

}  // namespace ddsim::lambda
