#pragma once
// The Lambda Telemetry API (schema 2022-07-01) as the extension receives it on /lambda/logs: a
// JSON array of {time, type, record}. This file turns a batch into typed events and the
// enhanced metrics they imply (spec §7.5, the agent's GenerateEnhancedMetricsFrom*). Pure: no
// I/O, no clock.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/clock.h"
#include "core/common/status.h"

namespace ddsim::serverless {

struct TelemetryEvent {
  std::string type;  // "platform.start", "platform.runtimeDone", "platform.report", "function", ...
  common::SystemTime time{};
  std::string request_id;  // record.requestId (platform.* events)
  std::string status;      // record.status ("success", "error", "failure", "timeout")
  std::string error_type;  // record.errorType ("Runtime.OutOfMemory", ...)
  // record.metrics (ms, MB, bytes); nullopt when absent.
  std::optional<double> duration_ms, billed_duration_ms, memory_size_mb, max_memory_used_mb, init_duration_ms,
      produced_bytes, response_latency_ms, response_duration_ms;
  std::string log_line;  // "function" / "extension" events: the record when it is a string
};

// Parses one POST body. InvalidArgument (with the index of the offending entry) when the body
// is not an array of objects with a string "type"; unknown types are kept as they are.
common::Result<std::vector<TelemetryEvent>> parseTelemetryBatch(std::string_view body);

// "2026-12-02T21:46:37.123Z" -> time; nullopt when malformed.
std::optional<common::SystemTime> parseRfc3339(std::string_view text);

// One enhanced metric point: a distribution sample with an explicit timestamp.
struct EnhancedPoint {
  std::string name;
  double value = 0;
  double timestamp = 0;  // Unix seconds
};

inline constexpr std::string_view kEnhancedPrefix = "aws.lambda.enhanced.";

// Follows the invocation lifecycle across batches: platform.start gives the runtime start,
// platform.runtimeDone its end (runtime_duration, produced_bytes, response_*), platform.report
// the billing (duration, billed_duration, max_memory_used, memorysize, estimated_cost,
// post_runtime_duration, init_duration), errors and out-of-memory. Not thread-safe.
class EnhancedMetricsTracker {
 public:
  // `arm64`: AWS's arm price per GB-second instead of x86's.
  explicit EnhancedMetricsTracker(bool arm64 = false) : arm64_(arm64) {}
  // The points `e` implies (possibly none).
  std::vector<EnhancedPoint> onEvent(const TelemetryEvent& e);
  // The agent's cost formula: base price + GB-seconds x price, rounded to 1e-13.
  static double estimatedCost(double billed_duration_ms, double memory_size_mb, bool arm64);
  // True when a function log line carries one of the runtimes' out-of-memory messages.
  static bool isOutOfMemoryLog(std::string_view line);

 private:
  bool arm64_;
  std::string request_id_;
  common::SystemTime runtime_start_{};
  common::SystemTime runtime_end_{};
};

}  // namespace ddsim::serverless
