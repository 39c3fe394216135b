// Telemetry API batches and the enhanced metrics they imply (spec §7.5).
#include "core/serverless/telemetry_events.h"

#include <gtest/gtest.h>

#include <map>

namespace ddsim::serverless {
namespace {

constexpr const char* kBatch = R"([
  {"time":"2026-12-02T10:00:00.000Z","type":"platform.start","record":{"requestId":"r1","version":"$LATEST"}},
  {"time":"2026-12-02T10:00:00.100Z","type":"function","record":"hello from the function"},
  {"time":"2026-12-02T10:00:00.250Z","type":"platform.runtimeDone","record":{"requestId":"r1","status":"success",
     "metrics":{"durationMs":250.0,"producedBytes":42},
     "spans":[{"name":"responseLatency","durationMs":3.5},{"name":"responseDuration","durationMs":0.5}]}},
  {"time":"2026-12-02T10:00:00.300Z","type":"platform.report","record":{"requestId":"r1","status":"success",
     "metrics":{"durationMs":300.0,"billedDurationMs":300,"memorySizeMB":1024,"maxMemoryUsedMB":70,"initDurationMs":120.5}}}
])";

std::map<std::string, double> byName(const std::vector<EnhancedPoint>& pts) {
  std::map<std::string, double> out;
  for (const auto& p : pts) out[p.name.substr(kEnhancedPrefix.size())] += p.value;
  return out;
}

TEST(TelemetryEvents, ParsesABatch) {
  const auto events = parseTelemetryBatch(kBatch);
  ASSERT_TRUE(events.isOk()) << events.status().toString();
  ASSERT_EQ(events->size(), 4u);
  EXPECT_EQ((*events)[1].log_line, "hello from the function");
  EXPECT_EQ((*events)[2].request_id, "r1");
  EXPECT_EQ((*events)[2].response_latency_ms.value_or(-1), 3.5);
  EXPECT_EQ((*events)[3].billed_duration_ms.value_or(-1), 300);
  EXPECT_EQ((*events)[3].time - (*events)[0].time, std::chrono::milliseconds(300));
}

TEST(TelemetryEvents, BadBatchesSayWhere) {
  struct Row {
    const char* body;
    const char* want;
  };
  const Row rows[] = {{"{", "not JSON"}, {"{}", "not a JSON array"}, {R"([{"type":"x"},{"time":1}])", "entry 1"}};
  for (const auto& r : rows) {
    const auto got = parseTelemetryBatch(r.body);
    ASSERT_FALSE(got.isOk());
    EXPECT_NE(got.status().message().find(r.want), std::string::npos) << got.status().message();
  }
}

// §7.5: the values of one invocation's enhanced metrics.
TEST(EnhancedMetrics, OneInvocationTable) {
  EnhancedMetricsTracker tracker;
  std::vector<EnhancedPoint> all;
  const auto events = parseTelemetryBatch(kBatch);
  ASSERT_TRUE(events.isOk());
  for (const auto& e : *events) {
    auto pts = tracker.onEvent(e);
    all.insert(all.end(), pts.begin(), pts.end());
  }
  const auto got = byName(all);
  const std::map<std::string, double> want = {
      {"runtime_duration", 250},  {"response_latency", 3.5},    {"response_duration", 0.5},
      {"produced_bytes", 42},     {"max_memory_used", 70},      {"memorysize", 1024},
      {"billed_duration", 0.3},   {"duration", 0.3},            {"post_runtime_duration", 50},
      {"init_duration", 0.1205},  {"estimated_cost", 0.0000052000}};
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [name, value] : want) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(got.count(name));
    EXPECT_NEAR(got.at(name), value, 1e-9);
  }
}

TEST(EnhancedMetrics, EstimatedCostTable) {
  struct Row {
    double billed_ms, memory_mb;
    bool arm;
    double want;
  };
  // base 2e-7 + GB-s x price
  const Row rows[] = {{1000, 1024, false, 0.0000002 + 0.0000166667}, {1000, 1024, true, 0.0000002 + 0.0000133334},
                      {100, 128, false, 0.0000002 + 0.1 * 0.125 * 0.0000166667}, {0, 128, false, 0.0000002}};
  for (const auto& r : rows) EXPECT_NEAR(EnhancedMetricsTracker::estimatedCost(r.billed_ms, r.memory_mb, r.arm), r.want, 1e-12);
}

TEST(EnhancedMetrics, ErrorsTimeoutsAndOutOfMemory) {
  struct Row {
    const char* name;
    const char* event;
    std::map<std::string, double> want;  // only these counters
  };
  const Row rows[] = {
      {"timeout report", R"({"type":"platform.report","record":{"requestId":"x","status":"timeout","metrics":{}}})",
       {{"timeouts", 1}, {"errors", 1}}},
      {"error report", R"({"type":"platform.report","record":{"requestId":"x","status":"error","metrics":{}}})",
       {{"errors", 1}}},
      {"oom report",
       R"({"type":"platform.report","record":{"requestId":"x","status":"error","errorType":"Runtime.OutOfMemory"}})",
       {{"out_of_memory", 1}, {"errors", 1}}},
      {"oom log line", R"({"type":"function","record":"Traceback... MemoryError"})",
       {{"out_of_memory", 1}, {"errors", 1}}},
      {"plain log line", R"({"type":"function","record":"all good"})", {}},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    EnhancedMetricsTracker tracker;
    const auto events = parseTelemetryBatch(std::string("[") + r.event + "]");
    ASSERT_TRUE(events.isOk());
    auto got = byName(tracker.onEvent((*events)[0]));
    for (const char* n : {"max_memory_used", "memorysize", "billed_duration", "duration", "estimated_cost"}) {
      got.erase(n);
    }
    EXPECT_EQ(got, r.want);
  }
}

}  // namespace
}  // namespace ddsim::serverless
